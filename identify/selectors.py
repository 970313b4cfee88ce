"""Reads of identification requests, and the contract's result body."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import IdentificationRequest, IdentificationStatus

logger = logging.getLogger(__name__)


def identification_group_name(request_id: uuid.UUID | str) -> str:
    """The channel group of one request, built from its id only."""
    return f"identify.{uuid.UUID(str(request_id)).hex}"


def identification_request_get_for_user(
    *, request_id: uuid.UUID | str, user, anonymous_owner: str | None
) -> IdentificationRequest:
    """The request if this visitor owns it; ``DoesNotExist`` otherwise,
    exactly as for an unknown id."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    return IdentificationRequest.objects.owned_by(
        user_id=user_id, anonymous_owner=anonymous_owner
    ).get(pk=request_id)


def identification_request_list(*, user) -> QuerySet[IdentificationRequest]:
    return (
        IdentificationRequest.objects.filter(user=user)
        .prefetch_related("photos")
        .order_by("-created")
    )


RESULT_CACHE_PREFIX = "identify:result:"


def identification_cached_get(*, cache_key: str) -> IdentificationRequest | None:
    """A finished identification of the same photos with the same backends.

    The shared cache holds a copy of the result (no query on a hit); the
    database is the fallback and the truth.
    """
    copy = cache.get(RESULT_CACHE_PREFIX + cache_key)
    if copy is not None:
        return IdentificationRequest(
            cache_key=cache_key, status=IdentificationStatus.DONE, **copy
        )
    since = timezone.now() - timedelta(days=settings.IDENTIFY_RESULT_CACHE_DAYS)
    found = (
        IdentificationRequest.objects.filter(
            cache_key=cache_key,
            status=IdentificationStatus.DONE,
            finished__gte=since,
        )
        .only("id", "verdict", "candidates", "backends", "cache_key")
        .order_by("-finished")
        .first()
    )
    if found is not None:
        identification_result_remember(found)
    return found


def identification_result_remember(request: IdentificationRequest) -> None:
    cache.set(
        RESULT_CACHE_PREFIX + request.cache_key,
        {
            "verdict": request.verdict,
            "candidates": request.candidates,
            "backends": request.backends,
        },
        timeout=settings.IDENTIFY_RESULT_CACHE_DAYS * 86400,
    )


def _resolver(setting_name: str):
    try:
        return import_string(getattr(settings, setting_name))
    except ImportError:
        # The app that answers this (cms or shop) is not installed yet.
        logger.warning("%s cannot be imported; results carry no links", setting_name)
        return None


# Care guide URLs and product summaries cost three queries and a pricing
# pass, most of a cache hit's time, yet change only when an editor or the
# shop saves something. So they are cached briefly per species; every save
# that can change them moves the generation (identify/receivers.py), which
# retires all entries at once, and the short timeout bounds what no signal
# announces (bulk updates, an ancestor page renamed without publishing).
LINKS_CACHE_PREFIX = "identify:links:"
LINKS_GENERATION_KEY = "identify:links:generation"
LINKS_CACHE_SECONDS = 60


def species_links(species_ids: list[int]) -> tuple[dict[int, str], dict[int, list]]:
    """Care guide URLs and product summaries, live (prices and stock change).

    Two Redis round trips when cached (generation, then all species at once).
    """
    if not species_ids:
        return {}, {}
    ids = sorted(set(species_ids))
    generation = cache.get(LINKS_GENERATION_KEY) or "0"
    prefix = f"{LINKS_CACHE_PREFIX}{generation}:"
    found = cache.get_many([f"{prefix}{species_id}" for species_id in ids])
    links = {
        species_id: found[f"{prefix}{species_id}"]
        for species_id in ids
        if f"{prefix}{species_id}" in found
    }
    missing = [species_id for species_id in ids if species_id not in links]
    if missing:
        guide_urls = _resolve("IDENTIFY_CARE_GUIDE_URLS", missing)
        summaries = _resolve("IDENTIFY_PRODUCT_SUMMARIES", missing)
        fresh = {
            species_id: {
                "guide": (guide_urls or {}).get(species_id),
                "products": (summaries or {}).get(species_id, []),
            }
            for species_id in missing
        }
        links.update(fresh)
        if guide_urls is not None and summaries is not None:
            # a failed lookup is retried next time, never remembered
            cache.set_many(
                {f"{prefix}{k}": v for k, v in fresh.items()},
                timeout=LINKS_CACHE_SECONDS,
            )
    return (
        {k: v["guide"] for k, v in links.items() if v["guide"]},
        {k: v["products"] for k, v in links.items() if v["products"]},
    )


def _resolve(setting_name: str, species_ids: list[int]) -> dict | None:
    """The resolver's answer; None if it is missing or failed."""
    resolver = _resolver(setting_name)
    if resolver is None:
        return None
    try:
        return resolver(species_ids)
    except Exception:  # noqa: BLE001 - links are extras; a result never fails for them
        logger.exception("%s failed; results carry no links", setting_name)
        return None


def identification_result_body(request: IdentificationRequest) -> dict:
    """The GET body of contracts.md (Identification), links resolved now."""
    candidates = list(request.candidates or [])
    species_ids = [c["species_id"] for c in candidates if c.get("species_id")]
    guide_urls, product_summaries = species_links(species_ids)
    body_candidates = []
    for candidate in candidates:
        species_id = candidate.get("species_id")
        body_candidates.append(
            {
                "scientific_name": candidate["scientific_name"],
                "common_names": candidate.get("common_names", []),
                "gbif_id": candidate.get("gbif_id"),
                "score": candidate["score"],
                "basis": candidate["basis"],
                "sources": candidate.get("sources", []),
                "care_guide_url": guide_urls.get(species_id) if species_id else None,
                "products": product_summaries.get(species_id, []) if species_id else [],
            }
        )
    error = (
        {"code": request.error_code, "detail": request.error_detail}
        if request.error_code
        else None
    )
    return {
        "id": str(request.id),
        "status": request.status,
        "progress": request.progress,
        "verdict": request.verdict or None,
        "candidates": body_candidates,
        "error": error,
        "backends": {
            name: {"outcome": data.get("outcome"), "error": data.get("error")}
            for name, data in (request.backends or {}).items()
        },
        "created": request.created.isoformat() if request.created else None,
        "finished": request.finished.isoformat() if request.finished else None,
    }


def identification_frame(request: IdentificationRequest) -> dict:
    """What a websocket client should see now: progress, result or error."""
    if request.status == IdentificationStatus.DONE:
        return {"type": "result", **identification_result_body(request)}
    if request.status == IdentificationStatus.FAILED:
        return {
            "type": "error",
            "code": request.error_code or "identification_failed",
            "detail": request.error_detail or "The identification failed.",
        }
    return {
        "type": "progress",
        "status": request.status,
        "progress": request.progress,
        "stage": request.stage or request.status,
    }
