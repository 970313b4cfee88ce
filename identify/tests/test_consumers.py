"""The websocket: owner sees progress then the result; strangers get 4404."""

from importlib import import_module

from django.conf import settings

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from identify.models import IdentificationRequest
from identify.owners import SESSION_OWNER_KEY
from identify.services import (
    UploadedPhoto,
    identification_request_run,
    identification_request_submit,
)

from .factories import drawing_jpeg, library_with_photos

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
]


def _session_cookie(token: str) -> bytes:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_OWNER_KEY] = token
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()


@pytest.fixture
def queued_request(monkeypatch):
    """A committed request owned by the anonymous token "owner-token", not yet run."""
    monkeypatch.setattr(
        "identify.services._identification_enqueue", lambda request_id: None
    )
    library_with_photos(["Aloe vera", "Pilea peperomioides"], photos_each=2)
    request, cached = identification_request_submit(
        user=None,
        anonymous_owner="owner-token",
        uploads=[UploadedPhoto(data=drawing_jpeg("Aloe vera", 1), organ="auto")],
    )
    assert not cached
    return request


def _communicator(request_id, cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(
        application, f"/ws/identify/{request_id}/", headers=headers
    )


async def test_owner_receives_progress_frames_in_order_then_the_result(queued_request):
    cookie = await database_sync_to_async(_session_cookie)("owner-token")
    communicator = _communicator(queued_request.id, cookie)
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "progress",
        "status": "queued",
        "progress": 0,
        "stage": "queued",
    }

    await database_sync_to_async(identification_request_run)(
        request_id=str(queued_request.id), attempt=1, final_attempt=False
    )

    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] != "progress":
            break
    assert [(f["stage"], f["progress"]) for f in frames[:-1]] == [
        ("started", 5),
        ("local", 90),
        ("combining", 95),
    ]
    result = frames[-1]
    assert result["type"] == "result"
    assert result["id"] == str(queued_request.id)
    assert result["status"] == "done"
    assert result["candidates"][0]["scientific_name"] == "Aloe vera"
    assert (await communicator.receive_output(timeout=5))["code"] == 1000
    await communicator.disconnect()


async def test_strangers_and_unknown_ids_are_closed_with_4404(queued_request):
    cookie = await database_sync_to_async(_session_cookie)("someone-else")
    owner_cookie = await database_sync_to_async(_session_cookie)("owner-token")
    for request_id, headers_cookie in (
        (queued_request.id, cookie),  # another visitor
        (queued_request.id, None),  # no session at all
        ("00000000-0000-4000-8000-000000000000", owner_cookie),  # unknown id
    ):
        communicator = _communicator(request_id, headers_cookie)
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_output(timeout=5) == {
            "type": "websocket.close",
            "code": 4404,
        }
        await communicator.disconnect()


async def test_late_joiner_gets_the_result_or_error_at_once(queued_request):
    await database_sync_to_async(identification_request_run)(
        request_id=str(queued_request.id), attempt=1, final_attempt=False
    )
    cookie = await database_sync_to_async(_session_cookie)("owner-token")
    communicator = _communicator(queued_request.id, cookie)
    connected, _ = await communicator.connect()
    assert connected
    frame = await communicator.receive_json_from(timeout=5)
    assert (frame["type"], frame["status"], frame["progress"]) == (
        "result",
        "done",
        100,
    )
    assert (await communicator.receive_output(timeout=5))["code"] == 1000

    failed = await database_sync_to_async(IdentificationRequest.objects.create)(
        anonymous_owner="owner-token",
        status="failed",
        error_code="backends_failed",
        error_detail="No identifier could answer.",
    )
    communicator = _communicator(failed.id, cookie)
    await communicator.connect()
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "error",
        "code": "backends_failed",
        "detail": "No identifier could answer.",
    }
    assert (await communicator.receive_output(timeout=5))["code"] == 1000
