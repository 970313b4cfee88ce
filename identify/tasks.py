"""Celery adapters: primitive ids in, one service call, retries for transient errors."""

from __future__ import annotations

import logging
import random

from django.conf import settings

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 2.0
RETRY_MAX_SECONDS = 120.0


def retry_countdown(retries: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter; a provider's Retry-After wins."""
    if retry_after:
        return min(retry_after, RETRY_MAX_SECONDS) + random.uniform(0, 0.5)  # noqa: S311
    ceiling = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311


@shared_task(
    bind=True,
    name="identify.tasks.identification_run",
    # A worker killed mid-task hands the message back; the service is
    # idempotent, so the request still finishes exactly once.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.IDENTIFY_MAX_RETRIES,
    soft_time_limit=90,
    time_limit=120,
)
def identification_run(self, request_id: str) -> None:
    retries = self.request.retries
    try:
        result = services.identification_request_run(
            request_id=request_id,
            attempt=retries + 1,
            final_attempt=retries >= self.max_retries,
        )
    except SoftTimeLimitExceeded:
        services.identification_request_fail_permanently(
            request_id=request_id, detail="The identification took too long."
        )
        return
    if not result.finished:
        raise self.retry(countdown=retry_countdown(retries, result.retry_after))


@shared_task(name="identify.tasks.identification_originals_purge", time_limit=600)
def identification_originals_purge() -> int:
    deleted = services.identification_originals_purge()
    logger.info("purged %d identification photos past retention", deleted)
    return deleted
