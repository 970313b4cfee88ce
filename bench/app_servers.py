"""Which app server serves Canopy's pages: gunicorn (WSGI), uvicorn or daphne (ASGI)?

Each server runs the project under production settings with 2 worker
processes (daphne has no worker option: one process) on loopback, and is
loaded with a page (the home page, Wagtail) and /healthz. Bounded: every
measurement lasts ``--seconds`` and at most ``--max-requests``.

    python -m bench.app_servers --database-url postgres://.../canopy_bench

The database must hold the demo content (``manage.py load_demo``).
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.loadgen import load_run

BASE_DIR = Path(__file__).resolve().parents[1]

SERVERS = {
    "gunicorn-sync": lambda port: [
        "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
        "--access-logfile", "-", "--log-level", "warning", "config.wsgi:application",
    ],
    "uvicorn": lambda port: [
        "-m", "uvicorn", "--workers", "2", "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log", "--log-level", "warning", "config.asgi:application",
    ],
    "daphne": lambda port: [
        "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
        "config.asgi:application",
    ],
}  # fmt: skip

PATHS = {"page /": ["/"], "/healthz": ["/healthz"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"port {port} did not open")


def server_stop(process: subprocess.Popen, log=None, timeout: float = 20) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it hangs; closes its log."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if log is not None:
        log.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pids
    for child in children:
        pids.extend(_process_tree(int(child)))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (a server's workers)."""
    total = 0
    for member in _process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


ASGI_SERVERS = {"uvicorn", "daphne"}


def server_env(database_url: str, redis_url: str, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_DEBUG", None)
    if name in ASGI_SERVERS:
        # Under ASGI each sync request may run on a different thread, and a
        # persistent connection stays with its thread: with CONN_MAX_AGE > 0
        # the first run exhausted PostgreSQL's max_connections ("too many
        # clients") within seconds. Django's advice for ASGI: 0.
        env["DB_CONN_MAX_AGE"] = "0"
    return env


def static_collected(env: dict[str, str]) -> None:
    """Production settings serve hashed static names: collect them first, as
    a deploy does (once; later runs reuse the manifest)."""
    if not (BASE_DIR / "var" / "static" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )


def measure(name: str, args: dict) -> dict:
    port = free_port()
    log = open(BASE_DIR / "var" / f"bench-{name}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, *SERVERS[name](port)],
        cwd=BASE_DIR,
        env=server_env(args["database_url"], args["redis_url"], name),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}
    try:
        wait_for(port, process)
        for label, paths in PATHS.items():
            # Warm-up: imports, connections, template caches.
            asyncio.run(
                load_run(
                    host="127.0.0.1", port=port, paths=paths, duration=2, concurrency=4
                )
            )
            outcome = asyncio.run(
                load_run(
                    host="127.0.0.1",
                    port=port,
                    paths=paths,
                    duration=args["seconds"],
                    concurrency=args["concurrency"],
                    max_requests=args["max_requests"],
                )
            )
            results[label] = outcome.summary()
            print(name, label, results[label], flush=True)
    finally:
        server_stop(process, log)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--json", type=Path)
    args = vars(parser.parse_args())
    (BASE_DIR / "var").mkdir(exist_ok=True)
    collected = {name: measure(name, args) for name in args["servers"].split(",")}
    if args["json"]:
        args["json"].write_text(json.dumps(collected, indent=2))
    print("| server | path | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, by_path in collected.items():
        for label, figures in by_path.items():
            print(
                f"| {name} | {label} | {figures['req_per_s']} | {figures['p50_ms']} "
                f"| {figures['p99_ms']} | {figures['errors']} |"
            )


if __name__ == "__main__":
    main()
