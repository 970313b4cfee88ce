"""Readiness checks of the services the site needs: database, cache, channel layer, broker."""

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = "ok"


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _check_channel_layer() -> None:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return  # in-memory layer: lives in this process
    import redis

    for host in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]:
        address = host["address"] if isinstance(host, dict) else host
        client = redis.Redis.from_url(
            address, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.ping()
        finally:
            client.close()


def _check_broker() -> None:
    from config.celery import app

    if app.conf.task_always_eager:
        return  # eager mode: tasks run in-process, there is no broker
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


def _run(name: str, check: Callable[[], None]) -> CheckResult:
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness check %s failed: %s", name, exc)
        return CheckResult(name=name, ok=False, detail=f"{type(exc).__name__}: {exc}")
    finally:
        if name == "database":
            connection.close_if_unusable_or_obsolete()
    return CheckResult(name=name, ok=True)


def readiness_checks_run() -> list[CheckResult]:
    """Run every check, each bounded by HEALTH_CHECK_TIMEOUT, in parallel.

    The database check runs in the calling thread (Django connections are
    per-thread); the network checks run beside it so a dead Redis costs one
    timeout, not one per check.
    """
    timeout = settings.HEALTH_CHECK_TIMEOUT
    results: list[CheckResult] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            name: pool.submit(_run, name, check)
            for name, check in CHECKS.items()
            if name != "database"
        }
        results.append(_run("database", _check_database))
        for name, future in futures.items():
            try:
                results.append(future.result(timeout=timeout))
            except FutureTimeout:
                results.append(CheckResult(name=name, ok=False, detail="timed out"))
    return results
