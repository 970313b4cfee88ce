"""Every chat rule through the websocket, on the Redis channel layer."""

from datetime import timedelta

from django.utils import timezone

import pytest
from channels.db import database_sync_to_async

from community.models import (
    Ban,
    BlockedWord,
    Message,
    ModerationAction,
    Mute,
    Report,
    Room,
)

from .conftest import ChatClient, eventually
from .factories import MessageFactory, RoomFactory, UserFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.asyncio,
    pytest.mark.usefixtures("transactional_db", "flush_layer"),
]


@database_sync_to_async
def db(function, *args, **kwargs):
    return function(*args, **kwargs)


async def test_connect_sends_latest_50_oldest_first_then_room(room, member):
    # Given 55 messages in the room
    for n in range(55):
        await db(MessageFactory, room=room, author=member, body=f"m{n}")
    client = ChatClient("general")

    # When an anonymous visitor connects
    history, room_frame = await client.connect()

    # Then the latest 50 arrive oldest first, with has_more, then the room
    assert [m["body"] for m in history["messages"]] == [f"m{n}" for n in range(5, 55)]
    assert history["has_more"] is True
    assert history["messages"][0]["author"] == {
        "username": "cass",
        "display_name": "Cass",
        "is_moderator": False,
    }
    assert room_frame == {
        "type": "room",
        "slug": "general",
        "title": "General chat",
        "topic": "Plants",
        "locked": False,
        "slow_mode": 0,
        "members_only": False,
        "online": 1,
        "viewer": {"signed_in": False, "username": "", "is_moderator": False},
    }
    await client.close()


async def test_post_is_stored_then_reaches_every_client(room, member, moderator):
    poster, reader = ChatClient("general", member), ChatClient("general")
    await poster.connect()
    await reader.connect()

    await poster.send({"type": "message", "body": "  <b>Hi</b> & welcome  "})

    for client in (poster, reader):
        frame = await client.receive_type("message")
        assert frame["body"] == "<b>Hi</b> & welcome"
        assert frame["author"]["username"] == "cass"
    stored = await db(Message.objects.get)
    assert str(stored.id) == frame["id"]
    assert stored.body == "<b>Hi</b> & welcome"
    assert stored.seq == 1
    await poster.close()
    await reader.close()


async def test_moderator_messages_are_flagged(room, moderator):
    client = ChatClient("general", moderator)
    await client.connect()
    await client.send({"type": "message", "body": "Rules are pinned."})
    frame = await client.receive_type("message")
    assert frame["author"]["is_moderator"] is True
    await client.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "message", "body": "   "}, "empty"),
        ({"type": "message", "body": "x" * 2001}, "too_long"),
        ({"type": "message", "body": 42}, "bad_request"),
        ({"type": "nonsense"}, "bad_request"),
        ({"body": "no type"}, "bad_request"),
        ({"type": "delete", "id": "00000000-0000-0000-0000-000000000000"}, "forbidden"),
        ({"type": "lock", "locked": True}, "forbidden"),
        ({"type": "slow_mode", "seconds": 5}, "forbidden"),
        ({"type": "ban", "user": "robin"}, "forbidden"),
        ({"type": "mute", "user": "robin", "minutes": 5}, "forbidden"),
    ],
)
async def test_refused_frames_get_an_error_and_the_socket_stays_open(
    room, member, other_member, frame, code
):
    client = ChatClient("general", member)
    await client.connect()

    await client.send(frame)

    error = await client.receive_type("error")
    assert error["code"] == code
    # The socket still works and nothing was stored.
    await client.send({"type": "message", "body": "still here"})
    assert (await client.receive_type("message"))["body"] == "still here"
    assert await db(Message.objects.count) == 1
    await client.close()


async def test_exactly_2000_characters_are_accepted(room, member):
    client = ChatClient("general", member)
    await client.connect()
    await client.send({"type": "message", "body": "é" * 2000})
    assert len((await client.receive_type("message"))["body"]) == 2000
    await client.close()


@pytest.mark.parametrize(
    "text", ["not json", "[1, 2]", '"a string"', "{" * 10, "x" * 40_000]
)
async def test_malformed_and_oversized_frames_are_bad_requests(room, member, text):
    client = ChatClient("general", member)
    await client.connect()
    await client.send_text(text)
    error = await client.receive_type("error")
    assert error["code"] == "bad_request"
    assert await client.nothing()
    await client.close()


async def test_binary_frames_are_bad_requests(room, member):
    client = ChatClient("general", member)
    await client.connect()
    await client.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await client.receive_type("error"))["code"] == "bad_request"
    await client.close()


async def test_anonymous_visitors_read_but_cannot_post(room):
    client = ChatClient("general")
    await client.connect()
    await client.send({"type": "message", "body": "hello"})
    assert (await client.receive_type("error"))["code"] == "not_authenticated"
    await client.send({"type": "report", "id": "x", "reason": "spam"})
    assert (await client.receive_type("error"))["code"] == "not_authenticated"
    assert await db(Message.objects.count) == 0
    await client.close()


async def test_unknown_room_closes_4404(transactional_db):
    client = ChatClient("no-such-room")
    connected, _ = await client.communicator.connect()
    assert connected
    assert await client.receive_close() == 4404


async def test_members_only_room_needs_sign_in(transactional_db, member):
    await db(RoomFactory, slug="members", is_members_only=True)
    anonymous = ChatClient("members")
    await anonymous.communicator.connect()
    assert (await anonymous.receive())["code"] == "not_authenticated"
    assert await anonymous.receive_close() == 4401

    signed_in = ChatClient("members", member)
    history, room = await signed_in.connect()
    assert room["members_only"] is True
    await signed_in.close()


async def test_locked_room_refuses_members_but_not_moderators(room, member, moderator):
    mod, user = ChatClient("general", moderator), ChatClient("general", member)
    await mod.connect()
    await user.connect()

    await mod.send({"type": "lock", "locked": True})
    for client in (mod, user):
        frame = await client.receive_type("room")
        assert frame["locked"] is True

    await user.send({"type": "message", "body": "let me in"})
    assert (await user.receive_type("error"))["code"] == "locked"
    await mod.send({"type": "message", "body": "moderators still post"})
    assert (await user.receive_type("message"))["body"] == "moderators still post"

    await mod.send({"type": "lock", "locked": False})
    assert (await user.receive_type("room"))["locked"] is False
    await user.send({"type": "message", "body": "thanks"})
    assert (await user.receive_type("message"))["body"] == "thanks"
    kinds = await db(
        lambda: list(
            ModerationAction.objects.order_by("created").values_list(
                "kind", "actor__username"
            )
        )
    )
    assert kinds == [("lock", "morgan"), ("unlock", "morgan")]
    await mod.close()
    await user.close()


async def test_slow_mode_timing(room, member, moderator):
    mod, user = ChatClient("general", moderator), ChatClient("general", member)
    await mod.connect()
    await user.connect()
    await mod.send({"type": "slow_mode", "seconds": 1})
    assert (await user.receive_type("room"))["slow_mode"] == 1

    await user.send({"type": "message", "body": "one"})
    await user.receive_type("message")
    await user.send({"type": "message", "body": "two"})
    error = await user.receive_type("error")
    assert error["code"] == "slow_mode"
    assert 0 < error["retry_after"] <= 1

    # Moderators are exempt.
    await mod.send({"type": "message", "body": "a"})
    await mod.send({"type": "message", "body": "b"})
    assert (await user.receive_type("message"))["body"] == "a"
    assert (await user.receive_type("message"))["body"] == "b"

    await database_sync_to_async(lambda: None)()
    import asyncio

    await asyncio.sleep(1.05)
    await user.send({"type": "message", "body": "three"})
    assert (await user.receive_type("message"))["body"] == "three"
    assert (
        await db(
            lambda: ModerationAction.objects.filter(
                kind="slow_mode", detail={"seconds": 1}
            ).count()
        )
        == 1
    )
    await mod.close()
    await user.close()


async def test_flood_limit_for_members_not_moderators(
    room, member, moderator, settings
):
    settings.CHAT_FLOOD_MESSAGES = 3
    settings.CHAT_FLOOD_SECONDS = 10
    user = ChatClient("general", member)
    await user.connect()
    for n in range(3):
        await user.send({"type": "message", "body": f"m{n}"})
        await user.receive_type("message")
    await user.send({"type": "message", "body": "m3"})
    assert (await user.receive_type("error"))["code"] == "rate_limited"

    mod = ChatClient("general", moderator)
    await mod.connect()
    for n in range(4):
        await mod.send({"type": "message", "body": f"mod{n}"})
        await mod.receive_type("message")
    assert await db(Message.objects.count) == 7
    await mod.close()
    await user.close()


async def test_mute_refuses_then_expires(room, member, moderator):
    mod, user = ChatClient("general", moderator), ChatClient("general", member)
    await mod.connect()
    await user.connect()

    await mod.send({"type": "mute", "user": "cass", "minutes": 10, "reason": "heated"})
    await eventually(lambda: Mute.objects.filter(user__username="cass").exists())
    await user.send({"type": "message", "body": "hello?"})
    error = await user.receive_type("error")
    assert error["code"] == "muted"
    assert 590 < error["retry_after"] <= 600

    # When the mute's time has passed
    await db(lambda: Mute.objects.update(until=timezone.now() - timedelta(seconds=1)))
    await user.send({"type": "message", "body": "back"})
    assert (await user.receive_type("message"))["body"] == "back"
    action = await db(lambda: ModerationAction.objects.get(kind="mute"))
    assert (action.actor_id, action.target_user_id, action.detail["minutes"]) == (
        moderator.pk,
        member.pk,
        10,
    )
    await mod.close()
    await user.close()


async def test_site_wide_mute_applies_to_every_room(room, member, moderator):
    await db(Mute.objects.create, user=member, room=None, created_by=moderator)
    user = ChatClient("general", member)
    await user.connect()
    await user.send({"type": "message", "body": "hello"})
    error = await user.receive_type("error")
    assert error["code"] == "muted"
    assert "retry_after" not in error
    await user.close()


async def test_delete_vanishes_from_every_client_and_history(room, member, moderator):
    mod, user, anon = (
        ChatClient("general", moderator),
        ChatClient("general", member),
        ChatClient("general"),
    )
    for client in (mod, user, anon):
        await client.connect()
    await user.send({"type": "message", "body": "oops"})
    message_id = (await mod.receive_type("message"))["id"]
    await user.receive_type("message")
    await anon.receive_type("message")

    await mod.send({"type": "delete", "id": message_id})

    for client in (mod, user, anon):
        assert await client.receive_type("deleted") == {
            "type": "deleted",
            "id": message_id,
        }
    late = ChatClient("general")
    history, _ = await late.connect()
    assert history["messages"] == []
    action = await db(lambda: ModerationAction.objects.get(kind="delete"))
    assert str(action.message_id) == message_id
    assert action.target_user_id == member.pk
    for client in (mod, user, anon, late):
        await client.close()


async def test_members_cannot_delete(room, member, other_member):
    message = await db(MessageFactory, room=room, author=other_member)
    user = ChatClient("general", member)
    await user.connect()
    await user.send({"type": "delete", "id": str(message.id)})
    assert (await user.receive_type("error"))["code"] == "forbidden"
    assert (await db(Message.objects.get, pk=message.pk)).deleted_at is None
    await user.close()


async def test_ban_closes_live_sockets_4403_and_refuses_reconnect(
    room, member, moderator
):
    mod = ChatClient("general", moderator)
    first, second = ChatClient("general", member), ChatClient("general", member)
    for client in (mod, first, second):
        await client.connect()

    await mod.send({"type": "ban", "user": "cass", "reason": "spam"})

    for client in (first, second):
        error = await client.receive_type("error")
        assert error["code"] == "banned"
        assert await client.receive_close() == 4403
    again = ChatClient("general", member)
    await again.communicator.connect()
    assert (await again.receive())["code"] == "banned"
    assert await again.receive_close() == 4403

    # Unban lets them back in.
    await mod.send({"type": "unban", "user": "cass"})
    await mod.send({"type": "message", "body": "sync"})  # processed in order
    await mod.receive_type("message")
    back = ChatClient("general", member)
    await back.connect()
    kinds = await db(
        lambda: list(
            ModerationAction.objects.order_by("created").values_list("kind", flat=True)
        )
    )
    assert kinds == ["ban", "unban"]
    assert await db(lambda: Ban.objects.active().count()) == 0
    await back.close()
    await mod.close()


async def test_ban_in_another_room_leaves_this_socket_open(room, member, moderator):
    other = await db(RoomFactory, slug="plant-doctor")
    user = ChatClient("general", member)
    await user.connect()
    from community import services

    await db(services.chat_user_ban, actor=moderator, room=other, username="cass")
    assert await user.nothing(0.5)
    await user.close()


async def test_sign_out_and_deactivation_close_sockets(room, member, other_member):
    from django.contrib.auth.signals import user_logged_out

    one, two = ChatClient("general", member), ChatClient("general", other_member)
    await one.connect()
    await two.connect()

    await db(user_logged_out.send, sender=type(member), request=None, user=member)
    assert (await one.receive_type("error"))["code"] == "not_authenticated"
    assert await one.receive_close() == 4403

    other_member.is_active = False
    await db(other_member.save, update_fields=["is_active"])
    assert (await two.receive_type("error"))["code"] == "forbidden"
    assert await two.receive_close() == 4403


async def test_three_reports_hide_until_a_moderator_decides(room, member, moderator):
    reporters = [await db(UserFactory) for _ in range(3)]
    message = await db(MessageFactory, room=room, author=member, body="rude")
    watcher = ChatClient("general")
    await watcher.connect()
    clients = [ChatClient("general", user) for user in reporters]
    for client in clients:
        await client.connect()

    # The same member reporting twice counts once.
    for client in (clients[0], clients[0], clients[1]):
        await client.send({"type": "report", "id": str(message.id), "reason": "rude"})
    assert await watcher.nothing(0.5)
    assert await db(Report.objects.count) == 2

    await clients[2].send({"type": "report", "id": str(message.id), "reason": "rude"})
    assert await watcher.receive_type("deleted") == {
        "type": "deleted",
        "id": str(message.id),
    }
    hidden = await db(Message.objects.get, pk=message.pk)
    assert hidden.state == Message.State.HIDDEN
    assert (await db(lambda: ModerationAction.objects.get(kind="hide"))).actor is None

    # A moderator dismisses: the message is back for everyone.
    from community import services

    report = await db(Report.objects.first)
    await db(services.report_dismiss, actor=moderator, report_id=report.pk)
    frame = await watcher.receive_type("message")
    assert frame["id"] == str(message.id)
    assert await db(lambda: Report.objects.filter(state="open").count()) == 0
    for client in [watcher, *clients]:
        await client.close()


async def test_reporting_own_or_unknown_message(room, member):
    message = await db(MessageFactory, room=room, author=member)
    user = ChatClient("general", member)
    await user.connect()
    await user.send({"type": "report", "id": str(message.id), "reason": "me"})
    assert (await user.receive_type("error"))["code"] == "bad_request"
    await user.send({"type": "report", "id": "not-a-uuid", "reason": "?"})
    assert (await user.receive_type("error"))["code"] == "not_found"
    assert await db(Report.objects.count) == 0
    await user.close()


async def test_word_filter_holds_messages_for_review(room, member, moderator):
    await db(BlockedWord.objects.create, phrase="cheap pills")
    user, anon = ChatClient("general", member), ChatClient("general")
    await user.connect()
    await anon.connect()

    await user.send({"type": "message", "body": "Buy CHEAP pills now"})

    held = await user.receive_type("message")
    assert held["held"] is True
    assert await anon.nothing(0.5)
    stored = await db(Message.objects.get)
    assert (stored.state, stored.seq) == (Message.State.HELD, None)
    # Words inside other words do not match.
    await user.send({"type": "message", "body": "cheap pillsbury dough"})
    assert "held" not in await anon.receive_type("message")

    from community import services

    await db(services.chat_message_approve, actor=moderator, message_id=stored.pk)
    assert (await anon.receive_type("message"))["id"] == str(stored.id)
    kinds = await db(
        lambda: list(
            ModerationAction.objects.order_by("created").values_list("kind", flat=True)
        )
    )
    assert kinds == ["hold", "approve"]
    await user.close()
    await anon.close()


async def test_bodies_stay_plain_text(room, member):
    user = ChatClient("general", member)
    await user.connect()
    body = '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    await user.send({"type": "message", "body": body})
    assert (await user.receive_type("message"))["body"] == body
    await user.close()


async def test_presence_counts_sockets_and_ignores_dead_processes(room, member):
    import time

    from django.conf import settings

    from community.presence import RedisPresence

    # A process that died long ago left an entry whose heartbeat expired.
    presence = RedisPresence(settings.REDIS_URL)
    await presence.client.zadd(
        f"canopy:chat:presence:{room.pk}", {"ghost": time.time() - 1}
    )
    await presence.close()

    first = ChatClient("general")
    _, room_frame = await first.connect()
    assert room_frame["online"] == 1
    second = ChatClient("general", member)
    _, room_frame = await second.connect()
    assert room_frame["online"] == 2
    assert (await first.receive_type("presence", wait=3))["online"] == 2
    await second.close()
    assert (await first.receive_type("presence", wait=3))["online"] == 1
    await first.close()


async def test_room_settings_from_the_admin_reach_clients(room, moderator):
    from community import services

    client = ChatClient("general")
    await client.connect()
    fresh = await db(Room.objects.get, pk=room.pk)
    fresh.topic = "Cuttings swap"
    await db(fresh.save)
    await db(services.room_settings_saved, actor=moderator, room=fresh)
    assert (await client.receive_type("room"))["topic"] == "Cuttings swap"
    await client.close()
