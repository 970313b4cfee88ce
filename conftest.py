"""Shared fixtures: real services when they are there, a clear skip when not.

Tests that need PostgreSQL, Redis, a Celery worker or a browser carry a
marker (``postgres``, ``redis``, ``celery_worker``, ``browser``). Without the
service they are skipped with the reason; with ``CANOPY_REQUIRE_SERVICES=1``
(set by CI) such a skip is a failure instead, so CI can never pass by
skipping.
"""

import os

import pytest

from tests.support import services

pytest_plugins = ["tests.support.fixtures"]

SERVICE_MARKERS = {
    "postgres": services.postgres_unavailable_reason,
    "redis": services.redis_unavailable_reason,
    "celery_worker": services.redis_unavailable_reason,
    "browser": services.browser_unavailable_reason,
}


def pytest_configure(config):
    for name in SERVICE_MARKERS:
        config.addinivalue_line("markers", f"{name}: needs the {name} service")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_collection_modifyitems(session, config, items):
    """Run browser tests last: Playwright's sync API keeps an event loop
    running in the main thread for the rest of the session, after which
    async tests and async_to_sync calls would fail."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_runtest_setup(item):
    for name, unavailable_reason in SERVICE_MARKERS.items():
        if item.get_closest_marker(name) is None:
            continue
        reason = unavailable_reason()
        if reason is None:
            continue
        if os.environ.get("CANOPY_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{name} is required in this run but unavailable: {reason}")
        pytest.skip(f"{name} unavailable: {reason}")
