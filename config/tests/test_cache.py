"""Our Redis caches: one client per pool, shared by threads; and the
tolerant one, for which a Redis outage reads as misses, never as a 500."""

from concurrent.futures import ThreadPoolExecutor

from django.core.cache import caches

import pytest

from config.cache import RedisCache, TolerantRedisCache
from config.health import readiness_checks_run

# Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_cache():
    return TolerantRedisCache(
        DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_reads_are_misses_and_writes_are_dropped_while_redis_is_away(dead_cache):
    dead_cache.set("plant", "monstera")

    assert dead_cache.get("plant") is None
    assert dead_cache.get("plant", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.add("plant", "x") is False
    assert dead_cache.has_key("plant") is False
    assert dead_cache.delete("plant") is False


def test_get_or_set_computes_the_value_when_redis_is_away(dead_cache):
    assert dead_cache.get_or_set("page", lambda: "rendered") == "rendered"


def test_counters_fail_open_while_redis_is_away(dead_cache):
    assert dead_cache.incr("rate:1.2.3.4", 1) == 1


def test_after_a_failure_redis_is_left_alone_for_the_back_off(dead_cache, monkeypatch):
    dead_cache.get("plant")
    calls = []
    monkeypatch.setattr(
        type(dead_cache._cache),
        "get",
        lambda *args, **kwargs: calls.append(1),
    )

    assert dead_cache.get("plant") is None
    assert calls == []


@pytest.mark.redis
def test_it_is_a_normal_cache_while_redis_answers(settings):
    cache = TolerantRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "tolerant-test"})

    cache.set("plant", {"name": "Monstera"}, 30)

    assert cache.get("plant") == {"name": "Monstera"}
    cache.delete("plant-count")
    assert cache.add("plant-count", 1) is True
    assert cache.incr("plant-count", 2) == 3
    cache.delete_many(["plant", "plant-count"])
    assert cache.get("plant") is None


@pytest.mark.django_db
def test_readiness_still_reports_the_cache_as_failed(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        results = {result.name: result for result in readiness_checks_run()}
    finally:
        caches["default"].close()

    assert results["cache"].ok is False
    assert "cache did not return" in results["cache"].detail


@pytest.mark.redis
def test_one_client_serves_every_call_and_threads_share_it(settings):
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "shared-client-test"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)

    def round_trip(n: int) -> tuple[int, object]:
        cache.set(f"plant-{n}", {"n": n}, 30)
        return n, cache.get(f"plant-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(pool.map(round_trip, range(64)))

    assert results == {n: {"n": n} for n in range(64)}
    cache.delete_many([f"plant-{n}" for n in range(64)])
