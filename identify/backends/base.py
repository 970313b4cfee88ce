"""The seam between identification and the services that identify plants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Basis = Literal["species", "visual_match"]


@dataclass(frozen=True)
class PhotoInput:
    """A normalised photo: JPEG bytes without metadata, at most 1500 px a side."""

    data: bytes
    organ: str = "auto"


@dataclass(frozen=True)
class BackendCandidate:
    scientific_name: str
    score: float  # 0..1 as the backend reports it
    basis: Basis = "species"
    common_names: tuple[str, ...] = ()
    gbif_id: int | None = None
    species_id: int | None = None  # set when the backend already knows our species


@dataclass(frozen=True)
class BackendResult:
    backend: str
    candidates: list[BackendCandidate] = field(default_factory=list)
    # True/False when the backend judged it, None when it cannot tell.
    is_plant: bool | None = None
    remaining_requests: int | None = None


class BackendError(Exception):
    """A backend could not answer. ``retryable`` errors (429, 5xx, timeouts,
    network) may succeed later; the others (bad key, bad image, malformed
    reply) will not, so they are never retried."""

    retryable = False

    def __init__(self, code: str, detail: str, *, retry_after: float | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


class BackendUnavailable(BackendError):
    retryable = True


class BackendRateLimited(BackendError):
    retryable = True


class BackendRejected(BackendError):
    retryable = False


class IdentificationBackend(Protocol):
    name: str
    timeout: float

    def identify(self, photos: Sequence[PhotoInput]) -> BackendResult:
        """Identify one plant from 1-5 photos; raise ``BackendError`` on failure."""
        ...
