"""The chat's Wagtail admin: review queue, reports, mutes/bans, audit, rooms."""

import pytest

from community import services
from community.models import Ban, BlockedWord, Message, ModerationAction, Report

from .factories import MessageFactory, ModeratorFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client, home_page):
    moderator = ModeratorFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    client.force_login(moderator)
    client.user = moderator
    return client


@pytest.fixture
def reported(db):
    room = RoomFactory(slug="general")
    message = MessageFactory(room=room, author=UserFactory(), body="rude words")
    reporters = [UserFactory() for _ in range(3)]
    for reporter in reporters:
        services.chat_message_report(
            reporter=reporter, message_id=message.pk, reason="rude"
        )
    return message


@pytest.mark.parametrize(
    "path",
    [
        "/admin/community/report/",
        "/admin/community/message/",
        "/admin/community/mute/",
        "/admin/community/ban/",
        "/admin/community/moderationaction/",
        "/admin/community/room/",
        "/admin/community/blockedword/",
    ],
)
def test_moderators_see_every_chat_screen(moderator_client, reported, path):
    response = moderator_client.get(path)
    assert response.status_code == 200


def test_members_cannot_reach_the_chat_admin(client, home_page):
    client.force_login(UserFactory())
    response = client.get("/admin/community/report/")
    assert response.status_code == 302


def test_report_queue_resolve_deletes_the_message(moderator_client, reported):
    report = Report.objects.filter(message=reported).first()
    path = f"/admin/chat/report/{report.pk}/resolve/"
    assert moderator_client.get(path).status_code == 200  # the confirmation

    response = moderator_client.post(path)

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.deleted_at is not None
    assert set(Report.objects.values_list("state", flat=True)) == {"resolved"}
    assert (
        ModerationAction.objects.filter(
            kind="resolve", actor=moderator_client.user
        ).count()
        == 1
    )


def test_report_queue_dismiss_shows_a_hidden_message_again(moderator_client, reported):
    reported.refresh_from_db()
    assert reported.state == Message.State.HIDDEN
    report = Report.objects.filter(message=reported).first()

    moderator_client.post(f"/admin/chat/report/{report.pk}/dismiss/")

    reported.refresh_from_db()
    assert reported.state == Message.State.PUBLISHED
    assert set(Report.objects.values_list("state", flat=True)) == {"dismissed"}


def test_review_queue_lists_held_messages_and_publishes_them(moderator_client):
    room = RoomFactory(slug="general")
    BlockedWord.objects.create(phrase="casino")
    held = services.chat_message_post(
        room_id=room.pk, user=UserFactory(), body="best casino"
    )
    response = moderator_client.get("/admin/community/message/")
    assert "best casino" in response.content.decode()

    moderator_client.post(f"/admin/chat/message/{held.pk}/approve/")

    held.refresh_from_db()
    assert (held.state, held.seq) == (Message.State.PUBLISHED, 1)


def test_ban_created_in_the_admin_is_audited_and_can_be_lifted(moderator_client):
    target = UserFactory(username="troll")
    response = moderator_client.post(
        "/admin/community/ban/create/",
        {"user": target.pk, "room": "", "until": "", "reason": "spam everywhere"},
    )
    assert response.status_code == 302
    ban = Ban.objects.get(user=target)
    assert (ban.room, ban.created_by) == (None, moderator_client.user)
    assert ModerationAction.objects.get(kind="ban").reason == "spam everywhere"

    moderator_client.post(f"/admin/chat/ban/{ban.pk}/lift/")
    ban.refresh_from_db()
    assert ban.is_active is False
    assert ModerationAction.objects.filter(kind="unban").count() == 1


def test_room_edit_is_audited(admin_client, home_page):
    room = RoomFactory(slug="general", title="General")
    response = admin_client.post(
        f"/admin/community/room/edit/{room.pk}/",
        {
            "slug": "general",
            "title": "General",
            "topic": "",
            "is_locked": "on",
            "slow_mode_seconds": "30",
        },
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.is_locked, room.slow_mode_seconds) == (True, 30)
    action = ModerationAction.objects.get(kind="room_edit")
    assert action.detail["slow_mode"] == 30
