"""Pages (cms): requests/s, p99 and server CPU per request, cached and uncached.

Runs the project under production settings with gunicorn (2 sync workers, the
app server chosen in RESULTS.md) twice: with the page cache on and with it off
(``CMS_PAGE_CACHE=0``). Each page is loaded from ``--concurrency`` keep-alive
connections for ``--seconds`` after a warm-up; server CPU comes from
/proc (utime + stime of the master and its workers) before and after.
Queries per page are counted in-process with Django's test client on the same
database (uncached, second view, anonymous). Optionally nginx serves the saved
bytes of the home page from disk, the ceiling a front cache would reach.

    python -m bench.pages --database-url postgres://.../canopy_bench --redis-url redis://127.0.0.1:6379/5

The database must hold the demo content (``manage.py load_demo``). Bounded:
every measurement lasts ``--seconds`` and at most ``--max-requests``.
"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
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


def measure_server(*, cached: bool, args) -> dict:
    port = free_port()
    env = server_env(args.database_url, args.redis_url, "gunicorn-sync")
    env["CMS_PAGE_CACHE"] = "1" if cached else "0"
    static_collected(env)
    log = open(BASE_DIR / "var" / f"bench-pages-{cached}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
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


def measure_nginx(args) -> dict | None:
    """nginx serving the home page's bytes from disk: the front-cache ceiling."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        return None
    code = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ALLOWED_HOSTS=["*"]):
    print(Client().get("/").content.decode(), end="")
"""
    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url)
    body = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    port = free_port()
    with tempfile.TemporaryDirectory() as root:
        Path(root, "index.html").write_text(body)
        config = Path(root, "nginx.conf")
        config.write_text(
            f"""worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {root}; proxy_temp_path {root}; fastcgi_temp_path {root};
  uwsgi_temp_path {root}; scgi_temp_path {root};
  server {{ listen 127.0.0.1:{port}; root {root};
    location / {{ default_type text/html; try_files /index.html =404; }} }}
}}
"""
        )
        process = subprocess.Popen(
            [nginx, "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    wait_for(port, process, timeout=1)
                    break
                except (TimeoutError, RuntimeError):
                    if process.poll() is not None:
                        return None
            outcome = asyncio.run(
                load_run(
                    host="127.0.0.1",
                    port=port,
                    paths=["/"],
                    duration=args.seconds,
                    concurrency=args.concurrency,
                    max_requests=args.max_requests,
                )
            )
            return outcome.summary()
        finally:
            server_stop(process, timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=50_000)
    args = parser.parse_args()
    report = {
        "queries": count_queries(args),
        "uncached": measure_server(cached=False, args=args),
        "cached": measure_server(cached=True, args=args),
        "nginx_static_home": measure_nginx(args),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
