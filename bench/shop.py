"""Shop speed: catalogue, a category, a product page, search, basket add and a
full guest checkout, on gunicorn (2 workers, production settings).

Reads are loaded with the keep-alive generator (req/s, p99); the two POST
flows run from a few threads, each a fresh visitor with its own cookies and
CSRF token (ops/s, p99). Queries per page are counted in-process with the
same database. Bounded by ``--seconds`` per measurement.

    python -m bench.shop --database-url postgres://.../canopy_shop

The database must hold the demo catalogue (``manage.py load_demo``). The
checkout bench places real orders against one product whose stock it tops up.
"""

import argparse
import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.app_servers import (
    free_port,
    server_env,
    server_stop,
    static_collected,
    wait_for,
)
from bench.loadgen import load_run

BASE_DIR = Path(__file__).resolve().parents[1]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Emails run on the worker in production; keep them out of the counts.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    import django

    django.setup()


def _targets() -> dict[str, str]:
    from oscar.core.loading import get_model

    product_model = get_model("catalogue", "Product")
    category_model = get_model("catalogue", "Category")
    product = (
        product_model.objects.filter(product_class__slug="plant", is_public=True)
        .order_by("pk")
        .first()
    )
    category = category_model.objects.get(name="Indoor", depth=1)
    return {
        "catalogue": "/shop/catalogue/",
        "category (filtered)": category.get_absolute_url()
        + "?light=bright_indirect&sort=price-asc",
        "product page": product.get_absolute_url(),
        "search (typo)": "/shop/search/?q=monstra",
        "_product_id": str(product.pk),
    }


def _queries_per_page(targets: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for label, path in targets.items():
        if label.startswith("_"):
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[label] = len(queries.captured_queries)
    return counts


def _order_queries(product_id: int) -> int:
    """Queries of the place-order POST of one guest checkout."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shop.tests.checkout_flow import checkout_to_preview

    client = Client()
    client.post(reverse("basket:add", kwargs={"pk": product_id}), {"quantity": 1})
    checkout_to_preview(client, email="bench@example.com")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.status_code
    return len(queries.captured_queries)


def _stock_top_up(product_id: int) -> None:
    from oscar.core.loading import get_model

    get_model("partner", "StockRecord").objects.filter(product_id=product_id).update(
        num_in_stock=1_000_000
    )


class Visitor:
    """A browser stand-in over plain HTTP to a server with production
    settings: says it came through the TLS proxy, carries cookies itself
    (they are Secure) and posts the CSRF token with a same-origin Referer."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = base.replace("http://", "https://")
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=30, follow_redirects=False)

    def _headers(self, path: str) -> dict[str, str]:
        return {
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for name, value in response.cookies.items():
            self.cookies[name] = value
        return response

    def get(self, path: str) -> httpx.Response:
        return self._keep(self.http.get(self.base + path, headers=self._headers(path)))

    def post(self, path: str, data: dict, token_from: str) -> httpx.Response:
        page = self.get(token_from)
        match = CSRF_INPUT.search(page.text)
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        return self._keep(
            self.http.post(
                self.base + path,
                data={**data, "csrfmiddlewaretoken": token},
                headers=self._headers(path),
            )
        )


def _basket_add(base: str, targets: dict[str, str]) -> bool:
    visitor = Visitor(base)
    product = targets["product page"]
    response = visitor.post(
        f"/shop/basket/add/{targets['_product_id']}/", {"quantity": 1}, product
    )
    return response.status_code == 302


def _checkout(base: str, targets: dict[str, str]) -> bool:
    from shop.tests.checkout_flow import ADDRESS

    visitor = Visitor(base)
    steps = [
        (f"/shop/basket/add/{targets['_product_id']}/", {"quantity": 1}, targets["product page"]),
        ("/shop/checkout/", {"username": "bench@example.com", "options": "anonymous"}, "/shop/checkout/"),
        ("/shop/checkout/shipping-address/", ADDRESS, "/shop/checkout/shipping-address/"),
        ("/shop/checkout/shipping-method/", {"method_code": "standard"}, "/shop/checkout/shipping-method/"),
        ("/shop/checkout/payment-method/", {"method": "bank-transfer"}, "/shop/checkout/payment-method/"),
        ("/shop/checkout/preview/", {"action": "place_order"}, "/shop/checkout/preview/"),
    ]  # fmt: skip
    response = None
    for path, data, token_from in steps:
        response = visitor.post(path, data, token_from)
        if response.status_code != 302:
            return False
    return "thank-you" in response.headers.get("location", "")


def _ops(flow, base: str, targets: dict, *, seconds: float, threads: int) -> dict:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok = flow(base, targets)
            with lock:
                latencies.append(time.monotonic() - started)
                failures[0] += 0 if ok else 1

    started = time.monotonic()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {
        "ops": len(latencies),
        "failures": failures[0],
        "ops_per_s": round(len(latencies) / elapsed, 2),
        "p99_ms": round(p99 * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    _django_setup(args.database_url)
    targets = _targets()
    _stock_top_up(int(targets["_product_id"]))
    queries = _queries_per_page(targets)
    queries["place order (POST)"] = _order_queries(int(targets["_product_id"]))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(args.database_url, args.redis_url, "gunicorn-sync")
    env["CSRF_TRUSTED_ORIGINS"] = base.replace("http://", "https://")
    static_collected(env)
    log = open(BASE_DIR / "var" / "bench-shop.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
            "--log-level", "warning", "config.wsgi:application",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    rows = []
    try:
        wait_for(port, process)
        for label, path in targets.items():
            if label.startswith("_"):
                continue
            asyncio.run(
                load_run(
                    host="127.0.0.1", port=port, paths=[path], duration=2, concurrency=4
                )
            )
            outcome = asyncio.run(
                load_run(
                    host="127.0.0.1",
                    port=port,
                    paths=[path],
                    duration=args.seconds,
                    concurrency=args.concurrency,
                )
            ).summary()
            rows.append(
                f"| {label} | {outcome['req_per_s']} req/s | {outcome['p99_ms']} ms "
                f"| {queries[label]} | {outcome['errors']} errors, statuses {outcome['statuses']} |"
            )
            print(rows[-1], flush=True)
        for label, flow in (("basket add (POST, session + CSRF)", _basket_add),
                            ("guest checkout (6 POSTs)", _checkout)):  # fmt: skip
            outcome = _ops(
                flow, base, targets, seconds=args.seconds, threads=args.threads
            )
            query_note = queries["place order (POST)"] if flow is _checkout else "n/a"
            rows.append(
                f"| {label} | {outcome['ops_per_s']} ops/s | {outcome['p99_ms']} ms "
                f"| {query_note} | {outcome['ops']} ops, {outcome['failures']} failures |"
            )
            print(rows[-1], flush=True)
    finally:
        server_stop(process, log)
    print("| what | rate | p99 | queries | notes |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
