"""A websocket connects through the project's ASGI app (config.asgi.application)
with a session: the same cookie and Origin rules a browser meets."""

import json

from django.contrib.auth import get_user_model

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def signed_in_session(client) -> tuple[object, str]:
    from community.models import Room

    Room.objects.get_or_create(slug="asgi-check", defaults={"title": "ASGI check"})
    user = get_user_model().objects.create_user(
        "asgi-user", "asgi@example.test", "pw-123456789"
    )
    client.force_login(user)
    return user, client.cookies["sessionid"].value


async def receive_json(communicator) -> dict:
    return json.loads(await communicator.receive_from(timeout=5))


async def test_signed_in_session_posts_through_the_asgi_app(client):
    user, session_key = await signed_in_session(client)
    communicator = WebsocketCommunicator(
        application,
        "/ws/chat/asgi-check/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={session_key}".encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await receive_json(communicator))["type"] == "history"
    assert (await receive_json(communicator))["type"] == "room"

    # Only a signed-in socket may post: the session made it through.
    await communicator.send_to(text_data=json.dumps({"type": "message", "body": "hi"}))
    frame = await receive_json(communicator)
    while frame["type"] == "presence":
        frame = await receive_json(communicator)
    assert frame["type"] == "message"
    assert frame["author"]["username"] == "asgi-user"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "headers", [[], [(b"origin", b"http://evil.example")]], ids=["none", "foreign"]
)
async def test_origin_must_be_an_allowed_host(headers):
    communicator = WebsocketCommunicator(
        application, "/ws/chat/asgi-check/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected is False
    await communicator.disconnect()
