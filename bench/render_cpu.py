"""Uncached render CPU per page, in-process: what a page costs Django itself.

Production settings, page cache off, an anonymous visitor; each request is
timed with ``time.process_time()`` around Django's test client, so no
server, socket or load generator is counted. Two columns per page:

- warm: the page cache is off but everything else the render keeps (routes,
  fragments, cards, renditions) is there: a page cache miss after the entry
  expired, or a query string the cache does not keep;
- after a publish: the site tag is bumped before every request, which
  retires the listings, related links and page tags, as the first view
  after an editor publishes another page does;
- whole: the tree tag is bumped too (a page moved, an image replaced),
  which also retires routes and page bodies: the page is rendered whole but
  for its listing cards and priced product cards.

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


def _cpu_ticks() -> list[int]:
    """The machine's CPU time counters (/proc/stat's first line)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:]]


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

    from cms.page_cache import SITE_TAG, TREE_TAG, page_cache_purge

    columns = {
        "warm": None,
        "published": lambda: page_cache_purge([SITE_TAG]),
        "whole": lambda: page_cache_purge([TREE_TAG, SITE_TAG]),
    }
    client = _client()
    for path in PAGES.values():  # renditions, templates, settings, fragments
        for _ in range(3):
            assert client.get(path).status_code == 200, path
    timings = {(label, column): [] for label in PAGES for column in columns}
    for _ in range(rounds):
        for label, path in PAGES.items():
            for column, before in columns.items():
                timings[label, column].append(
                    [_timed(client, path, before=before) for _ in range(requests)]
                )
    results = {}
    for label, path in PAGES.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results[label] = {"queries": len(queries)}
        for column in columns:
            results[label][column] = _summary(timings[label, column])
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
    load, ticks = os.getloadavg()[0], _cpu_ticks()
    results = measure(args.rounds, args.requests)
    spent = [after - before for before, after in zip(ticks, _cpu_ticks(), strict=True)]
    # On a virtual machine, time the host gave to others ("steal") inflates
    # process_time figures: say how much there was.
    print(
        f"load average {load:.1f} → {os.getloadavg()[0]:.1f}; "
        f"steal {100 * spent[7] / max(1, sum(spent)):.1f}% of CPU time"
    )
    print(
        "| page | queries (warm) | CPU ms warm, min / median "
        "| after a publish | whole |"
    )
    print("|---|---|---|---|---|")
    for label, figures in results.items():
        cells = " | ".join(
            f"{figures[column][0]} / {figures[column][1]}"
            for column in ("warm", "published", "whole")
        )
        print(f"| {label} | {figures['queries']} | {cells} |")


if __name__ == "__main__":
    main()
