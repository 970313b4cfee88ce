"""Identification figures: cache hits, POST to result, the offline matcher, parallel backends.

    DATABASE_URL=postgres://.../canopy_x REDIS_URL=redis://127.0.0.1:6379/n \\
        python -m bench.identify

The database must be migrated and hold the demo species (``manage.py
load_demo``); REDIS_URL is needed for the worker measurement (skipped
without it). Prints a Markdown block for bench/RESULTS.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402

import numpy as np  # noqa: E402

from config.demo.illustrations import image_to_jpeg_bytes, plant_illustration  # noqa: E402
from config.demo.plants import plant_facts_list  # noqa: E402
from identify.backends.base import PhotoInput  # noqa: E402
from identify.backends.local import ReferenceIndex, photo_features  # noqa: E402
from identify.backends.plantid import PlantIdBackend  # noqa: E402
from identify.backends.plantnet import PlantNetBackend  # noqa: E402
from identify.combining import backends_call  # noqa: E402
from identify.models import IdentificationRequest, Species  # noqa: E402
from identify.services import species_links_invalidate  # noqa: E402
from identify.tests.fake_services import fake_service_start, payload  # noqa: E402


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def _client() -> Client:
    settings.ALLOWED_HOSTS = ["*"]
    settings.IDENTIFY_RATE_LIMIT_PER_HOUR = 1_000_000
    return Client()


def _photo(name: str, variant: int, size: int) -> bytes:
    return image_to_jpeg_bytes(plant_illustration(name, variant=variant, size=size), 90)


def bench_cache_hit(runs: int) -> list[str]:
    """Server time of POST /api/identify/ answered from the result cache."""
    client = _client()
    lines = []
    for size in (800, 1500):
        photo = _photo("Monstera deliciosa", 900 + size, size)
        first = client.post(
            "/api/identify/", {"image": SimpleUploadedFile("p.jpg", photo)}
        )
        assert first.status_code in (200, 202), first.content
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.post(
                "/api/identify/", {"image": SimpleUploadedFile("p.jpg", photo)}
            )
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        lines.append(
            f"| cache hit, {size} px JPEG ({len(photo) // 1024} kB), whole Django stack | "
            f"{_ms(timings)} | {runs} |"
        )
    # The first hit after a guide, product or stock change (or once the
    # links' short timeout lapses) resolves the live links again.
    timings = []
    for _ in range(runs):
        species_links_invalidate()
        started = time.perf_counter()
        response = client.post(
            "/api/identify/", {"image": SimpleUploadedFile("p.jpg", photo)}
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    lines.append(
        f"| cache hit, {size} px JPEG, links just retired (first hit after a "
        f"guide/product change) | {_ms(timings)} | {runs} |"
    )
    return lines


def bench_post_to_result(runs: int, *, worker: bool) -> str:
    """POST until the result is stored and published (request.finished)."""
    client = _client()
    timings = []
    for index in range(runs):
        # a photo never identified before (no cache hit): a fresh variant
        photo = _photo("Pilea peperomioides", time.time_ns() % 10**9 + index, 800)
        started_wall = time.time()
        response = client.post(
            "/api/identify/", {"image": SimpleUploadedFile("p.jpg", photo)}
        )
        assert response.status_code == 202, response.status_code
        request_id = response.json()["id"]
        deadline = time.monotonic() + 60
        while True:
            request = IdentificationRequest.objects.only("status", "finished").get(
                pk=request_id
            )
            if request.is_finished:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("no result within 60 s")
            time.sleep(0.005)
        timings.append(request.finished.timestamp() - started_wall)
    mode = "Celery worker over Redis" if worker else "eager (make run)"
    return f"| POST → result frame, local backend, {Species.objects.count()} species demo library, {mode} | {_ms(timings)} | {runs} |"


def bench_matcher(reference_count: int) -> list[str]:
    """Per-query time against an in-memory index of ~1,000 reference photos."""
    names = [facts.scientific_name for facts in plant_facts_list()]
    per_species = max(1, reference_count // len(names))
    vectors, labels, queries = [], [], []
    build_started = time.perf_counter()
    for label, name in enumerate(names):
        for variant in range(per_species):
            vectors.append(photo_features(_photo(name, variant, 400)).descriptor)
            labels.append(label)
    drawing_and_features = time.perf_counter() - build_started
    for label, name in enumerate(names):
        for variant in range(per_species, per_species + 3):
            queries.append((label, _photo(name, variant, 1500)))
    index = ReferenceIndex(("bench",), np.stack(vectors), np.array(labels))

    feature_times, search_times, correct = [], [], 0
    for label, data in queries:
        started = time.perf_counter()
        features = photo_features(data)
        feature_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        best = index.best_per_species(features.descriptor)
        search_times.append(time.perf_counter() - started)
        correct += max(best, key=best.get) == label
    total = [f + s for f, s in zip(feature_times, search_times, strict=True)]
    return [
        f"| matcher: descriptor of one 1500 px query photo | {_ms(feature_times)} | {len(queries)} |",
        f"| matcher: search {len(vectors)} reference vectors (numpy, per species best) | {_ms(search_times)} | {len(queries)} |",
        f"| matcher: whole query vs {len(vectors)} references | {_ms(total)} | {len(queries)} |",
        f"| matcher: indexing {len(vectors)} reference photos (draw 400 px + descriptor) | {drawing_and_features:.1f} s total | 1 |",
        f"| matcher: top-1 on unseen drawings of the 14 species (held-out variants) | {correct}/{len(queries)} = {correct / len(queries):.0%} | {len(queries)} |",
    ]


def bench_parallel(runs: int, delay: float) -> list[str]:
    (plantid_fake, plantid_server), (plantnet_fake, plantnet_server) = (
        fake_service_start(),
        fake_service_start(),
    )
    try:
        backends = [
            PlantIdBackend(api_key="k", base_url=plantid_fake.url, timeout=10),
            PlantNetBackend(
                api_key="k", base_url=plantnet_fake.url, project="all", timeout=10
            ),
        ]
        photos = [PhotoInput(data=_photo("Aloe vera", 1, 800), organ="leaf")]
        parallel, sequential = [], []
        for _ in range(runs):
            for calls in (parallel, sequential):
                plantid_fake.queue(payload("plantid_success", delay=delay))
                plantnet_fake.queue(payload("plantnet_success", delay=delay))
                started = time.perf_counter()
                if calls is parallel:
                    outcomes = backends_call(backends, photos)
                    assert all(o.outcome == "ok" for o in outcomes), outcomes
                else:
                    for backend in backends:
                        backend.identify(photos)
                calls.append(time.perf_counter() - started)
    finally:
        for server in (plantid_server, plantnet_server):
            server.shutdown()
            server.server_close()
    return [
        f"| two fake backends answering in {delay * 1000:.0f} ms each, combining service (parallel) | {_ms(parallel)} | {runs} |",
        f"| the same two called one after the other (sequential) | {_ms(sequential)} | {runs} |",
    ]


def _worker_start() -> subprocess.Popen:
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="0")
    process = subprocess.Popen(  # fixed argv
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "identify",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the bench worker did not start")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--references", type=int, default=1000)
    args = parser.parse_args()
    if not Species.objects.exists():
        sys.exit("Load the demo first: manage.py load_demo")

    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    rows = []
    rows += bench_cache_hit(args.runs * 3)
    rows.append(bench_post_to_result(args.runs, worker=False))
    if settings.REDIS_URL:
        app.conf.task_always_eager = False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        worker = _worker_start()
        try:
            rows.append(bench_post_to_result(args.runs, worker=True))
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    rows += bench_matcher(args.references)
    rows += bench_parallel(10, 0.5)
    print("| measurement | result | runs |")
    print("|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
