"""Reads for the chat: rooms, pages of history, who moderates what."""

import time
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db.models import Q
from django.utils import timezone

from .exceptions import ChatError
from .frames import message_frames
from .models import Ban, BlockedWord, Message, Mute, Room

HISTORY_DEFAULT_LIMIT = 50
HISTORY_MAX_LIMIT = 100

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class HistoryPage:
    messages: list[dict]
    has_more: bool
    last_seq: int | None  # seq of the newest message in the page, if any


def room_get(*, slug: str) -> Room | None:
    return Room.objects.filter(slug=slug).first()


def room_get_for_user(*, slug: str, user: User) -> Room:
    """The room if this user may read it; ChatError otherwise.

    Unknown rooms and members-only rooms seen by anonymous visitors differ on
    purpose: the slug of a members-only room is public (it is on the page).
    """
    room = room_get(slug=slug)
    if room is None:
        raise ChatError("not_found", "There is no chat room here.")
    if room.is_members_only and not user.is_authenticated:
        raise ChatError("not_authenticated", "Sign in to read this room.")
    if user.is_authenticated and not user.is_active:
        raise ChatError("forbidden", "This account is inactive.")
    return room


def moderate_permission() -> Permission | None:
    return Permission.objects.filter(
        codename="moderate_chat", content_type__app_label="community"
    ).first()


def user_is_site_moderator(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm("community.moderate_chat")


def user_is_moderator(*, user: User, room: Room) -> bool:
    """Site-wide moderators (group permission) or this room's own moderators."""
    if user_is_site_moderator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return room.moderators.filter(pk=user.pk).exists()


def moderator_ids(*, room: Room, user_ids: set[int]) -> set[int]:
    """Which of these users moderate the room, in one query."""
    if not user_ids:
        return set()
    permission = moderate_permission()
    condition = Q(is_superuser=True) | Q(moderated_rooms=room)
    if permission is not None:
        condition |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return set(
        get_user_model()
        .objects.filter(condition, pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def _page(room: Room, messages: list[Message], has_more: bool) -> HistoryPage:
    ids = moderator_ids(room=room, user_ids={m.author_id for m in messages})
    return HistoryPage(
        messages=message_frames(messages, ids),
        has_more=has_more,
        last_seq=messages[-1].seq if messages else None,
    )


def message_cursor_seq(*, room: Room, message_id: str) -> int:
    """The sequence number a cursor message stands for.

    Deleted or hidden messages still work as cursors: a client that saw a
    message before it was deleted must be able to catch up from it.
    """
    try:
        parsed = uuid.UUID(str(message_id))
    except ValueError as error:
        raise ChatError("bad_request", "The cursor is not a message id.") from error
    seq = (
        Message.objects.filter(room=room, pk=parsed, seq__isnull=False)
        .values_list("seq", flat=True)
        .first()
    )
    if seq is None:
        raise ChatError("not_found", "There is no such message in this room.")
    return seq


def message_history(
    *,
    room: Room,
    after: str | None = None,
    before: str | None = None,
    limit: int = HISTORY_DEFAULT_LIMIT,
) -> HistoryPage:
    """A page of visible messages, oldest first.

    Without a cursor: the latest ``limit``; ``has_more`` says older ones exist.
    ``after``: the next ``limit`` newer than the cursor; ``has_more`` says
    newer ones remain. ``before``: the ``limit`` just older than the cursor.
    """
    if after and before:
        raise ChatError("bad_request", "Use either after or before, not both.")
    limit = max(1, min(limit, HISTORY_MAX_LIMIT))
    visible = Message.objects.visible().filter(room=room).select_related("author")
    if after:
        seq = message_cursor_seq(room=room, message_id=after)
        rows = list(visible.filter(seq__gt=seq).order_by("seq")[: limit + 1])
        return _page(room, rows[:limit], len(rows) > limit)
    if before:
        seq = message_cursor_seq(room=room, message_id=before)
        visible = visible.filter(seq__lt=seq)
    rows = list(visible.order_by("-seq")[: limit + 1])
    has_more = len(rows) > limit
    return _page(room, list(reversed(rows[:limit])), has_more)


def ban_active_get(*, user_id: int, room_id: int) -> Ban | None:
    return (
        Ban.objects.active()
        .for_room(room_id)
        .filter(user_id=user_id)
        .order_by("until")
        .first()
    )


def mute_active_get(*, user_id: int, room_id: int) -> Mute | None:
    """The mute that ends last (a permanent one first)."""
    mutes = list(Mute.objects.active().for_room(room_id).filter(user_id=user_id))
    if not mutes:
        return None
    permanent = [mute for mute in mutes if mute.until is None]
    return permanent[0] if permanent else max(mutes, key=lambda mute: mute.until)


_blocked_words: tuple[float, list[str]] = (0.0, [])
BLOCKED_WORDS_TTL = 30.0


def blocked_words_list() -> list[str]:
    """The word filter, re-read at most every 30 s per process: it is read on
    every post and changes rarely."""
    global _blocked_words
    read_at, words = _blocked_words
    now = time.monotonic()
    if now - read_at > BLOCKED_WORDS_TTL:
        words = list(BlockedWord.objects.values_list("phrase", flat=True))
        _blocked_words = (now, words)
    return words


def blocked_words_forget() -> None:
    global _blocked_words
    _blocked_words = (0.0, [])


def seconds_until(moment) -> float:
    return max(0.0, (moment - timezone.now()).total_seconds())


@dataclass(frozen=True)
class SocketAccess:
    room: Room
    is_moderator: bool


def socket_access_get(*, slug: str, user: User) -> SocketAccess:
    """May this user open the room's socket? ChatError says why not."""
    room = room_get_for_user(slug=slug, user=user)
    if user.is_authenticated and ban_active_get(user_id=user.pk, room_id=room.pk):
        raise ChatError("banned", "You are banned from this room.")
    return SocketAccess(room=room, is_moderator=user_is_moderator(user=user, room=room))
