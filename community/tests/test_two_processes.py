"""Two ASGI server processes on one Redis: what happens on A reaches B."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect

from tests.support.fixtures import (
    BASE_DIR,
    child_process_env,
    free_port,
    stop_process,
    wait_for_port,
)

from .factories import ModeratorFactory, RoomFactory, UserFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.asyncio,
    pytest.mark.usefixtures("transactional_db"),
]


def session_cookie(user) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@pytest.fixture
def two_servers(transactional_db, django_db_blocker):
    """Two daphne processes serving config.asgi on the test database."""
    env = child_process_env(CHAT_PRESENCE_TTL="3", CHAT_PRESENCE_HEARTBEAT="0.5")
    processes, ports = [], []
    logs = []
    for name in ("a", "b"):
        port = free_port()
        log = open(BASE_DIR / "var" / f"test-chat-server-{name}.log", "w")  # noqa: SIM115
        logs.append(log)
        processes.append(
            subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "config.asgi:application",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        ports.append(port)
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process=process)
        yield list(zip(ports, processes, strict=True))
    finally:
        for process in processes:
            stop_process(process)
        for log in logs:
            log.close()


class Client:
    def __init__(self, port: int, slug: str, cookie: str | None = None):
        self.url = f"ws://127.0.0.1:{port}/ws/chat/{slug}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.headers = {"Cookie": cookie} if cookie else {}

    async def __aenter__(self):
        self.socket = await connect(
            self.url, origin=self.origin, additional_headers=self.headers
        )
        self.history = await self.receive()
        self.room = await self.receive()
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def receive(self) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), 10))

    async def receive_type(self, kind: str) -> dict:
        while True:
            frame = await self.receive()
            if frame["type"] == kind:
                return frame

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))


@database_sync_to_async
def given_room_and_users():
    RoomFactory(slug="general")
    moderator = ModeratorFactory(username="mod-a")
    member = UserFactory(username="member-b")
    return session_cookie(moderator), session_cookie(member)


async def test_messages_deletions_and_bans_cross_processes(two_servers):
    (port_a, _), (port_b, _) = two_servers
    moderator_cookie, member_cookie = await given_room_and_users()

    async with (
        Client(port_a, "general", moderator_cookie) as on_a,
        Client(port_b, "general", member_cookie) as on_b,
    ):
        assert on_a.history["type"] == "history"
        # Presence counts both processes' sockets.
        assert (await on_a.receive_type("presence"))["online"] == 2

        await on_b.send({"type": "message", "body": "posted on B"})
        frame = await on_a.receive_type("message")
        assert frame["body"] == "posted on B"

        await on_a.send({"type": "delete", "id": frame["id"]})
        assert (await on_b.receive_type("deleted"))["id"] == frame["id"]

        await on_a.send({"type": "slow_mode", "seconds": 7})
        assert (await on_b.receive_type("room"))["slow_mode"] == 7

        await on_a.send({"type": "ban", "user": "member-b"})
        assert (await on_b.receive_type("error"))["code"] == "banned"
        await asyncio.wait_for(on_b.socket.wait_closed(), 10)
        assert on_b.socket.close_code == 4403


async def test_a_dead_process_leaves_no_ghosts(two_servers):
    (port_a, _), (port_b, process_b) = two_servers
    await database_sync_to_async(RoomFactory)(slug="general")

    async with Client(port_a, "general") as on_a:
        other = Client(port_b, "general")
        await other.__aenter__()
        assert other.room["online"] == 2
        # Process B dies without closing anything.
        os.kill(process_b.pid, signal.SIGKILL)
        process_b.wait()
        # Its socket's presence entry expires; A's clients hear the new count.
        while (frame := await on_a.receive_type("presence"))["online"] != 1:
            pass
        assert frame == {"type": "presence", "online": 1}
