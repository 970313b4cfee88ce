"""Writes of identification: submit, run, publish, claim, purge."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from config.api_errors import ApiError

from .backends import backend_set_name, backends_enabled
from .backends.base import IdentificationBackend, PhotoInput
from .combining import (
    BackendOutcome,
    SpeciesLookup,
    backends_call,
    candidates_merge,
    verdict_decide,
)
from .metrics import IDENTIFICATIONS
from .models import (
    IdentificationPhoto,
    IdentificationRequest,
    IdentificationStatus,
    Organ,
)
from .selectors import (
    LINKS_GENERATION_KEY,
    identification_cached_get,
    identification_frame,
    identification_group_name,
    identification_result_remember,
)
from .uploads import MAX_PHOTOS, photo_normalise

logger = logging.getLogger(__name__)

ORGANS = set(Organ.values)
RAW_CACHE_PREFIX = "identify:raw:"


@dataclass(frozen=True)
class UploadedPhoto:
    data: bytes
    organ: str
    name: str = ""


# --- rate limit ------------------------------------------------------------------


def identification_rate_limit_hit(*, owner_key: str) -> None:
    """Count one request for this owner in the current hour; 429 past the limit.

    A fixed one-hour window in the shared cache, counted atomically so
    concurrent posts cannot slip past the limit.
    """
    limit = settings.IDENTIFY_RATE_LIMIT_PER_HOUR
    now = time.time()
    window = int(now // 3600)
    count = _window_count(f"identify:rate:{owner_key}:{window}", timeout=3600 + 60)
    if count > limit:
        retry_after = int((window + 1) * 3600 - now) + 1
        raise ApiError(
            "rate_limited",
            f"You can identify {limit} photos an hour; try again in "
            f"{max(1, retry_after // 60)} minutes.",
            429,
            retry_after=retry_after,
        )


def _window_count(key: str, *, timeout: int) -> int:
    """Add one to the counter at ``key`` (created with ``timeout``); the new count."""
    backend = caches[DEFAULT_CACHE_ALIAS]  # ``cache`` is a proxy to it
    if isinstance(backend, RedisCache):
        # One round trip instead of three (add, then exists + incrby inside
        # Django's incr): create-if-missing and increment in one MULTI/EXEC,
        # which also closes the gap where the key could expire in between.
        redis_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(redis_key, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.set(redis_key, 0, ex=timeout, nx=True)
        pipe.incr(redis_key)
        return int(pipe.execute()[1])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


# --- submit --------------------------------------------------------------------------


def identification_cache_key(photos, backend_set: str) -> str:
    material = "|".join(f"{photo.sha256}:{photo.organ}" for photo in photos)
    return hashlib.sha256(f"{material}#{backend_set}".encode()).hexdigest()


def identification_request_submit(
    *,
    user,
    anonymous_owner: str,
    uploads: list[UploadedPhoto],
    location: tuple[float, float] | None = None,
    backends: list[IdentificationBackend] | None = None,
) -> tuple[IdentificationRequest, bool]:
    """Validate and store the photos, then queue the work (or answer from cache).

    Returns the request and whether it was served from the result cache.
    Nothing is stored unless every photo passes validation.
    """
    if not uploads:
        raise ApiError("no_image", "Send at least one photo in the “image” field.", 400)
    if len(uploads) > MAX_PHOTOS:
        raise ApiError(
            "too_many_images", f"Send at most {MAX_PHOTOS} photos of one plant.", 400
        )
    for upload in uploads:
        if upload.organ not in ORGANS:
            raise ApiError(
                "invalid_organ",
                f"“{upload.organ}” is not an organ; use one of {', '.join(Organ.values)}.",
                400,
            )
    if location is not None:
        location = (round(location[0], 1), round(location[1], 1))
    enabled = backends if backends is not None else backends_enabled()
    backend_set = backend_set_name(enabled)
    if location is not None and "plantid" in backend_set:
        # Plant.id weighs its answer by region: another place, another result.
        backend_set += f"@{location[0]:.1f},{location[1]:.1f}"
    owner = {
        "user": user if user is not None and user.is_authenticated else None,
        "anonymous_owner": ""
        if user is not None and user.is_authenticated
        else anonymous_owner,
    }

    # Fast path: these exact bytes were validated and normalised before, so
    # their normalised hash is known without decoding the image again.
    raw_key = _raw_alias_key(uploads, backend_set)
    known_cache_key = cache.get(raw_key)
    if known_cache_key:
        cached = identification_cached_get(cache_key=known_cache_key)
        if cached is not None:
            return _identification_from_cache(cached, owner, backend_set), True

    photos = [
        photo_normalise(upload.data, organ=upload.organ, name=upload.name)
        for upload in uploads
    ]
    cache_key = identification_cache_key(photos, backend_set)
    cache.set(raw_key, cache_key, timeout=settings.IDENTIFY_RESULT_CACHE_DAYS * 86400)
    cached = identification_cached_get(cache_key=cache_key)
    if cached is not None:
        return _identification_from_cache(cached, owner, backend_set), True

    with transaction.atomic():
        request = IdentificationRequest.objects.create(
            **owner,
            backend_set=backend_set,
            cache_key=cache_key,
            stage="queued",
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
        )
        for position, photo in enumerate(photos):
            stored = IdentificationPhoto(
                request=request,
                position=position,
                organ=photo.organ,
                sha256=photo.sha256,
                width=photo.width,
                height=photo.height,
            )
            stored.image.save(f"{position}.jpg", ContentFile(photo.data), save=False)
            stored.save()
        request_id = str(request.id)
        transaction.on_commit(lambda: _identification_enqueue(request_id))
    return request, False


def _raw_alias_key(uploads: list[UploadedPhoto], backend_set: str) -> str:
    material = "|".join(
        f"{hashlib.sha256(upload.data).hexdigest()}:{upload.organ}"
        for upload in uploads
    )
    digest = hashlib.sha256(f"{material}#{backend_set}".encode()).hexdigest()
    return f"{RAW_CACHE_PREFIX}{digest}"


def _identification_from_cache(
    cached: IdentificationRequest, owner: dict, backend_set: str
) -> IdentificationRequest:
    """A new request for this owner (their history), answered with a copy."""
    now = timezone.now()
    request = IdentificationRequest.objects.create(
        **owner,
        status=IdentificationStatus.DONE,
        progress=100,
        stage="cache",
        verdict=cached.verdict,
        candidates=cached.candidates,
        backends=cached.backends,
        backend_set=backend_set,
        cache_key=cached.cache_key,
        served_from_cache=True,
        started=now,
        finished=now,
    )
    IDENTIFICATIONS.labels(backend="all", outcome="cache_hit").inc()
    return request


def _identification_enqueue(request_id: str) -> None:
    from .tasks import identification_run

    identification_run.delay(request_id)


# --- publish -----------------------------------------------------------------------


def identification_frame_publish(request_id: uuid.UUID | str, frame: dict) -> None:
    """Send a frame to the request's websocket group once the data is committed."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                identification_group_name(request_id),
                {"type": "identify.frame", "frame": frame},
            )
        except Exception:  # noqa: BLE001 - the result is stored; clients poll
            logger.warning("could not publish identification frame", exc_info=True)

    transaction.on_commit(send)


def _progress_save(
    request: IdentificationRequest, *, progress: int, stage: str
) -> None:
    IdentificationRequest.objects.filter(pk=request.pk).unfinished().update(
        progress=progress, stage=stage, status=IdentificationStatus.RUNNING
    )
    identification_frame_publish(
        request.pk,
        {"type": "progress", "status": "running", "progress": progress, "stage": stage},
    )


# --- run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    finished: bool
    retry_after: float | None = None  # set when transient failures should be retried


def identification_request_run(
    *,
    request_id: str,
    attempt: int,
    final_attempt: bool,
    backends: list[IdentificationBackend] | None = None,
) -> RunResult:
    """Run (or resume) one identification. Idempotent: a finished request is
    left alone, backends that already answered on an earlier attempt are
    not called again, and only one run can write the final result."""
    with transaction.atomic():
        request = (
            IdentificationRequest.objects.select_for_update()
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.is_finished:
            return RunResult(finished=True)
        request.status = IdentificationStatus.RUNNING
        request.attempts = attempt
        request.started = request.started or timezone.now()
        request.progress = max(request.progress, 5)
        request.stage = "started"
        request.save(
            update_fields=["status", "attempts", "started", "progress", "stage"]
        )
    identification_frame_publish(
        request.pk,
        {
            "type": "progress",
            "status": "running",
            "progress": request.progress,
            "stage": "started",
        },
    )

    photos = []
    for photo in request.photos.order_by("position"):
        if not photo.image:
            return _identification_fail(
                request,
                "photos_gone",
                "The photos were deleted before they were identified.",
            )
        with photo.image.open("rb") as handle:
            photos.append(PhotoInput(data=handle.read(), organ=photo.organ))

    enabled = (
        backends
        if backends is not None
        else backends_enabled(location=request.location)
    )
    previous = {
        name: BackendOutcome.from_json(name, data)
        for name, data in (request.backends or {}).items()
        if data.get("outcome") == "ok"
    }
    outcomes = [previous[b.name] for b in enabled if b.name in previous]
    to_call = [b for b in enabled if b.name not in previous]
    total = len(enabled)

    answered = [len(outcomes)]  # backends done so far, this attempt included

    def on_outcome(outcome: BackendOutcome) -> None:
        answered[0] += 1
        IDENTIFICATIONS.labels(
            backend=outcome.backend,
            outcome="timeout" if outcome.error_code == "timeout" else outcome.outcome,
        ).inc()
        _progress_save(
            request,
            progress=10 + int(80 * answered[0] / max(1, total)),
            stage=outcome.backend,
        )

    outcomes += backends_call(to_call, photos, on_outcome=on_outcome)

    transient = [o for o in outcomes if o.outcome == "failed" and o.retryable]
    backends_json = {o.backend: o.as_json() for o in outcomes}
    if transient and not final_attempt:
        IdentificationRequest.objects.filter(pk=request.pk).unfinished().update(
            backends=backends_json, stage="retrying"
        )
        identification_frame_publish(
            request.pk,
            {
                "type": "progress",
                "status": "running",
                "progress": request.progress,
                "stage": "retrying",
            },
        )
        delays = [o.retry_after for o in transient if o.retry_after]
        return RunResult(finished=False, retry_after=max(delays) if delays else None)

    succeeded = [o for o in outcomes if o.outcome == "ok"]
    if not succeeded:
        first = next(o for o in outcomes if o.outcome == "failed") if outcomes else None
        return _identification_fail(
            request,
            "backends_failed",
            "No identifier could answer"
            + (f": {first.error_detail}" if first else "."),
            backends_json,
        )

    _progress_save(request, progress=95, stage="combining")
    candidates = candidates_merge(outcomes, SpeciesLookup.load())
    verdict = verdict_decide(
        outcomes, candidates, threshold=settings.IDENTIFY_UNCERTAIN_THRESHOLD
    )
    return _identification_finish(
        request,
        status=IdentificationStatus.DONE,
        fields={
            "verdict": verdict,
            "candidates": candidates[:10],
            "backends": backends_json,
        },
        outcome=verdict,
    )


def _identification_fail(
    request, code: str, detail: str, backends_json=None
) -> RunResult:
    fields = {"error_code": code, "error_detail": detail[:300]}
    if backends_json is not None:
        fields["backends"] = backends_json
    return _identification_finish(
        request, status=IdentificationStatus.FAILED, fields=fields, outcome="failed"
    )


def _identification_finish(
    request, *, status: str, fields: dict, outcome: str
) -> RunResult:
    with transaction.atomic():
        updated = (
            IdentificationRequest.objects.filter(pk=request.pk)
            .unfinished()
            .update(
                status=status,
                progress=100,
                stage="done",
                finished=timezone.now(),
                **fields,
            )
        )
        if updated:  # only the run that finished it tells the clients
            finished = IdentificationRequest.objects.get(pk=request.pk)
            logger.info(
                "identification %s finished: %s in %.2f s, backends %s",
                finished.pk,
                outcome,
                finished.duration_seconds or 0.0,
                {
                    name: data.get("outcome")
                    for name, data in (finished.backends or {}).items()
                },
            )
            if status == IdentificationStatus.DONE:
                transaction.on_commit(lambda: identification_result_remember(finished))
            IDENTIFICATIONS.labels(backend="all", outcome=outcome).inc()
            identification_frame_publish(request.pk, identification_frame(finished))
    return RunResult(finished=True)


def identification_request_fail_permanently(*, request_id: str, detail: str) -> None:
    """The task gave up (time limit, unexpected crash): tell the client."""
    request = IdentificationRequest.objects.filter(pk=request_id).first()
    if request is not None and not request.is_finished:
        _identification_fail(request, "identification_failed", detail)


# --- links cache -------------------------------------------------------------------


def species_links_invalidate() -> None:
    """Retire every cached care-guide/product link after a change to them.

    A new generation now, so this process reads fresh links at once, and
    again after the commit: a request that read the old rows while the
    transaction was open may have cached them under the first new one.
    """

    def bump() -> None:
        try:
            cache.set(LINKS_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001 - never fail a checkout or a publish for it
            # the links' short timeout still retires them
            logger.warning("could not retire the cached species links", exc_info=True)

    bump()
    transaction.on_commit(bump)


# --- ownership and retention ------------------------------------------------------------


def identification_requests_claim(*, user, anonymous_owner: str) -> int:
    """Move an anonymous visitor's requests to the account they signed in to."""
    if not anonymous_owner:
        return 0
    return IdentificationRequest.objects.filter(
        user__isnull=True, anonymous_owner=anonymous_owner
    ).update(user=user, anonymous_owner="")


def identification_originals_purge(*, now=None, batch_size: int = 500) -> int:
    """Delete stored photos older than the retention period; results stay.

    Returns the number of photos deleted. Files go first, then the rows are
    marked, so a crash in between only leaves rows that the next run retries.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IDENTIFY_RETENTION_DAYS)
    deleted = 0
    while True:
        request_ids = list(
            IdentificationRequest.objects.filter(
                created__lt=cutoff, originals_purged__isnull=True
            ).values_list("id", flat=True)[:batch_size]
        )
        if not request_ids:
            return deleted
        for photo in IdentificationPhoto.objects.filter(
            request_id__in=request_ids
        ).exclude(image=""):
            photo.image.delete(save=False)
            IdentificationPhoto.objects.filter(pk=photo.pk).update(image="")
            deleted += 1
        IdentificationRequest.objects.filter(id__in=request_ids).update(
            originals_purged=now
        )
