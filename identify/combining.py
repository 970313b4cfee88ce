"""Calls the enabled backends in parallel and merges their answers.

Remote backends run in threads, each with its own deadline, while the local
matcher runs in the calling thread (it is CPU work on the database's
reference index, so it needs no extra connection); wall time is the slowest
backend, not the sum. Names are joined against the species library on GBIF
id first and on the normalised scientific name second (authorship dropped,
synonyms included).
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field

from .backends.base import (
    BackendCandidate,
    BackendError,
    BackendResult,
    IdentificationBackend,
    PhotoInput,
)
from .models import Species, Verdict

logger = logging.getLogger(__name__)

# Measured on the demo drawings: a correct look-alike leads the runner-up by a
# median of 0.085.
VISUAL_MATCH_MARGIN = 0.05
INFRASPECIFIC_RANKS = {"var.", "subsp.", "ssp.", "f.", "var", "subsp"}


@dataclass
class BackendOutcome:
    backend: str
    outcome: str  # "ok" | "failed"
    duration_ms: int
    result: BackendResult | None = None
    error_code: str = ""
    error_detail: str = ""
    retryable: bool = False
    retry_after: float | None = None

    def as_json(self) -> dict:
        data = {
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
            "error": (
                {"code": self.error_code, "detail": self.error_detail}
                if self.outcome == "failed"
                else None
            ),
        }
        if self.result is not None:
            data["is_plant"] = self.result.is_plant
            data["remaining_requests"] = self.result.remaining_requests
            data["candidates"] = [asdict(c) for c in self.result.candidates]
        return data

    @classmethod
    def from_json(cls, backend: str, data: dict) -> BackendOutcome:
        result = None
        if data.get("outcome") == "ok":
            result = BackendResult(
                backend=backend,
                candidates=[
                    BackendCandidate(**{**c, "common_names": tuple(c["common_names"])})
                    for c in data.get("candidates", [])
                ],
                is_plant=data.get("is_plant"),
                remaining_requests=data.get("remaining_requests"),
            )
        error = data.get("error") or {}
        return cls(
            backend=backend,
            outcome=data.get("outcome", "failed"),
            duration_ms=data.get("duration_ms", 0),
            result=result,
            error_code=error.get("code", ""),
            error_detail=error.get("detail", ""),
        )


def _call(
    backend: IdentificationBackend, photos: Sequence[PhotoInput]
) -> BackendOutcome:
    started = time.perf_counter()
    try:
        result = backend.identify(photos)
    except BackendError as error:
        return BackendOutcome(
            backend=backend.name,
            outcome="failed",
            duration_ms=int((time.perf_counter() - started) * 1000),
            error_code=error.code,
            error_detail=error.detail,
            retryable=error.retryable,
            retry_after=error.retry_after,
        )
    except Exception:  # noqa: BLE001 - one backend's bug must not sink the others
        logger.exception("identification backend %s crashed", backend.name)
        return BackendOutcome(
            backend=backend.name,
            outcome="failed",
            duration_ms=int((time.perf_counter() - started) * 1000),
            error_code="backend_error",
            error_detail=f"{backend.name} failed unexpectedly.",
        )
    return BackendOutcome(
        backend=backend.name,
        outcome="ok",
        duration_ms=int((time.perf_counter() - started) * 1000),
        result=result,
    )


def backends_call(
    backends: Sequence[IdentificationBackend],
    photos: Sequence[PhotoInput],
    *,
    on_outcome: Callable[[BackendOutcome], None] | None = None,
) -> list[BackendOutcome]:
    """Run every backend at once; a backend past its ``timeout`` is reported
    as a retryable ``timeout`` failure and abandoned (its thread is not
    waited for)."""
    notify = on_outcome or (lambda outcome: None)
    inline = [backend for backend in backends if getattr(backend, "runs_inline", False)]
    threaded = [backend for backend in backends if backend not in inline]
    outcomes: list[BackendOutcome] = []
    started = time.monotonic()
    executor = ThreadPoolExecutor(
        max_workers=max(1, len(threaded)), thread_name_prefix="identify"
    )
    try:
        futures: dict[Future, IdentificationBackend] = {
            executor.submit(_call, backend, photos): backend for backend in threaded
        }
        for backend in inline:
            outcome = _call(backend, photos)
            outcomes.append(outcome)
            notify(outcome)
        pending = set(futures)
        while pending:
            now = time.monotonic()
            next_deadline = min(started + futures[f].timeout for f in pending)
            done, pending = wait(
                pending,
                timeout=max(0.0, next_deadline - now),
                return_when=FIRST_COMPLETED,
            )
            for future in done:
                outcome = future.result()
                outcomes.append(outcome)
                notify(outcome)
            now = time.monotonic()
            for future in list(pending):
                backend = futures[future]
                if now >= started + backend.timeout:
                    pending.discard(future)
                    future.cancel()
                    outcome = BackendOutcome(
                        backend=backend.name,
                        outcome="failed",
                        duration_ms=int((now - started) * 1000),
                        error_code="timeout",
                        error_detail=f"{backend.name} did not answer within {backend.timeout:g} s.",
                        retryable=True,
                    )
                    outcomes.append(outcome)
                    notify(outcome)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    return outcomes


# --- joining names -------------------------------------------------------------


def scientific_name_normalise(name: str) -> str:
    """Genus + epithet (+ infraspecific rank and name), lower case, no
    authorship, accents or hybrid sign: "Sansevieria trifasciata Prain" and
    "sansevieria  trifasciata" are the same key."""
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    )
    tokens = [t for t in ascii_name.replace("×", " ").lower().split() if t != "x"]
    if len(tokens) >= 4 and tokens[2] in INFRASPECIFIC_RANKS:
        tokens = tokens[:4]
    else:
        tokens = tokens[:2]
    return " ".join(tokens)


@dataclass
class SpeciesLookup:
    by_gbif: dict[int, Species] = field(default_factory=dict)
    by_name: dict[str, Species] = field(default_factory=dict)
    by_id: dict[int, Species] = field(default_factory=dict)

    @classmethod
    def load(cls) -> SpeciesLookup:
        lookup = cls()
        for species in Species.objects.only(
            "id", "scientific_name", "synonyms", "gbif_id", "common_names"
        ):
            lookup.by_id[species.id] = species
            if species.gbif_id:
                lookup.by_gbif[species.gbif_id] = species
            for name in [species.scientific_name, *species.synonyms]:
                lookup.by_name.setdefault(scientific_name_normalise(name), species)
        return lookup

    def resolve(self, candidate: BackendCandidate) -> Species | None:
        if candidate.species_id is not None and candidate.species_id in self.by_id:
            return self.by_id[candidate.species_id]
        if candidate.gbif_id is not None and candidate.gbif_id in self.by_gbif:
            return self.by_gbif[candidate.gbif_id]
        return self.by_name.get(scientific_name_normalise(candidate.scientific_name))


def candidates_merge(
    outcomes: Sequence[BackendOutcome], lookup: SpeciesLookup
) -> list[dict]:
    """One candidate per plant across backends, best first.

    Agreement raises confidence: the merged score is the best source's plus
    half of the second best's share of what is left.
    """
    groups: dict[str, dict] = {}
    for outcome in outcomes:
        if outcome.result is None:
            continue
        for candidate in outcome.result.candidates:
            species = lookup.resolve(candidate)
            if species is not None:
                key = f"species:{species.id}"
            elif candidate.gbif_id is not None:
                key = f"gbif:{candidate.gbif_id}"
            else:
                key = f"name:{scientific_name_normalise(candidate.scientific_name)}"
            group = groups.setdefault(
                key,
                {
                    "species": species,
                    "scientific_name": candidate.scientific_name,
                    "common_names": list(candidate.common_names),
                    "gbif_id": candidate.gbif_id,
                    "scores": {},
                    "bases": set(),
                },
            )
            source = outcome.backend
            group["scores"][source] = max(
                group["scores"].get(source, 0.0), candidate.score
            )
            group["bases"].add(candidate.basis)
            if group["gbif_id"] is None:
                group["gbif_id"] = candidate.gbif_id
            if not group["common_names"]:
                group["common_names"] = list(candidate.common_names)
    merged = []
    for group in groups.values():
        scores = sorted(group["scores"].values(), reverse=True)
        score = scores[0]
        if len(scores) > 1:
            score += (1 - score) * 0.5 * scores[1]
        species: Species | None = group["species"]
        merged.append(
            {
                "scientific_name": species.scientific_name
                if species
                else group["scientific_name"],
                "common_names": (
                    list(species.common_names)
                    if species and species.common_names
                    else group["common_names"]
                ),
                "gbif_id": (
                    species.gbif_id if species and species.gbif_id else group["gbif_id"]
                ),
                "score": round(min(1.0, score), 4),
                "basis": "species" if "species" in group["bases"] else "visual_match",
                "sources": sorted(group["scores"]),
                "species_id": species.id if species else None,
            }
        )
    merged.sort(key=lambda c: (-c["score"], c["scientific_name"]))
    return merged


def verdict_decide(
    outcomes: Sequence[BackendOutcome], candidates: list[dict], *, threshold: float
) -> str:
    judged = [
        (outcome.backend, outcome.result.is_plant)
        for outcome in outcomes
        if outcome.result is not None and outcome.result.is_plant is not None
    ]
    remote_judgements = [is_plant for backend, is_plant in judged if backend != "local"]
    says_not_plant = (
        any(is_plant is False for is_plant in remote_judgements)
        if remote_judgements
        else any(is_plant is False for _, is_plant in judged)
    )
    species_candidates = [c for c in candidates if c["basis"] == "species"]
    if says_not_plant and not any(c["score"] >= threshold for c in species_candidates):
        return Verdict.NOT_A_PLANT
    if not candidates:
        return Verdict.NO_MATCH
    if candidates[0]["score"] < threshold:
        return Verdict.UNCERTAIN
    # Look-alike scores crowd together (a green leaf is a green leaf): only a
    # clear lead over the runner-up counts as a match.
    if (
        candidates[0]["basis"] == "visual_match"
        and len(candidates) > 1
        and candidates[0]["score"] - candidates[1]["score"] < VISUAL_MATCH_MARGIN
    ):
        return Verdict.UNCERTAIN
    return Verdict.IDENTIFIED
