"""Fixtures for real services: a Celery worker, an ASGI server, a browser."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

import pytest

from .services import CHROMIUM_PATH

BASE_DIR = Path(settings.BASE_DIR)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _test_database_url() -> str:
    """The URL of the database pytest-django made, for child processes."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def child_process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_test_database_url(),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def home_page(db):
    """The Wagtail tree's frame (root, locale, site, home), rebuilt if a
    transactional test flushed it."""
    from config.demo.site import demo_site_load

    return demo_site_load()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A real Celery worker on REDIS_URL, working on the test database.

    CI starts one worker for the whole run (CANOPY_CELERY_WORKER=external);
    elsewhere this fixture starts its own. Tests using it must commit what
    the worker reads (``transaction=True``).
    """
    from config.celery import app

    if os.environ.get("CANOPY_CELERY_WORKER") == "external":
        replies = app.control.ping(timeout=5.0)
        if not replies:
            pytest.fail("CANOPY_CELERY_WORKER=external but no worker answers ping")
        yield
        return
    log = open(BASE_DIR / "var" / "test-celery-worker.log", "w")  # noqa: SIM115
    with django_db_blocker.unblock():
        env = child_process_env(CELERY_TASK_ALWAYS_EAGER="0")
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default,identify,email",
            "-c",
            "2",
            "--loglevel",
            "INFO",
            "-n",
            f"test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "the Celery worker did not start; see var/test-celery-worker.log"
                )
        yield
    finally:
        stop_process(process)
        log.close()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db, settings):
    """Tasks go to the real worker for this test (not eager)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The project's ASGI app under a real server (HTTP + websockets).

    Returns its base URL. It shares the test database, so tests using it
    must commit their data (``transaction=True``).
    """
    port = free_port()
    with django_db_blocker.unblock():
        env = child_process_env()
    log = open(BASE_DIR / "var" / "test-asgi-server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "tests.support.asgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)
        log.close()


@pytest.fixture
def browser_instance(monkeypatch):
    """A headless Chromium for one test.

    Per test, not per session: Playwright's sync API runs an event loop in
    this thread while it is started, and a loop left running would break
    every async test that comes after. The test body's ORM calls are plain
    synchronous code, so Django's async-safety check is lifted meanwhile.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(browser_instance):
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()
