"""Is a real service there? Each answer is cached for the run."""

import os
import shutil
from functools import cache

from django.conf import settings

# Debian's chromium; CHROMIUM_PATH points elsewhere (or nowhere, to skip).
CHROMIUM_PATH = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ("/usr/bin/chromium")
)


@cache
def postgres_unavailable_reason() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not name a PostgreSQL database"
    return None


@cache
def redis_unavailable_reason() -> str | None:
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


@cache
def browser_unavailable_reason() -> str | None:
    if not os.path.exists(CHROMIUM_PATH):
        return f"Chromium not installed at {CHROMIUM_PATH}"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None
