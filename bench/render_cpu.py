"""Uncached render CPU per page, in-process: what a page costs Django itself.

Production settings, page cache off, an anonymous visitor; each request is
timed with ``time.process_time()`` around Django's test client, so no
server, socket or load generator is counted. Two columns per page:

- warm: the page cache is off but everything else the render keeps (routes,
  fragments, cards, renditions) is there: a page cache miss after the entry
  expired, or a query string the cache does not keep;
- after a publish: the site tag is bumped before every request, which
  retires every route, listing and fragment, as the first view after an
  editor publishes does (product cards and renditions stay).

Prints the best request and the median of the round medians, and the
queries of one warm view.

    python -m bench.render_cpu --database-url postgres://.../canopy_bench \\
        --redis-url redis://127.0.0.1:6379/9 [--rounds 3 --requests 30]
    python -m bench.render_cpu ... --profile "an article"   # cProfile, top 40

The database must hold the demo content (``manage.py load_demo``).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time

from bench.app_servers import server_env, static_collected
from bench.pages import PAGES


def _setup(database_url: str, redis_url: str) -> None:
    env = server_env(database_url, redis_url, "gunicorn-sync")
    static_collected(env)
    os.environ.update(env, CMS_PAGE_CACHE="0")
    import django

    django.setup()


def _client():
    from django.test import Client

    # A host the production settings allow and the demo site answers.
    return Client(HTTP_HOST="localhost")


def _timed(client, path: str, before=None) -> float:
    if before is not None:
        before()
    start = time.process_time()
    client.get(path)
    return (time.process_time() - start) * 1000


def _summary(rounds: list[list[float]]) -> tuple[float, float]:
    best = min(min(timings) for timings in rounds)
    median = statistics.median(statistics.median(timings) for timings in rounds)
    return round(best, 1), round(median, 1)


def measure(rounds: int, requests: int) -> dict[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.page_cache import SITE_TAG, page_cache_purge

    def publish() -> None:
        page_cache_purge([SITE_TAG])

    client = _client()
    for path in PAGES.values():  # renditions, templates, settings, fragments
        for _ in range(3):
            assert client.get(path).status_code == 200, path
    warm: dict[str, list[list[float]]] = {label: [] for label in PAGES}
    published: dict[str, list[list[float]]] = {label: [] for label in PAGES}
    for _ in range(rounds):
        for label, path in PAGES.items():
            warm[label].append([_timed(client, path) for _ in range(requests)])
            published[label].append(
                [_timed(client, path, before=publish) for _ in range(requests)]
            )
    results = {}
    for label, path in PAGES.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        warm_min, warm_median = _summary(warm[label])
        published_min, published_median = _summary(published[label])
        results[label] = {
            "queries": len(queries),
            "warm_min_ms": warm_min,
            "warm_median_ms": warm_median,
            "published_min_ms": published_min,
            "published_median_ms": published_median,
        }
    return results


def profile(label: str, requests: int) -> None:
    client = _client()
    path = PAGES[label]
    for _ in range(3):
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", choices=list(PAGES))
    args = parser.parse_args()
    _setup(args.database_url, args.redis_url)
    if args.profile:
        profile(args.profile, args.requests)
        return
    load = os.getloadavg()[0]
    results = measure(args.rounds, args.requests)
    print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
    print(
        "| page | queries (warm) | CPU ms warm, min / median "
        "| CPU ms after a publish, min / median |"
    )
    print("|---|---|---|---|")
    for label, figures in results.items():
        print(
            f"| {label} | {figures['queries']} "
            f"| {figures['warm_min_ms']} / {figures['warm_median_ms']} "
            f"| {figures['published_min_ms']} / {figures['published_median_ms']} |"
        )


if __name__ == "__main__":
    main()
