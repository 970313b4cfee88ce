"""Pages (cms): requests/s, p99 and server CPU per request, cached and uncached,
and the edge cache through the production stack against nginx serving the
same bytes from disk.

Runs the project under production settings with gunicorn (2 sync workers, the
app server chosen in RESULTS.md) twice: with the page cache on and with it off
(``CMS_PAGE_CACHE=0``). Each page is loaded from ``--concurrency`` keep-alive
connections for ``--seconds`` after a warm-up; server CPU comes from
/proc (utime + stime of the master and its workers) before and after.
Queries per page are counted in-process with Django's test client on the same
database (uncached, second view, anonymous).

The edge part renders nginx from deploy/nginx (TLS, the edge cache) in front
of a gunicorn with the page cache on, saves each page's bytes as served to a
cookieless visitor into the static directory of the same nginx, and loads
the saved file and the page one after the other with wrk (installed apart:
``apt install wrk``; a Python client could not load nginx hard enough).

    python -m bench.pages --database-url postgres://.../canopy_bench --redis-url redis://127.0.0.1:6379/5

The database must hold the demo content (``manage.py load_demo``). Bounded:
every measurement lasts ``--seconds`` and at most ``--max-requests``.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.app_servers import (
    cpu_seconds,
    free_port,
    server_env,
    server_stop,
    static_collected,
    wait_for,
)
from bench.loadgen import load_run

BASE_DIR = Path(__file__).resolve().parents[1]
PAGES = {
    "/": "/",
    "/articles/": "/articles/",
    "an article": "/articles/reading-the-light-in-your-home/",
    "/guides/": "/guides/",
    "a guide": "/guides/monstera-deliciosa/",
}


def _gunicorn_start(env: dict[str, str], port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def measure_server(*, cached: bool, args) -> dict:
    port = free_port()
    env = server_env(args.database_url, args.redis_url, "gunicorn-sync")
    env["CMS_PAGE_CACHE"] = "1" if cached else "0"
    static_collected(env)
    log = open(BASE_DIR / "var" / f"bench-pages-{cached}.log", "w")  # noqa: SIM115
    process = _gunicorn_start(env, port, log)
    results = {}
    try:
        wait_for(port, process)
        for label, path in PAGES.items():
            asyncio.run(
                load_run(
                    host="127.0.0.1",
                    port=port,
                    paths=[path],
                    duration=1.5,
                    concurrency=4,
                )
            )
            cpu_before = cpu_seconds(process.pid)
            outcome = asyncio.run(
                load_run(
                    host="127.0.0.1",
                    port=port,
                    paths=[path],
                    duration=args.seconds,
                    concurrency=args.concurrency,
                    max_requests=args.max_requests,
                )
            )
            cpu = cpu_seconds(process.pid) - cpu_before
            summary = outcome.summary()
            summary["cpu_ms_per_request"] = (
                round(cpu * 1000 / outcome.requests, 2) if outcome.requests else None
            )
            results[label] = summary
            print("cached" if cached else "uncached", label, summary, flush=True)
    finally:
        server_stop(process, log)
    return results


def count_queries(args) -> dict:
    """Queries of each page's warm anonymous view, page cache off."""
    code = f"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
counts = {{}}
with override_settings(CMS_PAGE_CACHE=False, ALLOWED_HOSTS=["*"]):
    client = Client()
    for label, path in {PAGES!r}.items():
        client.get(path)  # makes missing renditions
        client.get(path)  # reads them from the database into the cache
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[label] = {{"status": status, "queries": len(queries)}}
print(json.dumps(counts))
"""
    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url)
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _wrk(url: str, *, seconds: float, connections: int, fresh: bool = False) -> dict:
    """wrk's requests/s, p50 and p99 for one URL (loopback only)."""
    if not url.startswith(("http://127.0.0.1:", "https://127.0.0.1:")):
        raise ValueError(f"refusing to load a non-loopback address: {url}")
    argv = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        url,
    ]
    if fresh:
        argv[1:1] = ["-H", "Connection: close"]
    output = subprocess.run(
        argv, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout

    def milliseconds(label: str) -> float:
        value, unit = re.search(
            rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M
        ).groups()
        return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)

    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "req_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])),
        "p50_ms": milliseconds("50%"),
        "p99_ms": milliseconds("99%"),
        "non_2xx": int(failed[1]) if failed else 0,
        "socket_errors": errors[1] if errors else "",
    }


def _fetch(url: str) -> tuple[bytes, list[str]]:
    """One cookieless GET through the bench's nginx (its throwaway
    certificate): the body and the cookies set."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, context=context, timeout=30) as response:  # noqa: S310 - loopback
        return response.read(), response.headers.get_all("Set-Cookie") or []


def measure_edge(args) -> dict | None:
    """Cookieless visitors through the production stack: each page from the
    edge cache against the same nginx serving that page's bytes from disk."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    missing = [
        tool
        for tool, found in (
            ("wrk", shutil.which("wrk")),
            ("nginx", Path(nginx).exists()),
            ("openssl", shutil.which("openssl")),
        )
        if not found
    ]
    if missing:
        print(f"edge: not measured, {', '.join(missing)} not installed", flush=True)
        return None
    with tempfile.TemporaryDirectory(prefix="canopy-bench-edge-") as directory:
        root = Path(directory)
        root.chmod(0o755)  # nginx's workers read the saved pages
        (root / "static").mkdir()
        (root / "media").mkdir()
        cert, key = root / "cert.pem", root / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        web_port, https_port, http_port = free_port(), free_port(), free_port()
        base = f"https://127.0.0.1:{https_port}"
        env = server_env(args.database_url, args.redis_url, "gunicorn-sync")
        env.update(CMS_PAGE_CACHE="1", CSRF_TRUSTED_ORIGINS=base)
        static_collected(env)
        subprocess.run(
            [sys.executable, str(BASE_DIR / "deploy" / "nginx" / "render.py"),
             "--out", str(root / "conf"), "--prefix", str(root),
             "--http-server", f"127.0.0.1:{web_port}",
             "--http-listen", f"127.0.0.1:{http_port}", "--https-listen", f"127.0.0.1:{https_port}",
             "--ssl-certificate", str(cert), "--ssl-certificate-key", str(key),
             "--static-root", str(root / "static"), "--media-root", str(root / "media"),
             "--log-dir", str(root), "--worker-processes", "2"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        log = open(BASE_DIR / "var" / "bench-pages-edge.log", "w")  # noqa: SIM115
        app = _gunicorn_start(env, web_port, log)
        proxy = subprocess.Popen(
            [nginx, "-p", str(root), "-c", str(root / "conf" / "nginx.conf"),
             "-g", f"daemon off; error_log {root}/error.log;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        results: dict = {}
        try:
            wait_for(web_port, app)
            wait_for(https_port, proxy)
            for number, (label, path) in enumerate(PAGES.items()):
                body, cookies = _fetch(base + path)
                saved = f"/static/page-{number}.html"
                (root / "static" / f"page-{number}.html").write_bytes(body)
                _fetch(base + path)  # the edge holds it now
                figures = {
                    "bytes": len(body),
                    "csrf_cookie_set": any(c.startswith("csrftoken=") for c in cookies),
                }
                for name, url in (("disk", base + saved), ("edge", base + path)):
                    _wrk(url, seconds=1, connections=args.concurrency)  # warm-up
                    figures[name] = _wrk(
                        url, seconds=args.seconds, connections=args.concurrency
                    )
                figures["ratio"] = round(
                    figures["edge"]["req_per_s"] / figures["disk"]["req_per_s"], 2
                )
                if path == "/":
                    for name, url in (
                        ("disk_fresh", base + saved),
                        ("edge_fresh", base + path),
                    ):
                        figures[name] = _wrk(
                            url,
                            seconds=args.seconds,
                            connections=args.concurrency,
                            fresh=True,
                        )
                    figures["ratio_fresh"] = round(
                        figures["edge_fresh"]["req_per_s"]
                        / figures["disk_fresh"]["req_per_s"],
                        2,
                    )
                results[label] = figures
                print("edge", label, figures, flush=True)
        finally:
            server_stop(proxy, timeout=10)
            server_stop(app, log)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--only-edge", action="store_true")
    args = parser.parse_args()
    if args.only_edge:
        print(json.dumps({"edge": measure_edge(args)}, indent=2))
        return
    report = {
        "queries": count_queries(args),
        "uncached": measure_server(cached=False, args=args),
        "cached": measure_server(cached=True, args=args),
        "edge": measure_edge(args),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
