"""Websocket fixtures: the chat routes on the configured (Redis) channel layer."""

import asyncio
import json
from pathlib import Path

from django.contrib.auth.models import AnonymousUser

import pytest
import pytest_asyncio
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from community.routing import websocket_urlpatterns

from .factories import ModeratorFactory, RoomFactory, UserFactory

APPLICATION = URLRouter(websocket_urlpatterns)
TIMEOUT = 3


class ChatClient:
    """A WebsocketCommunicator speaking the chat's JSON frames."""

    def __init__(self, slug: str, user=None):
        self.communicator = WebsocketCommunicator(APPLICATION, f"/ws/chat/{slug}/")
        self.communicator.scope["user"] = user or AnonymousUser()

    async def connect(self) -> tuple[dict, dict]:
        """Connect and return the history and room frames."""
        connected, _ = await self.communicator.connect(timeout=TIMEOUT)
        assert connected
        history = await self.receive()
        assert history["type"] == "history", history
        room = await self.receive()
        assert history["type"] == "history"
        assert room["type"] == "room"
        return history, room

    async def send(self, frame: dict) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, wait: float = TIMEOUT) -> dict:
        output = await self.communicator.receive_output(wait)
        assert output["type"] == "websocket.send", output
        return json.loads(output["text"])

    async def receive_type(self, kind: str, wait: float = TIMEOUT) -> dict:
        """The next frame of this type, skipping presence updates."""
        while True:
            frame = await self.receive(wait)
            if frame["type"] == kind:
                return frame
            assert frame["type"] == "presence", frame

    async def receive_close(self, wait: float = TIMEOUT) -> int:
        while True:
            output = await self.communicator.receive_output(wait)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def nothing(self, wait: float = 0.3) -> bool:
        """True if no frame other than presence arrives within the timeout.

        (receive_nothing, unlike a timed-out receive_output, leaves the
        application running.)
        """
        while not await self.communicator.receive_nothing(wait):
            output = await self.communicator.receive_output(TIMEOUT)
            if output["type"] != "websocket.send":
                return False
            if json.loads(output["text"])["type"] != "presence":
                return False
        return True

    async def close(self) -> None:
        await self.communicator.disconnect()


async def eventually(check, wait: float = TIMEOUT):
    """Poll a database check until it is truthy: moderation frames get no
    acknowledgement, so a test waits for their effect."""
    from channels.db import database_sync_to_async

    deadline = asyncio.get_running_loop().time() + wait
    while True:
        result = await database_sync_to_async(check)()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the expected change did not happen in time")
        await asyncio.sleep(0.02)


@pytest_asyncio.fixture
async def flush_layer():
    yield
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        await layer.flush()


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """Committed database access for websocket tests (overrides pytest-django's
    fixture of the same name for community's tests only).

    Consumers reach the database from worker threads, which cannot see a test
    transaction, so the data must be committed. pytest-django's version
    flushes and re-populates every table of the project after each test
    (seconds each); this one deletes what a chat test creates: the community
    rows, new users and sessions. Its name makes pytest-django set up the
    test database.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db import connection

    from community.models import Ban, BlockedWord, ModerationAction, Mute, Room

    user_model = get_user_model()
    with django_db_blocker.unblock():
        # PostgreSQL test databases are test_<name>; SQLite's is var/test.sqlite3.
        assert Path(str(connection.settings_dict["NAME"])).name.startswith("test"), (
            "refusing to run against a non-test database"
        )
        last_user = user_model.objects.order_by("-pk").values_list("pk", flat=True)
        last_user_id = last_user.first() or 0
        try:
            yield
        finally:
            ModerationAction.objects.all().delete()
            Mute.objects.all().delete()
            Ban.objects.all().delete()
            BlockedWord.objects.all().delete()
            Room.objects.all().delete()
            Session.objects.all().delete()
            user_model.objects.filter(pk__gt=last_user_id).delete()


@pytest.fixture
def room(transactional_db):
    return RoomFactory(slug="general", title="General chat")


@pytest.fixture
def member(transactional_db):
    return UserFactory(username="cass", first_name="Cass")


@pytest.fixture
def other_member(transactional_db):
    return UserFactory(username="robin", first_name="Robin")


@pytest.fixture
def moderator(transactional_db):
    return ModeratorFactory(username="morgan", first_name="Morgan")
