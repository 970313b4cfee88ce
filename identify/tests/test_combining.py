"""The combining service: parallel calls, timeouts, partial results, name joins, verdicts."""

import time

import pytest

from identify.backends.base import (
    BackendCandidate,
    BackendRateLimited,
    BackendResult,
    PhotoInput,
)
from identify.combining import (
    BackendOutcome,
    SpeciesLookup,
    backends_call,
    candidates_merge,
    scientific_name_normalise,
    verdict_decide,
)

from .factories import SpeciesFactory

PHOTOS = [PhotoInput(data=b"jpeg", organ="leaf")]


class SlowBackend:
    def __init__(self, name, delay, *, timeout=5.0, result=None, error=None):
        self.name, self.delay, self.timeout = name, delay, timeout
        self.result, self.error = result, error

    def identify(self, photos):
        time.sleep(self.delay)
        if self.error:
            raise self.error
        return self.result or BackendResult(
            backend=self.name, candidates=[], is_plant=True
        )


def test_backends_run_in_parallel_with_partial_results():
    # Given one backend that answers in 0.3 s, one that fails with 429 after
    # 0.1 s and one that would take 5 s but may only take 0.4 s
    good = SlowBackend(
        "plantnet",
        0.3,
        result=BackendResult(
            backend="plantnet",
            candidates=[BackendCandidate("Monstera deliciosa", 0.8, gbif_id=2868241)],
        ),
    )
    failing = SlowBackend(
        "plantid", 0.1, error=BackendRateLimited("rate_limited", "no credits")
    )
    hanging = SlowBackend("slow", 5.0, timeout=0.4)
    seen = []

    # When they are called together
    started = time.monotonic()
    outcomes = backends_call(
        [good, failing, hanging], PHOTOS, on_outcome=lambda o: seen.append(o.backend)
    )
    elapsed = time.monotonic() - started

    # Then wall time is the slowest deadline (0.4 s), not the sum (5.4 s)
    assert 0.35 < elapsed < 0.9
    by_name = {o.backend: o for o in outcomes}
    assert by_name["plantnet"].outcome == "ok"
    assert (
        by_name["plantid"].outcome,
        by_name["plantid"].error_code,
        by_name["plantid"].retryable,
    ) == (
        "failed",
        "rate_limited",
        True,
    )
    assert (by_name["slow"].outcome, by_name["slow"].error_code) == (
        "failed",
        "timeout",
    )
    # progress is reported as each one finishes, in finishing order
    assert seen == ["plantid", "plantnet", "slow"]


def test_parallel_wall_time_is_the_slowest_not_the_sum():
    backends = [SlowBackend("a", 0.4), SlowBackend("b", 0.4)]
    started = time.monotonic()
    backends_call(backends, PHOTOS)
    assert time.monotonic() - started < 0.7


def test_a_crashing_backend_is_a_failure_not_a_crash():
    class Broken:
        name, timeout = "broken", 1.0

        def identify(self, photos):
            raise RuntimeError("bug")

    [outcome] = backends_call([Broken()], PHOTOS)
    assert (outcome.outcome, outcome.error_code, outcome.retryable) == (
        "failed",
        "backend_error",
        False,
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Sansevieria trifasciata Prain", "sansevieria trifasciata"),
        ("Monstera  deliciosa Liebm.", "monstera deliciosa"),
        ("Goeppertia orbifolia (Linden) Borchs. & S.Suárez", "goeppertia orbifolia"),
        ("Hibiscus rosa-sinensis L.", "hibiscus rosa-sinensis"),
        (
            "Nephrolepis exaltata var. bostoniensis",
            "nephrolepis exaltata var. bostoniensis",
        ),
        ("Philodendron × hybridum", "philodendron hybridum"),
    ],
)
def test_scientific_name_normalise(raw, normalised):
    assert scientific_name_normalise(raw) == normalised


@pytest.mark.django_db
def test_names_join_on_gbif_then_synonym_then_name_and_agreement_raises_score():
    # Given a library where the snake plant is filed under its current name
    snake = SpeciesFactory(
        scientific_name="Dracaena trifasciata",
        synonyms=["Sansevieria trifasciata"],
        gbif_id=11041822,
        common_names=["snake plant"],
    )
    monstera = SpeciesFactory(scientific_name="Monstera deliciosa", gbif_id=2868241)
    outcomes = [
        BackendOutcome(
            "plantid",
            "ok",
            10,
            BackendResult(
                "plantid",
                # an older GBIF id we do not store, and the synonym with authorship
                [
                    BackendCandidate(
                        "Sansevieria trifasciata Prain", 0.6, gbif_id=2771429
                    )
                ],
                is_plant=True,
            ),
        ),
        BackendOutcome(
            "plantnet",
            "ok",
            10,
            BackendResult(
                "plantnet",
                [
                    BackendCandidate("Dracaena trifasciata", 0.5, gbif_id=11041822),
                    BackendCandidate("Monstera deliciosa", 0.1, gbif_id=2868241),
                    BackendCandidate(
                        "Ficus elastica", 0.05, common_names=("rubber plant",)
                    ),
                ],
            ),
        ),
        BackendOutcome(
            "local",
            "ok",
            3,
            BackendResult(
                "local",
                [
                    BackendCandidate(
                        "Monstera deliciosa",
                        0.2,
                        basis="visual_match",
                        species_id=monstera.id,
                    )
                ],
            ),
        ),
    ]

    merged = candidates_merge(outcomes, SpeciesLookup.load())

    assert [c["scientific_name"] for c in merged] == [
        "Dracaena trifasciata",
        "Monstera deliciosa",
        "Ficus elastica",
    ]
    top = merged[0]
    assert top["species_id"] == snake.id
    assert top["sources"] == ["plantid", "plantnet"]
    assert top["score"] == pytest.approx(0.6 + 0.4 * 0.5 * 0.5)
    assert top["gbif_id"] == 11041822
    assert top["common_names"] == ["snake plant"]
    assert top["basis"] == "species"
    assert merged[1]["sources"] == ["local", "plantnet"]
    assert merged[1]["basis"] == "species"
    assert merged[2]["species_id"] is None
    assert merged[2]["common_names"] == ["rubber plant"]


def _outcome(backend, candidates, is_plant=None):
    return BackendOutcome(
        backend, "ok", 1, BackendResult(backend, [], is_plant=is_plant)
    )


@pytest.mark.parametrize(
    ("outcomes", "candidates", "verdict"),
    [
        ([_outcome("plantnet", [], is_plant=False)], [], "not_a_plant"),
        ([_outcome("local", [], is_plant=False)], [], "not_a_plant"),
        ([_outcome("plantnet", [], is_plant=True)], [], "no_match"),
        (
            [_outcome("plantid", [], True)],
            [{"score": 0.3, "basis": "species"}],
            "uncertain",
        ),
        (
            [_outcome("plantid", [], True)],
            [{"score": 0.9, "basis": "species"}],
            "identified",
        ),
        # look-alikes without a clear lead are not a match
        (
            [_outcome("local", [], True)],
            [
                {"score": 0.8, "basis": "visual_match"},
                {"score": 0.78, "basis": "visual_match"},
            ],
            "uncertain",
        ),
        (
            [_outcome("local", [], True)],
            [
                {"score": 0.9, "basis": "visual_match"},
                {"score": 0.7, "basis": "visual_match"},
            ],
            "identified",
        ),
        # the offline matcher's "no green" guess loses to a remote service
        (
            [_outcome("local", [], False), _outcome("plantid", [], True)],
            [{"score": 0.9, "basis": "species"}],
            "identified",
        ),
    ],
)
def test_verdicts(outcomes, candidates, verdict):
    assert verdict_decide(outcomes, candidates, threshold=0.5) == verdict
