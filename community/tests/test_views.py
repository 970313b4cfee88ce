"""The history API: GET /api/chat/<room>/messages/ (contracts.md, Chat)."""

import uuid

import pytest

from community import services
from community.models import Ban

from .factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(slug: str = "general") -> str:
    return f"/api/chat/{slug}/messages/"


@pytest.fixture
def room():
    return RoomFactory(slug="general")


@pytest.fixture
def messages(room):
    authors = [UserFactory(), UserFactory(), UserFactory()]
    return [
        MessageFactory(room=room, author=authors[n % 3], body=f"m{n}")
        for n in range(120)
    ]


def bodies(response) -> list[str]:
    return [message["body"] for message in response.json()["messages"]]


def test_latest_page_oldest_first(client, messages, django_assert_max_num_queries):
    # Session, room, messages with authors, moderator flags: a fixed number.
    with django_assert_max_num_queries(5):
        response = client.get(url())
    assert response.status_code == 200
    assert bodies(response) == [f"m{n}" for n in range(70, 120)]
    assert response.json()["has_more"] is True
    first = response.json()["messages"][0]
    assert set(first) == {"type", "id", "author", "body", "created"}
    assert first["id"] == str(messages[70].id)


def test_before_pages_back_to_the_start(client, messages):
    response = client.get(url(), {"before": str(messages[70].id), "limit": 100})
    assert bodies(response) == [f"m{n}" for n in range(70)]
    assert response.json()["has_more"] is False


def test_after_catches_up_in_pages(client, messages):
    response = client.get(url(), {"after": str(messages[9].id), "limit": 100})
    assert bodies(response) == [f"m{n}" for n in range(10, 110)]
    assert response.json()["has_more"] is True
    last = response.json()["messages"][-1]["id"]
    response = client.get(url(), {"after": last, "limit": 100})
    assert bodies(response) == [f"m{n}" for n in range(110, 120)]
    assert response.json()["has_more"] is False


def test_deleted_messages_are_not_returned_but_still_work_as_cursor(
    client, messages, room
):
    moderator = UserFactory(is_superuser=True)
    services.chat_message_delete(actor=moderator, message_id=messages[118].id)
    response = client.get(url(), {"limit": 3})
    assert bodies(response) == ["m116", "m117", "m119"]
    response = client.get(url(), {"after": str(messages[118].id)})
    assert bodies(response) == ["m119"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": "101"}, 400, "bad_request"),
        ({"limit": "0"}, 400, "bad_request"),
        ({"limit": "ten"}, 400, "bad_request"),
        ({"after": "not-a-uuid"}, 400, "bad_request"),
        ({"after": str(uuid.uuid4())}, 404, "not_found"),
        ({"after": "x", "before": "y"}, 400, "bad_request"),
    ],
)
def test_bad_parameters_get_json_errors(client, room, params, status, code):
    response = client.get(url(), params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["detail"]


def test_unknown_room_is_404_json(client, db):
    response = client.get(url("nowhere"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_post_is_405_json(client, room):
    response = client.post(url())
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_members_only_rooms_need_sign_in(client):
    room = RoomFactory(slug="members", is_members_only=True)
    MessageFactory(room=room, author=UserFactory(), body="secret")
    response = client.get(url("members"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"

    client.force_login(UserFactory())
    response = client.get(url("members"))
    assert response.status_code == 200
    assert bodies(response) == ["secret"]


def test_cursor_from_another_room_is_404(client, messages):
    other = RoomFactory(slug="other")
    response = client.get(url("other"), {"after": str(messages[0].id)})
    assert response.status_code == 404
    assert other.messages.count() == 0


def test_banned_members_cannot_read(client, room):
    user = UserFactory()
    Ban.objects.create(user=user, room=room)
    client.force_login(user)
    response = client.get(url())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "banned"


def test_held_and_hidden_messages_are_not_returned(client, room):
    from community.models import BlockedWord, Message

    BlockedWord.objects.create(phrase="spam")
    author = UserFactory()
    services.chat_message_post(room_id=room.pk, user=author, body="buy spam")
    shown = MessageFactory(room=room, author=author, body="fine")
    hidden = MessageFactory(room=room, author=author, body="rude")
    Message.objects.filter(pk=hidden.pk).update(state=Message.State.HIDDEN)
    response = client.get(url())
    assert [m["id"] for m in response.json()["messages"]] == [str(shown.id)]
