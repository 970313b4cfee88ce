"""Request ids follow the work into Celery tasks and websocket consumers."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from config import observability
from config.request_context import current_request_id, request_id_var


def test_the_publishing_requests_id_rides_in_the_task_headers():
    headers: dict = {}
    token = request_id_var.set("req-1234abcd")
    try:
        observability._request_id_into_message(headers=headers)
    finally:
        request_id_var.reset(token)

    assert headers == {observability.REQUEST_ID_HEADER: "req-1234abcd"}


def test_work_outside_a_request_adds_no_header():
    headers: dict = {}

    observability._request_id_into_message(headers=headers)

    assert headers == {}


def _task(**request):
    return SimpleNamespace(name="demo.task", request=SimpleNamespace(**request))


def test_the_worker_runs_the_task_under_the_requests_id(caplog):
    task = _task(**{observability.REQUEST_ID_HEADER: "req-1234abcd"})

    with caplog.at_level("INFO", logger="config.observability"):
        observability._request_id_from_message(task_id="t-1", task=task)
    try:
        assert current_request_id() == "req-1234abcd"
    finally:
        observability._request_id_reset(task_id="t-1")

    assert [r.getMessage() for r in caplog.records] == ["task demo.task started"]

    assert current_request_id() == "-"


@pytest.mark.parametrize("incoming", [None, "bad id with spaces", "x" * 100])
def test_tasks_without_a_valid_id_use_their_task_id(incoming):
    task = _task(**({observability.REQUEST_ID_HEADER: incoming} if incoming else {}))

    observability._request_id_from_message(task_id="task-5678efgh", task=task)
    try:
        assert current_request_id() == "task-5678efgh"
    finally:
        observability._request_id_reset(task_id="task-5678efgh")


async def _run_asgi(headers):
    seen = {}

    async def inner(scope, receive, send):
        seen["scope_id"] = scope.get("request_id")
        seen["context_id"] = current_request_id()

    app = observability.RequestIdASGIMiddleware(inner)
    await app({"type": "websocket", "headers": headers}, None, None)
    return seen


def _run_in_thread(function, *args):
    """Run a coroutine function on a fresh loop in its own thread: works even
    when a browser test left an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, function(*args)).result(timeout=10)


def test_a_websocket_connection_keeps_the_proxys_request_id():
    seen = _run_in_thread(_run_asgi, [(b"x-request-id", b"0123456789abcdef")])

    assert seen == {"scope_id": "0123456789abcdef", "context_id": "0123456789abcdef"}
    assert current_request_id() == "-"


def test_a_websocket_connection_without_one_gets_a_fresh_id():
    seen = _run_in_thread(_run_asgi, [(b"x-request-id", b"<script>")])

    assert len(seen["scope_id"]) == 32
    assert seen["context_id"] == seen["scope_id"]


def test_http_is_left_to_the_django_middleware():
    seen = {}

    async def inner(scope, receive, send):
        seen["scope"] = scope

    app = observability.RequestIdASGIMiddleware(inner)
    _run_in_thread(app, {"type": "http", "headers": []}, None, None)

    assert "request_id" not in seen["scope"]
