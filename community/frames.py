"""The JSON frames of the chat protocol (contracts.md, Chat), built in one place.

Bodies stay plain text here: escaping is the renderer's job (the page template
and chat.js), so the same frame serves every client.
"""

import json
from collections.abc import Iterable

from .models import Message, Room


def frame_text(frame: dict) -> str:
    # Compact separators: the text is sent to every member of a room as is.
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def message_frame(message: Message, *, author_is_moderator: bool) -> dict:
    author = message.author
    return {
        "type": "message",
        "id": str(message.id),
        "author": {
            "username": author.get_username(),
            "display_name": author.get_full_name() or author.get_username(),
            "is_moderator": author_is_moderator,
        },
        "body": message.body,
        "created": message.created.isoformat(),
    }


def message_frames(messages: Iterable[Message], moderator_ids: set[int]) -> list[dict]:
    return [
        message_frame(message, author_is_moderator=message.author_id in moderator_ids)
        for message in messages
    ]


def room_frame(room: Room, *, online: int) -> dict:
    return {
        "type": "room",
        "slug": room.slug,
        "title": room.title,
        "topic": room.topic,
        "locked": room.is_locked,
        "slow_mode": room.slow_mode_seconds,
        "members_only": room.is_members_only,
        "online": online,
    }


def room_state(room: Room) -> dict:
    """The room frame without ``online``: each process adds its own count."""
    frame = room_frame(room, online=0)
    del frame["online"]
    return frame
