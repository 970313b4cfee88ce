"""Per-process room fan-out: one channel-layer subscription per process per room.

The tutorial design puts every socket in the room's group, so the layer
serialises, stores and delivers each message once per recipient. Here the
only member of ``chat.room.<id>`` is this process's fan-out channel: a
message crosses Redis once per process, already serialised to JSON text by
the service, and the hub hands that same string to each local socket.

Nothing is dropped silently:
- every published message carries the room's sequence number; a hole that is
  not filled within GAP_GRACE_SECONDS (a lost broadcast, a Redis hiccup)
  closes the room's local sockets with 1013, and their clients reconnect and
  catch up from history;
- a socket whose outbox is full (a slow client, an overloaded process) is
  closed with 1013 the same way instead of missing messages.
"""

import asyncio
import contextlib
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from redis.exceptions import RedisError

from .broadcast import room_group
from .frames import frame_text
from .presence import heartbeat_seconds, presence_store

logger = logging.getLogger(__name__)

GAP_GRACE_SECONDS = 2.0
TICK_SECONDS = 0.5
CLOSE_TRY_AGAIN_LATER = 1013


class LocalSocket(Protocol):
    channel_name: str

    def deliver(self, text: str, seq: int | None = None) -> None: ...

    def shed(self, reason: str) -> None: ...


@dataclass(eq=False)
class LocalRoom:
    sockets: set = field(default_factory=set)
    last_seq: int | None = None
    missing: dict[int, float] = field(default_factory=dict)  # seq -> deadline
    online: int = 0
    announce: bool = False  # tell other processes our presence changed
    recount: bool = False  # re-read the count and tell local sockets


class RoomFanout:
    def __init__(self, layer: BaseChannelLayer):
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[int, LocalRoom] = {}
        self.presence = None
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []
        self.next_heartbeat = 0.0

    # --- membership -------------------------------------------------------
    async def join(self, room_id: int, socket: LocalSocket) -> int:
        """Add a socket to the room; returns the room's online count."""
        async with self.lock:
            if self.channel is None:
                await self._start()
            local = self.rooms.get(room_id)
            if local is None:
                # Subscribe first: a room kept after a failed subscription
                # (Redis away) would never subscribe again.
                await self.layer.group_add(room_group(room_id), self.channel)
                local = self.rooms[room_id] = LocalRoom()
            local.sockets.add(socket)
        await self._presence_call(self.presence.add, room_id, [socket.channel_name])
        local.announce = True
        # local.online stays what local sockets were last told: the recount
        # after the announcement tells them about this newcomer.
        return await self._presence_count(room_id, local.online)

    async def leave(self, room_id: int, socket: LocalSocket) -> None:
        async with self.lock:
            local = self.rooms.get(room_id)
            if local is None or socket not in local.sockets:
                return
            local.sockets.discard(socket)
            await self._presence_call(
                self.presence.remove, room_id, socket.channel_name
            )
            if local.sockets:
                local.announce = True
            else:
                del self.rooms[room_id]
                try:
                    await self.layer.group_discard(room_group(room_id), self.channel)
                except (RedisError, OSError):
                    # Redis is away: the membership expires on its own.
                    logger.exception("chat fan-out could not leave room %s", room_id)
                # Nobody here any more: other processes still need to hear it.
                await self._send_presence_event(room_id)
            if not self.rooms:
                await self._stop()

    # --- lifecycle --------------------------------------------------------
    async def _start(self) -> None:
        self.channel = await self.layer.new_channel()
        self.presence = presence_store()
        self.next_heartbeat = time.monotonic() + heartbeat_seconds()
        self.tasks = [
            asyncio.create_task(self._read(), name="chat-fanout-read"),
            asyncio.create_task(self._tick(), name="chat-fanout-tick"),
        ]

    async def _stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []
        self.channel = None
        if self.presence is not None:
            await self.presence.close()
            self.presence = None

    # --- incoming events ----------------------------------------------------
    async def _read(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError):
                logger.exception("chat fan-out could not read; retrying")
                await asyncio.sleep(1.0)
                continue
            self.dispatch(event)

    def dispatch(self, event: dict) -> None:
        local = self.rooms.get(event.get("room"))
        if local is None:
            return
        kind = event.get("type")
        if kind == "chat.message":
            if event["seq"] is not None:
                self._sequence(local, event["seq"])
            self._deliver(local, event["text"], event["seq"])
        elif kind == "chat.deleted":
            self._deliver(local, event["text"], None)
        elif kind == "chat.room":
            text = frame_text({**event["state"], "online": local.online})
            self._deliver(local, text, None)
        elif kind == "chat.presence":
            local.recount = True

    def _sequence(self, local: LocalRoom, seq: int) -> None:
        if local.last_seq is None or seq == local.last_seq + 1:
            local.last_seq = seq
        elif seq > local.last_seq + 1:
            deadline = time.monotonic() + GAP_GRACE_SECONDS
            for missing in range(local.last_seq + 1, seq):
                local.missing[missing] = deadline
            local.last_seq = seq
        else:
            # A late one: broadcasts of two commits may cross between processes.
            local.missing.pop(seq, None)

    @staticmethod
    def _deliver(local: LocalRoom, text: str, seq: int | None) -> None:
        for socket in tuple(local.sockets):
            socket.deliver(text, seq)

    # --- periodic work --------------------------------------------------------
    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            heartbeat = now >= self.next_heartbeat
            if heartbeat:
                self.next_heartbeat = now + heartbeat_seconds()
            for room_id, local in list(self.rooms.items()):
                await self._tick_room(room_id, local, now, heartbeat)

    async def _tick_room(
        self, room_id: int, local: LocalRoom, now: float, heartbeat: bool
    ) -> None:
        if local.missing and min(local.missing.values()) <= now:
            logger.warning(
                "chat room %s: %d message(s) never arrived; %d socket(s) "
                "reconnect and catch up",
                room_id,
                len(local.missing),
                len(local.sockets),
            )
            local.missing.clear()
            local.last_seq = None
            for socket in tuple(local.sockets):
                socket.shed("gap")
        if heartbeat:
            members = [socket.channel_name for socket in local.sockets]
            await self._presence_call(self.presence.add, room_id, members)
            # Group membership in the Redis layer expires; renew it. Without
            # Redis, try again next beat: an exception here would end the
            # tick task, and with it gap detection, for good.
            try:
                await self.layer.group_add(room_group(room_id), self.channel)
            except (RedisError, OSError):
                logger.exception("chat fan-out could not renew room %s", room_id)
            local.recount = True
        if local.announce:
            local.announce = False
            await self._send_presence_event(room_id)
        if local.recount:
            local.recount = False
            count = await self._presence_count(room_id, local.online)
            if count != local.online:
                local.online = count
                self._deliver(
                    local, frame_text({"type": "presence", "online": count}), None
                )

    async def _send_presence_event(self, room_id: int) -> None:
        try:
            await self.layer.group_send(
                room_group(room_id), {"type": "chat.presence", "room": room_id}
            )
        except (RedisError, OSError):
            logger.exception("chat presence event for room %s failed", room_id)

    async def _presence_call(self, method, *args) -> None:
        try:
            await method(*args)
        except (RedisError, OSError):
            logger.exception("chat presence update failed")

    async def _presence_count(self, room_id: int, fallback: int) -> int:
        try:
            return await self.presence.count(room_id)
        except (RedisError, OSError):
            logger.exception("chat presence count failed")
            return fallback


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomFanout]" = (
    weakref.WeakKeyDictionary()
)


def room_fanout() -> RoomFanout:
    """This event loop's hub (one per server process; tests run one per loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = RoomFanout(get_channel_layer())
    return hub
