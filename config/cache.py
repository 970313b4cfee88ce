"""Redis caches: one client per connection pool, and one that degrades to
"always miss" while Redis is away.

Django's RedisCacheClient builds a ``redis.Redis`` for every call, and
redis-py 8's constructor copies its ~170 response callbacks each time: about
90 µs of CPU per cache call, more than the round trip itself. A client only
borrows a connection from its pool for each command, so one client per pool
is safe to share between threads, and a forked process gets fresh connections
from the pool as before.

Django's RedisCache raises on connection errors, so a Redis outage would turn
every cached page into a 500. Here a failed call is logged, answered like a
miss (reads) or dropped (writes), and Redis is left alone for a short back-off
so a dead host costs one timeout per back-off window, not one per call.
``/readyz`` still reports the outage: its cache check reads back what it wrote.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

import redis

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 2.0


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._client(connection_pool=self._pools[index])
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


def _tolerant(default: Callable[..., Any]):
    """Wrap a cache method: on a Redis error, log and return ``default(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._unavailable_until:
                return default(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                self._unavailable_until = time.monotonic() + BACKOFF_SECONDS
                logger.warning(
                    "cache unavailable, falling through (%s): %s",
                    method.__name__,
                    exc,
                )
                return default(*args, **kwargs)

        return wrapper

    return decorate


def _miss(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


def _first_hit(key, delta=1, *args, **kwargs):
    return delta


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._unavailable_until = 0.0

    get = _tolerant(_miss)(RedisCache.get)
    set = _tolerant(_nothing)(RedisCache.set)
    add = _tolerant(_false)(RedisCache.add)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    has_key = _tolerant(_false)(RedisCache.has_key)
    get_many = _tolerant(_empty)(RedisCache.get_many)
    set_many = _tolerant(_all_failed)(RedisCache.set_many)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)

    # Counters (rate limits) fail open during an outage: the call counts as
    # the first hit of a fresh window rather than turning into a 500.
    incr = _tolerant(_first_hit)(RedisCache.incr)
