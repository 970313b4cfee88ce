"""Who is online in a room, correct across processes and after a crash.

Each socket is a member of a Redis sorted set per room, scored with the time
its entry expires. Every process refreshes its own sockets' entries on a
heartbeat, so the entries of a process that died expire on their own within
the TTL: no ghost stays online forever. Without Redis (the
embedded ``make run`` setup) the same rules run in process memory.
"""

import time

from django.conf import settings

import redis.asyncio as redis_asyncio


def presence_ttl() -> float:
    """Seconds an entry lives without a heartbeat."""
    return float(getattr(settings, "CHAT_PRESENCE_TTL", 45))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "CHAT_PRESENCE_HEARTBEAT", 15))


def _key(room_id: int) -> str:
    return f"canopy:chat:presence:{int(room_id)}"


class RedisPresence:
    def __init__(self, url: str):
        # One small pool per event loop (the fan-out hub owns this object).
        self.client = redis_asyncio.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, max_connections=20
        )

    async def add(self, room_id: int, members: list[str]) -> None:
        if not members:
            return
        expires = time.time() + presence_ttl()
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zadd(_key(room_id), dict.fromkeys(members, expires))
            pipe.expire(_key(room_id), int(presence_ttl() * 2) + 1)
            await pipe.execute()

    async def remove(self, room_id: int, member: str) -> None:
        await self.client.zrem(_key(room_id), member)

    async def count(self, room_id: int) -> int:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(_key(room_id), "-inf", time.time())
            pipe.zcard(_key(room_id))
            _, count = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self.client.aclose()


class LocalPresence:
    """Single-process presence for the embedded development setup."""

    def __init__(self):
        self.rooms: dict[int, dict[str, float]] = {}

    async def add(self, room_id: int, members: list[str]) -> None:
        expires = time.time() + presence_ttl()
        self.rooms.setdefault(room_id, {}).update(dict.fromkeys(members, expires))

    async def remove(self, room_id: int, member: str) -> None:
        self.rooms.get(room_id, {}).pop(member, None)

    async def count(self, room_id: int) -> int:
        now = time.time()
        entries = self.rooms.get(room_id, {})
        for member in [m for m, expires in entries.items() if expires < now]:
            del entries[member]
        return len(entries)

    async def close(self) -> None:
        return None


_local_presence = LocalPresence()


def presence_store() -> RedisPresence | LocalPresence:
    url = getattr(settings, "REDIS_URL", "")
    return RedisPresence(url) if url else _local_presence
