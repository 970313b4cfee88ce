"""Writes of the chat: posting, reporting and every moderation action.

Each service is atomic, checks permissions itself (callers may be the
websocket consumer, the Wagtail admin or a task) and announces its effect
through broadcast.py after commit, so every write path notifies alike.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import broadcast, selectors
from .exceptions import ChatError
from .metrics import chat_messages_total
from .models import Ban, Message, ModerationAction, Mute, Report, Room

User = AbstractBaseUser | AnonymousUser

BODY_MAX_LENGTH = 2000
MUTE_MAX_MINUTES = 60 * 24 * 30
SLOW_MODE_MAX_SECONDS = 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _require_member(user: User) -> None:
    if not user.is_authenticated:
        raise ChatError("not_authenticated", "Sign in to take part.")
    if not user.is_active:
        raise ChatError("forbidden", "This account is inactive.")


def _require_moderator(user: User, room: Room) -> None:
    _require_member(user)
    if not selectors.user_is_moderator(user=user, room=room):
        raise ChatError("forbidden", "Only moderators can do that.")


def _audit(
    *,
    actor: User | None,
    kind: str,
    room: Room | None,
    target_user=None,
    message: Message | None = None,
    reason: str = "",
    detail: dict | None = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        room=room,
        target_user=target_user,
        message=message,
        reason=reason[:500],
        detail=detail or {},
    )


def _blocked_word_pattern() -> re.Pattern | None:
    words = selectors.blocked_words_list()
    if not words:
        return None
    alternatives = "|".join(re.escape(word.strip()) for word in words if word.strip())
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def message_body_clean(body: object) -> str:
    if not isinstance(body, str):
        raise ChatError("bad_request", "The message body must be text.")
    body = body.strip()
    if not body:
        raise ChatError("empty", "Write something before sending.")
    if len(body) > BODY_MAX_LENGTH:
        raise ChatError(
            "too_long", f"Messages are at most {BODY_MAX_LENGTH} characters."
        )
    return body


def _check_may_post(*, user: User, room: Room) -> None:
    """Raise the contract's refusal for the first rule this post breaks."""
    now = timezone.now()
    if selectors.ban_active_get(user_id=user.pk, room_id=room.pk):
        raise ChatError("banned", "You are banned from this room.")
    if room.is_locked:
        raise ChatError("locked", "This room is locked: only moderators can post.")
    mute = selectors.mute_active_get(user_id=user.pk, room_id=room.pk)
    if mute is not None:
        retry = selectors.seconds_until(mute.until) if mute.until else None
        raise ChatError("muted", "You are muted in this room.", retry_after=retry)
    if room.slow_mode_seconds:
        since = now - timedelta(seconds=room.slow_mode_seconds)
        last = (
            Message.objects.filter(room=room, author=user, created__gt=since)
            .order_by("-created")
            .values_list("created", flat=True)
            .first()
        )
        if last is not None:
            retry = room.slow_mode_seconds - (now - last).total_seconds()
            raise ChatError(
                "slow_mode",
                f"Slow mode: one message every {room.slow_mode_seconds} seconds.",
                retry_after=max(retry, 0.1),
            )
    flood_messages = _setting("CHAT_FLOOD_MESSAGES", 8)
    flood_seconds = _setting("CHAT_FLOOD_SECONDS", 10)
    recent = list(
        Message.objects.filter(
            author=user, created__gt=now - timedelta(seconds=flood_seconds)
        )
        .order_by("-created")
        .values_list("created", flat=True)[:flood_messages]
    )
    if len(recent) >= flood_messages:
        retry = flood_seconds - (now - recent[-1]).total_seconds()
        raise ChatError(
            "rate_limited",
            "You are sending messages too quickly.",
            retry_after=max(retry, 0.1),
        )


def _publish(message: Message, room: Room) -> None:
    """Give a message its place in the room; caller holds the room's row lock."""
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    message.seq = room.last_seq
    message.state = Message.State.PUBLISHED


def chat_message_post(*, room_id: int, user: User, body: object) -> Message:
    """Validate, check the room's rules, store; broadcast after commit.

    The room row is locked for the few milliseconds of the check and insert:
    it serialises one room's posts, which makes slow mode exact and the
    sequence numbers gapless.
    """
    _require_member(user)
    body = message_body_clean(body)
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room_id)
        is_moderator = selectors.user_is_moderator(user=user, room=room)
        if not is_moderator:
            _check_may_post(user=user, room=room)
        pattern = None if is_moderator else _blocked_word_pattern()
        message = Message(room=room, author=user, body=body)
        if pattern is not None and pattern.search(body):
            message.state = Message.State.HELD
            message.save()
            _audit(
                actor=None,
                kind=ModerationAction.Kind.HOLD,
                room=room,
                target_user=user,
                message=message,
                reason="word filter",
            )
            chat_messages_total.labels(outcome="held").inc()
            return message
        _publish(message, room)
        message.save()
        broadcast.message_published(message, author_is_moderator=is_moderator)
    chat_messages_total.labels(outcome="published").inc()
    return message


def chat_message_seed(*, room: Room, author, body: str) -> Message:
    """Publish a message without the posting rules (demo content, imports)."""
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        message = Message(room=room, author=author, body=message_body_clean(body))
        _publish(message, room)
        message.save()
    return message


def _message_get(message_id: object, *, room_id: int | None = None) -> Message:
    try:
        parsed = uuid.UUID(str(message_id))
    except ValueError:
        raise ChatError("not_found", "There is no such message.") from None
    query = Message.objects.select_related("room", "author")
    if room_id is not None:
        query = query.filter(room_id=room_id)
    message = query.filter(pk=parsed).first()
    if message is None:
        raise ChatError("not_found", "There is no such message.")
    return message


def _user_get(username: object):
    if not isinstance(username, str) or not username:
        raise ChatError("bad_request", "Name a user.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ChatError("not_found", f"There is no user {username!r}.")
    return user


def _reports_close(message: Message, *, actor: User, state: str) -> None:
    message.reports.filter(state=Report.State.OPEN).update(
        state=state, decided_by=actor, decided_at=timezone.now()
    )


def chat_message_delete(
    *, actor: User, message_id: object, room_id: int | None = None, reason: str = ""
) -> Message:
    if room_id is not None:
        # Permission first: members learn nothing about message ids.
        _require_moderator(actor, Room.objects.get(pk=room_id))
    with transaction.atomic():
        message = _message_get(message_id, room_id=room_id)
        _require_moderator(actor, message.room)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.deleted_at is None:
            message.deleted_at = timezone.now()
            message.deleted_by = actor
            message.save(update_fields=["deleted_at", "deleted_by"])
            _audit(
                actor=actor,
                kind=ModerationAction.Kind.DELETE,
                room=message.room,
                target_user=message.author,
                message=message,
                reason=reason,
            )
            broadcast.message_removed(message)
        _reports_close(message, actor=actor, state=Report.State.RESOLVED)
    return message


def chat_message_approve(*, actor: User, message_id: object) -> Message:
    """Publish a held message, or show again one hidden after reports."""
    with transaction.atomic():
        message = _message_get(message_id)
        _require_moderator(actor, message.room)
        room = Room.objects.select_for_update().get(pk=message.room_id)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.deleted_at is not None or message.state == Message.State.PUBLISHED:
            return message
        is_new = message.seq is None
        if is_new:
            _publish(message, room)
        message.state = Message.State.PUBLISHED
        message.save(update_fields=["seq", "state"])
        _reports_close(message, actor=actor, state=Report.State.DISMISSED)
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.APPROVE,
            room=room,
            target_user=message.author,
            message=message,
        )
        author_is_moderator = bool(
            selectors.moderator_ids(room=room, user_ids={message.author_id})
        )
        broadcast.message_published(
            message, author_is_moderator=author_is_moderator, is_new=is_new
        )
    return message


def chat_message_report(
    *,
    reporter: User,
    message_id: object,
    reason: object,
    room_id: int | None = None,
) -> Report:
    """Record a member's report; three different reporters hide the message."""
    _require_member(reporter)
    if not isinstance(reason, str):
        reason = ""
    with transaction.atomic():
        message = _message_get(message_id, room_id=room_id)
        if message.deleted_at is not None or message.state != Message.State.PUBLISHED:
            raise ChatError("not_found", "There is no such message.")
        if message.author_id == reporter.pk:
            raise ChatError("bad_request", "You cannot report your own message.")
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    message=message, reporter=reporter, reason=reason.strip()[:500]
                )
        except IntegrityError:
            return Report.objects.get(message=message, reporter=reporter)
        threshold = _setting("CHAT_REPORTS_TO_HIDE", 3)
        reporters = (
            message.reports.filter(state=Report.State.OPEN)
            .values("reporter")
            .distinct()
            .count()
        )
        if reporters >= threshold:
            locked = Message.objects.select_for_update().get(pk=message.pk)
            if locked.state == Message.State.PUBLISHED:
                locked.state = Message.State.HIDDEN
                locked.save(update_fields=["state"])
                _audit(
                    actor=None,
                    kind=ModerationAction.Kind.HIDE,
                    room=message.room,
                    target_user=message.author,
                    message=locked,
                    reason=f"reported by {reporters} members",
                )
                broadcast.message_removed(locked)
    return report


def report_resolve(*, actor: User, report_id: object) -> Report:
    """Uphold a report: the message is deleted and its open reports close."""
    report = Report.objects.select_related("message").get(pk=report_id)
    chat_message_delete(
        actor=actor, message_id=report.message_id, reason=report.reason or "report"
    )
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.RESOLVED, decided_by=actor, decided_at=timezone.now()
        )
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.RESOLVE,
            room=report.message.room,
            target_user=report.message.author,
            message=report.message,
            reason=report.reason,
        )
    report.refresh_from_db()
    return report


def report_dismiss(*, actor: User, report_id: object) -> Report:
    """Keep the message: its open reports close and a hidden one shows again."""
    report = Report.objects.select_related("message__room").get(pk=report_id)
    message = report.message
    _require_moderator(actor, message.room)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.DISMISSED, decided_by=actor, decided_at=timezone.now()
        )
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.DISMISS,
            room=message.room,
            target_user=message.author,
            message=message,
            reason=report.reason,
        )
        if message.state == Message.State.HIDDEN:
            chat_message_approve(actor=actor, message_id=message.pk)
        else:
            _reports_close(message, actor=actor, state=Report.State.DISMISSED)
    report.refresh_from_db()
    return report


def chat_user_mute(
    *,
    actor: User,
    room: Room | None,
    username: object,
    minutes: object = None,
    until=None,
    reason: str = "",
) -> Mute:
    """Mute in one room (or every room when room is None) for N minutes
    (from the chat) or until a time, or for good when both are None (admin)."""
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise ChatError("bad_request", "minutes must be a whole number.")
        if not 1 <= minutes <= MUTE_MAX_MINUTES:
            raise ChatError(
                "bad_request", f"minutes must be between 1 and {MUTE_MAX_MINUTES}."
            )
        until = timezone.now() + timedelta(minutes=minutes)
    _require_room_power(actor, room)
    target = _user_get(username)
    with transaction.atomic():
        mute = Mute.objects.create(
            user=target,
            room=room,
            until=until,
            reason=reason[:255],
            created_by=actor,
        )
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.MUTE,
            room=room,
            target_user=target,
            reason=reason,
            detail={"minutes": minutes, "until": until.isoformat() if until else None},
        )
    return mute


def _require_room_power(actor: User, room: Room | None) -> None:
    """Room-scoped actions need a moderator of the room; site-wide ones a
    site-wide moderator."""
    _require_member(actor)
    allowed = (
        selectors.user_is_site_moderator(actor)
        if room is None
        else selectors.user_is_moderator(user=actor, room=room)
    )
    if not allowed:
        raise ChatError("forbidden", "Only moderators can do that.")


def chat_user_ban(
    *,
    actor: User,
    room: Room | None,
    username: object,
    until=None,
    reason: str = "",
) -> Ban:
    """Ban from one room (or every room) and close the user's live sockets there."""
    _require_room_power(actor, room)
    target = _user_get(username)
    if target.pk == actor.pk:
        raise ChatError("bad_request", "You cannot ban yourself.")
    with transaction.atomic():
        ban = Ban.objects.create(
            user=target,
            room=room,
            until=until,
            reason=reason[:255],
            created_by=actor,
        )
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.BAN,
            room=room,
            target_user=target,
            reason=reason,
            detail={"until": until.isoformat() if until else None},
        )
        broadcast.user_sockets_close(
            user_id=target.pk,
            room_id=room.pk if room else None,
            reason="You are banned from this room.",
        )
    return ban


def chat_user_unban(*, actor: User, room: Room | None, username: object) -> int:
    """Lift the user's bans on this room; site-wide moderators also lift
    site-wide bans. Returns how many were lifted."""
    _require_room_power(actor, room)
    target = _user_get(username)
    with transaction.atomic():
        bans = Ban.objects.active().filter(user=target)
        if room is not None:
            bans = (
                bans.for_room(room.pk)
                if selectors.user_is_site_moderator(actor)
                else bans.filter(room=room)
            )
        lifted = bans.update(lifted_at=timezone.now())
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.UNBAN,
            room=room,
            target_user=target,
            detail={"lifted": lifted},
        )
    return lifted


def restriction_lift(*, actor: User, restriction: Mute | Ban) -> None:
    """Lift a mute or ban (from the admin)."""
    _require_room_power(actor, restriction.room)
    with transaction.atomic():
        type(restriction).objects.filter(pk=restriction.pk).update(
            lifted_at=timezone.now()
        )
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.UNBAN
            if isinstance(restriction, Ban)
            else ModerationAction.Kind.UNMUTE,
            room=restriction.room,
            target_user=restriction.user,
        )


def room_slow_mode_set(*, actor: User, room_id: int, seconds: object) -> Room:
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ChatError("bad_request", "seconds must be a whole number.")
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ChatError(
            "bad_request", f"seconds must be between 0 and {SLOW_MODE_MAX_SECONDS}."
        )
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room_id)
        _require_moderator(actor, room)
        room.slow_mode_seconds = seconds
        room.save(update_fields=["slow_mode_seconds"])
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.SLOW_MODE,
            room=room,
            detail={"seconds": seconds},
        )
        broadcast.room_changed(room)
    return room


def room_lock_set(*, actor: User, room_id: int, locked: object) -> Room:
    if not isinstance(locked, bool):
        raise ChatError("bad_request", "locked must be true or false.")
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room_id)
        _require_moderator(actor, room)
        room.is_locked = locked
        room.save(update_fields=["is_locked"])
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK,
            room=room,
        )
        broadcast.room_changed(room)
    return room


def room_settings_saved(*, actor: User, room: Room) -> None:
    """After an admin edit of a room: audit it and tell open clients."""
    with transaction.atomic():
        _audit(
            actor=actor,
            kind=ModerationAction.Kind.ROOM_EDIT,
            room=room,
            detail={
                "locked": room.is_locked,
                "slow_mode": room.slow_mode_seconds,
                "members_only": room.is_members_only,
            },
        )
        broadcast.room_changed(room)


def user_chat_sockets_close(*, user_id: int, error_code: str, reason: str) -> None:
    """Sign-out or deactivation: close the user's sockets everywhere (4403)."""
    broadcast.user_sockets_close(
        user_id=user_id, room_id=None, error_code=error_code, reason=reason
    )
