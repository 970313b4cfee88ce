"""Chat rooms, their messages and the moderation that keeps them civil.

Ids that leave the server (messages, reports) are UUIDs; rooms are addressed
by slug. Each room hands out a gapless per-room sequence number to every
published message (``Message.seq``): history pages by it and the live fan-out
uses it to notice a lost broadcast.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MODERATE_PERMISSION = "community.moderate_chat"
MODERATORS_GROUP = "Moderators"


class Room(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    topic = models.CharField(max_length=255, blank=True)
    is_members_only = models.BooleanField(
        default=False, help_text="Only signed-in members may read this room."
    )
    is_locked = models.BooleanField(
        default=False, help_text="Only moderators may post while a room is locked."
    )
    slow_mode_seconds = models.PositiveIntegerField(
        default=0, help_text="Seconds a member waits between two messages (0 = off)."
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_rooms",
        help_text="Moderators of this room only; site-wide moderators are the "
        "members of the Moderators group.",
    )
    # Last sequence number handed out; bumped under the room's row lock.
    last_seq = models.BigIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        permissions = [("moderate_chat", "Can moderate every chat room")]

    def __str__(self) -> str:
        return self.title


class MessageQuerySet(models.QuerySet):
    def visible(self) -> "MessageQuerySet":
        """What readers may see: published, sequenced and not deleted."""
        return self.filter(
            state=Message.State.PUBLISHED, deleted_at__isnull=True, seq__isnull=False
        )


class Message(models.Model):
    # High-volume records, not content: keep them out of Wagtail's reference
    # index (it cost three queries and a savepoint on every chat message).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held by the word filter"
        HIDDEN = "hidden", "Hidden after reports"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    body = models.TextField(max_length=2000)
    # Null while held: a message gets its place in the room once published.
    seq = models.BigIntegerField(null=True, blank=True, editable=False)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PUBLISHED
    )
    created = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "seq"], name="community_message_room_seq_unique"
            )
        ]
        indexes = [
            models.Index(fields=["author", "created"], name="community_msg_author_idx"),
            models.Index(fields=["state"], name="community_msg_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.room}: {self.body[:40]}"


class RestrictionQuerySet(models.QuerySet):
    def active(self, *, now=None) -> "RestrictionQuerySet":
        now = now or timezone.now()
        return self.filter(Q(until__isnull=True) | Q(until__gt=now), lifted_at=None)

    def for_room(self, room_id: int) -> "RestrictionQuerySet":
        """Restrictions on this room plus the site-wide ones (room is null)."""
        return self.filter(Q(room_id=room_id) | Q(room__isnull=True))


class Restriction(models.Model):
    """Shared shape of mutes and bans: per room or site-wide, optionally until."""

    # High-volume records, not content: keep them out of Wagtail's reference
    # index (it cost three queries and a savepoint on every chat message).
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Leave empty for every room.",
    )
    until = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty for no end."
    )
    reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created"]

    def __str__(self) -> str:
        where = self.room or "every room"
        return f"{self.user} in {where}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (
            self.until is None or self.until > timezone.now()
        )


class Mute(Restriction):
    class Meta(Restriction.Meta):
        indexes = [models.Index(fields=["user", "until"], name="community_mute_idx")]


class Ban(Restriction):
    class Meta(Restriction.Meta):
        indexes = [models.Index(fields=["user", "until"], name="community_ban_idx")]


class Report(models.Model):
    # High-volume records, not content: keep them out of Wagtail's reference
    # index (it cost three queries and a savepoint on every chat message).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved (message removed)"
        DISMISSED = "dismissed", "Dismissed (message kept)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="community_report_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"Report on {self.message_id} by {self.reporter}"


class ModerationAction(models.Model):
    """The audit log: one row per moderation action, never edited."""

    # High-volume records, not content: keep them out of Wagtail's reference
    # index (it cost three queries and a savepoint on every chat message).
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        DELETE = "delete", "Deleted a message"
        MUTE = "mute", "Muted"
        UNMUTE = "unmute", "Lifted a mute"
        BAN = "ban", "Banned"
        UNBAN = "unban", "Lifted a ban"
        SLOW_MODE = "slow_mode", "Changed slow mode"
        LOCK = "lock", "Locked the room"
        UNLOCK = "unlock", "Unlocked the room"
        HIDE = "hide", "Hid a message after reports"
        HOLD = "hold", "Held a message (word filter)"
        APPROVE = "approve", "Published a held or hidden message"
        RESOLVE = "resolve", "Resolved a report"
        DISMISS = "dismiss", "Dismissed a report"
        ROOM_EDIT = "room_edit", "Edited room settings"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system acted (word filter, report threshold).",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor or 'system'}"


class BlockedWord(models.Model):
    """Editors' word filter: a message containing one is held for review."""

    phrase = models.CharField(
        max_length=100,
        unique=True,
        help_text="Matched as a whole word or phrase, ignoring case.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase
