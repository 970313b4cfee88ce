"""The identification task on a real Celery worker with Redis."""

import asyncio
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

import pytest
from asgiref.sync import async_to_sync
from celery.contrib.testing.worker import start_worker
from channels.layers import get_channel_layer

from identify import services
from identify.models import IdentificationPhoto, IdentificationRequest
from identify.selectors import identification_group_name
from identify.services import UploadedPhoto, identification_request_submit

from .factories import drawing_jpeg, library_with_photos

NAMES = ["Monstera deliciosa", "Crassula ovata", "Nephrolepis exaltata"]


async def _frames_until_final(channel: str, wait_seconds: float) -> list[dict]:
    layer = get_channel_layer()
    frames = []
    while True:
        event = await asyncio.wait_for(layer.receive(channel), wait_seconds)
        frames.append(event["frame"])
        if event["frame"]["type"] in {"result", "error"}:
            return frames


def _submit_listening(photo: bytes, *, owner: str) -> tuple[IdentificationRequest, str]:
    """Submit, and join the request's group before the commit queues the task."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    with transaction.atomic():
        request, cached = identification_request_submit(
            user=None,
            anonymous_owner=owner,
            uploads=[UploadedPhoto(data=photo, organ="auto")],
        )
        assert not cached
        async_to_sync(layer.group_add)(identification_group_name(request.id), channel)
    return request, channel


@pytest.mark.celery_worker
@pytest.mark.redis
def test_worker_publishes_progress_in_order_then_result_and_cache_hits_skip_it(
    celery_worker, client
):
    library_with_photos(NAMES, photos_each=2)
    photo = drawing_jpeg("Crassula ovata", 1)

    request, channel = _submit_listening(photo, owner="worker-owner")
    frames = async_to_sync(_frames_until_final)(channel, 60)

    progress = [f for f in frames if f["type"] == "progress"]
    assert [f["stage"] for f in progress] == ["started", "local", "combining"]
    assert [f["progress"] for f in progress] == sorted(f["progress"] for f in progress)
    assert all(f["status"] == "running" for f in progress)
    result = frames[-1]
    assert result["type"] == "result"
    assert (result["id"], result["status"], result["progress"]) == (
        str(request.id),
        "done",
        100,
    )
    assert result["candidates"][0]["scientific_name"] == "Crassula ovata"
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("done", 1)

    # The same photo again: answered from the cache, no task, no photo stored
    response = client.post(
        "/api/identify/",
        {"image": SimpleUploadedFile("again.jpg", photo, content_type="image/jpeg")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done"
    assert [c["scientific_name"] for c in body["candidates"]] == [
        c["scientific_name"] for c in result["candidates"]
    ]
    assert IdentificationRequest.objects.get(pk=body["id"]).served_from_cache
    assert not IdentificationPhoto.objects.filter(request_id=body["id"]).exists()


@pytest.fixture
def private_worker(celery_worker_process, transactional_db, settings, monkeypatch):
    """A real worker thread on Redis in this process, on a queue of its own.

    It runs with this process's settings (the fake Pl@ntNet below), which a
    shared worker started elsewhere cannot.
    """
    from config.celery import app
    from identify.tasks import identification_run

    queue = f"identify-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        services,
        "_identification_enqueue",
        lambda request_id: identification_run.apply_async((request_id,), queue=queue),
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=[queue],
            shutdown_timeout=30,
        ):
            yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.mark.celery_worker
@pytest.mark.redis
def test_429_is_retried_with_backoff_then_succeeds(private_worker, fake_api, settings):
    settings.PLANTNET_API_KEY = "net-key"
    settings.PLANTNET_API_URL = fake_api.url
    settings.PLANTNET_TIMEOUT_SECONDS = 5
    fake_api.queue("plantnet_429", "plantnet_success")
    library_with_photos(["Monstera deliciosa", "Aloe vera"], photos_each=2)

    request, channel = _submit_listening(
        drawing_jpeg("Monstera deliciosa", 1), owner="retry-owner"
    )
    frames = async_to_sync(_frames_until_final)(channel, 60)

    stages = [f["stage"] for f in frames if f["type"] == "progress"]
    assert "retrying" in stages
    assert stages.index("retrying") < len(stages) - 1
    assert [f["type"] for f in frames].count("result") == 1
    result = frames[-1]
    assert result["type"] == "result"
    top = result["candidates"][0]
    assert top["scientific_name"] == "Monstera deliciosa"
    assert top["basis"] == "species"
    assert top["sources"] == ["local", "plantnet"]
    assert result["backends"]["plantnet"] == {"outcome": "ok", "error": None}
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("done", 2)
    # Pl@ntNet was asked twice (429, then success); the local matcher's first
    # answer was kept rather than recomputed.
    assert len(fake_api.received) == 2


@pytest.mark.django_db
def test_bad_key_is_not_retried_and_the_result_is_partial(
    fake_api, settings, monkeypatch
):
    settings.PLANTNET_API_KEY = "wrong"
    settings.PLANTNET_API_URL = fake_api.url
    fake_api.queue("plantnet_401", "plantnet_success")
    monkeypatch.setattr(services, "_identification_enqueue", lambda request_id: None)
    library_with_photos(["Monstera deliciosa"], photos_each=1)
    request, _ = identification_request_submit(
        user=None,
        anonymous_owner="bad-key-owner",
        uploads=[
            UploadedPhoto(data=drawing_jpeg("Monstera deliciosa", 1), organ="auto")
        ],
    )

    outcome = services.identification_request_run(
        request_id=str(request.id), attempt=1, final_attempt=False
    )

    assert outcome.finished  # no retry asked for
    assert len(fake_api.received) == 1
    request.refresh_from_db()
    assert request.status == "done"  # partial: the local matcher answered
    assert request.backends["plantnet"]["error"]["code"] == "unauthorised"
    assert request.candidates[0]["sources"] == ["local"]


@pytest.mark.django_db
def test_transient_failure_on_the_last_attempt_gives_a_partial_result(
    fake_api, settings, monkeypatch
):
    settings.PLANTNET_API_KEY = "key"
    settings.PLANTNET_API_URL = fake_api.url
    fake_api.queue("plantnet_503")
    monkeypatch.setattr(services, "_identification_enqueue", lambda request_id: None)
    library_with_photos(["Aloe vera"], photos_each=1)
    request, _ = identification_request_submit(
        user=None,
        anonymous_owner="last-attempt",
        uploads=[UploadedPhoto(data=drawing_jpeg("Aloe vera", 1), organ="auto")],
    )

    outcome = services.identification_request_run(
        request_id=str(request.id), attempt=5, final_attempt=True
    )

    assert outcome.finished
    request.refresh_from_db()
    assert (request.status, request.backends["plantnet"]["error"]["code"]) == (
        "done",
        "unavailable",
    )


@pytest.mark.parametrize("retries", [0, 1, 2, 3, 4])
def test_backoff_is_exponential_with_jitter(retries):
    from identify.tasks import retry_countdown

    ceiling = min(120.0, 2.0 * 2**retries)
    delays = [retry_countdown(retries, None) for _ in range(50)]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1  # jitter: not all workers retry at once


def test_provider_retry_after_wins():
    from identify.tasks import retry_countdown

    assert 30 <= retry_countdown(0, 30) <= 30.5
