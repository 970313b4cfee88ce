"""Events to the channel layer, sent by services after their transaction commits.

Room events go to ``chat.room.<id>``, whose members are one fan-out channel
per server process (see fanout.py): a message is serialised once here and
each process hands the same text to its local sockets. User events go to
``chat.user.<id>``, whose members are that user's sockets.
"""

import logging

from django.db import transaction

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from .frames import frame_text, message_frame, room_state
from .models import Message, Room

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403


def room_group(room_id: int) -> str:
    return f"chat.room.{int(room_id)}"


def user_group(user_id: int) -> str:
    return f"chat.user.{int(user_id)}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except (ChannelFull, RedisError, OSError):
        # The write is committed; live clients notice the gap in sequence
        # numbers and catch up from history, so this is loud but not lossy.
        logger.exception("chat broadcast to %s failed", group)


def _after_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _send(group, event))


def message_published(
    message: Message, *, author_is_moderator: bool, is_new: bool = True
) -> None:
    """``is_new`` False: a message shown again (it already had its sequence
    number, so fan-out must neither count it nor drop it as a duplicate)."""
    text = frame_text(message_frame(message, author_is_moderator=author_is_moderator))
    _after_commit(
        room_group(message.room_id),
        {
            "type": "chat.message",
            "room": message.room_id,
            "seq": message.seq if is_new else None,
            "id": str(message.id),
            "text": text,
        },
    )


def message_removed(message: Message) -> None:
    text = frame_text({"type": "deleted", "id": str(message.id)})
    _after_commit(
        room_group(message.room_id),
        {"type": "chat.deleted", "room": message.room_id, "text": text},
    )


def room_changed(room: Room) -> None:
    _after_commit(
        room_group(room.pk),
        {"type": "chat.room", "room": room.pk, "state": room_state(room)},
    )


def user_sockets_close(
    *,
    user_id: int,
    room_id: int | None,
    reason: str,
    error_code: str = "banned",
    code: int = CLOSE_FORBIDDEN,
) -> None:
    """Close this user's sockets on every process (all rooms if room_id is None)."""
    _after_commit(
        user_group(user_id),
        {
            "type": "chat.user_close",
            "room": room_id,
            "code": code,
            "error_code": error_code,
            "reason": reason,
        },
    )
