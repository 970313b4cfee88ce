"""The chat websocket (contracts.md, Chat): a thin edge over services.

Authorises before accept(); group names come from ids; every database call
goes through database_sync_to_async. Room events arrive through the
process's fan-out hub (fanout.py) as ready-made JSON text; only per-user
events (ban, sign-out, deactivation) come through this socket's own channel.
"""

import asyncio
import json
import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from redis.exceptions import RedisError

from . import selectors, services
from .broadcast import user_group
from .exceptions import ChatError
from .fanout import CLOSE_TRY_AGAIN_LATER, room_fanout
from .frames import frame_text, message_frame, room_frame
from .metrics import chat_connections_open, chat_connections_shed_total

logger = logging.getLogger(__name__)

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# 2,000 characters of body are at most 24,000 JSON characters (\ud83c\udf31).
MAX_FRAME_CHARACTERS = 32_768


class FrameBucket:
    """Token bucket against frame floods: cheap, before any database work."""

    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _bad_request(detail: str) -> ChatError:
    return ChatError("bad_request", detail)


class ChatConsumer(AsyncWebsocketConsumer):
    room = None
    joined = False
    counted = False
    in_user_group = False
    writer: asyncio.Task | None = None
    shed_task: asyncio.Task | None = None

    # --- connection ---------------------------------------------------------
    async def connect(self) -> None:
        self.user = self.scope.get("user") or AnonymousUser()
        slug = self.scope["url_route"]["kwargs"]["slug"]
        try:
            access = await database_sync_to_async(selectors.socket_access_get)(
                slug=slug, user=self.user
            )
        except ChatError as error:
            await self._refuse(error)
            return
        self.room = access.room
        self.is_moderator = access.is_moderator
        self.history_seq: int | None = None
        self.outbox: asyncio.Queue = asyncio.Queue(
            maxsize=getattr(settings, "CHAT_SOCKET_OUTBOX", 1000)
        )
        self.frames = FrameBucket(rate=10, burst=30)
        await self.accept()
        chat_connections_open.inc()
        self.counted = True
        if self.user.is_authenticated:
            await self.channel_layer.group_add(
                user_group(self.user.pk), self.channel_name
            )
            self.in_user_group = True
        # Subscribe before reading history: whatever commits after the read
        # arrives live, whatever came before is in history (deduplicated by seq).
        online = await room_fanout().join(self.room.pk, self)
        self.joined = True
        history = await database_sync_to_async(selectors.message_history)(
            room=self.room
        )
        await self.send(
            text_data=frame_text(
                {
                    "type": "history",
                    "messages": history.messages,
                    "has_more": history.has_more,
                }
            )
        )
        room = room_frame(self.room, online=online)
        # Beyond the contract: who the page's viewer is, so a cached page can
        # show the composer and moderator controls that fit.
        room["viewer"] = {
            "signed_in": self.user.is_authenticated,
            "username": self.user.get_username() if self.user.is_authenticated else "",
            "is_moderator": self.is_moderator,
        }
        await self.send(text_data=frame_text(room))
        self.history_seq = history.last_seq or 0
        self.writer = asyncio.create_task(self._write())

    async def _refuse(self, error: ChatError) -> None:
        # A custom close code needs an accepted socket: before accept() the
        # server can only answer the handshake with 403.
        await self.accept()
        if error.code == "not_found":
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send(text_data=frame_text(error.frame()))
        code = (
            CLOSE_NOT_AUTHENTICATED
            if error.code == "not_authenticated"
            else CLOSE_FORBIDDEN
        )
        await self.close(code=code)

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # A failing channel layer (Redis gone) ends the consumer without a
            # websocket.disconnect: release the room all the same, or this
            # process's hub keeps feeding a dead socket and counting it online.
            await self.disconnect(1011)

    async def disconnect(self, code: int) -> None:
        """Runs once or twice (the close, then __call__'s exit): idempotent."""
        if self.writer is not None:
            self.writer.cancel()
        if self.joined:
            self.joined = False
            await room_fanout().leave(self.room.pk, self)
        if self.in_user_group:
            self.in_user_group = False
            try:
                await self.channel_layer.group_discard(
                    user_group(self.user.pk), self.channel_name
                )
            except (RedisError, OSError):
                # The group's membership expires on its own.
                logger.warning("chat socket left its user group without Redis")
        if self.counted:
            self.counted = False
            chat_connections_open.dec()

    # --- outgoing: called by the fan-out hub, never blocks ----------------------
    def deliver(self, text: str, seq: int | None = None) -> None:
        try:
            self.outbox.put_nowait((text, seq))
        except asyncio.QueueFull:
            self.shed("slow_client")

    def shed(self, reason: str) -> None:
        if self.shed_task is not None:
            return
        chat_connections_shed_total.labels(reason=reason).inc()
        self.shed_task = asyncio.create_task(self.close(code=CLOSE_TRY_AGAIN_LATER))

    async def _write(self) -> None:
        while True:
            text, seq = await self.outbox.get()
            if seq is not None and seq <= self.history_seq:
                continue  # already in the history frame
            await self.send(text_data=text)

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=frame_text(frame))

    # --- incoming ---------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.room is None:
            return
        try:
            frame = self._parse(text_data, bytes_data)
            handler = self.HANDLERS.get(frame["type"])
            if handler is None:
                raise _bad_request(f"Unknown frame type {frame['type'][:40]!r}.")
            if not self.frames.take():
                raise ChatError(
                    "rate_limited", "Too many frames; slow down.", retry_after=1
                )
            await handler(self, frame)
        except ChatError as error:
            await self.send_frame(error.frame())

    @staticmethod
    def _parse(text_data: str | None, bytes_data: bytes | None) -> dict:
        if text_data is None:
            raise _bad_request("Frames are JSON text.")
        if len(text_data) > MAX_FRAME_CHARACTERS:
            raise _bad_request("The frame is too large.")
        try:
            frame = json.loads(text_data)
        except ValueError:
            raise _bad_request("The frame is not valid JSON.") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise _bad_request('A frame is a JSON object with a "type".')
        return frame

    def _call(self, function, **kwargs):
        return database_sync_to_async(function)(**kwargs)

    async def on_message(self, frame: dict) -> None:
        message = await self._call(
            services.chat_message_post,
            room_id=self.room.pk,
            user=self.user,
            body=frame.get("body"),
        )
        if message.state == message.State.HELD:
            held = message_frame(message, author_is_moderator=False)
            held.update(
                held=True, detail="Your message is waiting for a moderator's review."
            )
            await self.send_frame(held)

    async def on_report(self, frame: dict) -> None:
        await self._call(
            services.chat_message_report,
            reporter=self.user,
            message_id=frame.get("id"),
            reason=frame.get("reason", ""),
            room_id=self.room.pk,
        )

    async def on_delete(self, frame: dict) -> None:
        await self._call(
            services.chat_message_delete,
            actor=self.user,
            message_id=frame.get("id"),
            room_id=self.room.pk,
        )

    async def on_mute(self, frame: dict) -> None:
        await self._call(
            services.chat_user_mute,
            actor=self.user,
            room=self.room,
            username=frame.get("user"),
            minutes=frame.get("minutes", "missing"),
            reason=str(frame.get("reason", "")),
        )

    async def on_ban(self, frame: dict) -> None:
        await self._call(
            services.chat_user_ban,
            actor=self.user,
            room=self.room,
            username=frame.get("user"),
            reason=str(frame.get("reason", "")),
        )

    async def on_unban(self, frame: dict) -> None:
        await self._call(
            services.chat_user_unban,
            actor=self.user,
            room=self.room,
            username=frame.get("user"),
        )

    async def on_slow_mode(self, frame: dict) -> None:
        await self._call(
            services.room_slow_mode_set,
            actor=self.user,
            room_id=self.room.pk,
            seconds=frame.get("seconds"),
        )

    async def on_lock(self, frame: dict) -> None:
        await self._call(
            services.room_lock_set,
            actor=self.user,
            room_id=self.room.pk,
            locked=frame.get("locked"),
        )

    HANDLERS = {
        "message": on_message,
        "report": on_report,
        "delete": on_delete,
        "mute": on_mute,
        "ban": on_ban,
        "unban": on_unban,
        "slow_mode": on_slow_mode,
        "lock": on_lock,
    }

    # --- per-user events from the channel layer -----------------------------------
    async def chat_user_close(self, event: dict) -> None:
        """Ban, sign-out or deactivation: close this socket on every process."""
        if event.get("room") is not None and event["room"] != self.room.pk:
            return
        await self.send_frame(
            {
                "type": "error",
                "code": event.get("error_code", "banned"),
                "detail": event.get("reason", ""),
            }
        )
        await self.close(code=event.get("code", CLOSE_FORBIDDEN))
