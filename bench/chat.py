"""Chat benchmark: one uvicorn process, N websocket clients, loopback only.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. Makes N bench users with
sessions, starts a fresh server per scenario, drives it with
bench/chat_loadgen.py in a separate process, and reads the server's CPU time
and memory from /proc. Writes the "## Chat" section of bench/RESULTS.md.

    DATABASE_URL=... REDIS_URL=... python -m bench.chat [--quick] [--port 8105]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

from bench.app_servers import cpu_seconds

BASE_DIR = Path(__file__).resolve().parents[1]
SESSIONS_FILE = BASE_DIR / "var" / "bench-chat-sessions.json"
RESULTS = BASE_DIR / "bench" / "RESULTS.md"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

SCENARIOS = [
    # name, clients, rooms, messages per second, server app
    ("200 clients / 1 room / 20 msg/s", 200, 1, 20, "config.asgi:application"),
    ("1,000 clients / 1 room / 5 msg/s", 1000, 1, 5, "config.asgi:application"),
    ("1,000 clients / 50 rooms / 100 msg/s", 1000, 50, 100, "config.asgi:application"),
    (
        "baseline (tutorial design): 200 / 1 / 20",
        200,
        1,
        20,
        "bench.chat_baseline:application",
    ),
    (
        "baseline (tutorial design): 1,000 / 1 / 5",
        1000,
        1,
        5,
        "bench.chat_baseline:application",
    ),
]


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def bench_sessions(count: int) -> list[str]:
    """N bench users (made once) and a fresh session cookie for each."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user_model = get_user_model()
    names = [f"bench-{n:04d}" for n in range(count)]
    existing = set(
        user_model.objects.filter(username__in=names).values_list("username", flat=True)
    )
    missing = []
    for name in names:
        if name not in existing:
            user = user_model(
                username=name, email=f"{name}@bench.test", first_name=name
            )
            user.set_unusable_password()
            missing.append(user)
    user_model.objects.bulk_create(missing)
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in user_model.objects.filter(username__in=names).order_by("username"):
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def bench_rooms(count: int) -> list[str]:
    from community.models import Room

    slugs = ["bench-room"] if count == 1 else [f"bench-{n:02d}" for n in range(count)]
    for slug in slugs:
        Room.objects.get_or_create(slug=slug, defaults={"title": slug})
    # Fresh history each run: connects cost the same from run to run.
    Room.objects.filter(slug__in=slugs).update(is_locked=False, slow_mode_seconds=0)
    from community.models import Message

    Message.objects.filter(room__slug__in=slugs).delete()
    return slugs


def proc_rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def start_server(app: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = open(BASE_DIR / "var" / "bench-chat-server.log", "a")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--ws",
            os.environ.get("BENCH_CHAT_WS", "websockets-sansio"),
            # Compressing a 200-byte frame once per recipient cost ~35 µs per
            # delivery in profiles and saves next to nothing on the wire.
            "--ws-per-message-deflate",
            os.environ.get("BENCH_CHAT_DEFLATE", "false"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise SystemExit(
            "the bench server did not start; see var/bench-chat-server.log"
        )
    time.sleep(1.0)  # imports settle before the baseline reading
    return process


def run_scenario(
    *, app: str, port: int, clients: int, rooms: list[str], rate: float, duration: float
) -> dict:
    server = start_server(app, port)
    try:
        rss_before = proc_rss_bytes(server.pid)
        loadgen = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.chat_loadgen",
                "--url",
                f"ws://127.0.0.1:{port}",
                "--sessions",
                str(SESSIONS_FILE),
                "--clients",
                str(clients),
                "--rooms",
                ",".join(rooms),
                "--rate",
                str(rate),
                "--duration",
                str(duration),
                "--settle",
                "3",
            ],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        connected_line = loadgen.stdout.readline()
        time.sleep(2.5)  # presence announcements settle
        rss_idle = proc_rss_bytes(server.pid)
        cpu_start = cpu_seconds(server.pid)
        loadgen_cpu_start = cpu_seconds(loadgen.pid)
        wall_start = time.monotonic()
        # Read the client's CPU just before it exits (it prints then ends).
        out = loadgen.stdout.read()
        try:
            loadgen_cpu_total = cpu_seconds(loadgen.pid) - loadgen_cpu_start
        except FileNotFoundError:
            loadgen_cpu_total = float("nan")
        loadgen.wait(timeout=duration + 600)
        cpu = cpu_seconds(server.pid) - cpu_start
        wall = time.monotonic() - wall_start
        loadgen_cpu = loadgen_cpu_total
        result = json.loads(out.strip().splitlines()[-1])
        connected = json.loads(connected_line)["connected"] if connected_line else 0
        result.update(
            server_cpu_seconds=round(cpu, 2),
            server_cpu_share=round(cpu / wall, 2),
            client_cpu_share=round(loadgen_cpu / wall, 2),
            rss_per_idle_connection_kib=round(
                (rss_idle - rss_before) / max(connected, 1) / 1024, 1
            ),
            server_cpu_us_per_delivery=round(cpu / result["deliveries"] * 1e6, 1)
            if result["deliveries"]
            else None,
        )
        return result
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def write_results(rows: list[tuple[str, dict]], duration: float) -> None:
    lines = [
        "## Chat",
        "",
        "`python -m bench.chat` (bench/chat.py + bench/chat_loadgen.py): one uvicorn",
        "process serving config.asgi, PostgreSQL, Redis (channels-redis core layer),",
        f"clients on loopback in a separate process; {duration:.0f} s of posting per",
        "scenario after all clients connected; latency = post sent -> frame received",
        "by each member (sender included). CPU is the server process's user+system",
        "time during posting (incl. presence and the posting path itself).",
        "",
        "| scenario | connected | posted | deliveries (expected) | lost | p50 ms | p99 ms | max ms | server CPU | CPU µs/delivery | closed by server |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['connected']}/{r['clients']} | {r['posted']} | "
            f"{r['deliveries']} ({r['expected_deliveries']}) | {r['lost']} | "
            f"{r['latency_p50_ms']} | {r['latency_p99_ms']} | {r['latency_max_ms']} | "
            f"{r['server_cpu_share']:.0%} | {r['server_cpu_us_per_delivery']} | "
            f"{r['closed_by_server'] or '-'} |"
        )
    idle = [r["rss_per_idle_connection_kib"] for name, r in rows if "1,000" in name]
    by_name = dict(rows)
    ratios = []
    for ours, theirs in (
        ("200 clients / 1 room / 20 msg/s", "baseline (tutorial design): 200 / 1 / 20"),
        (
            "1,000 clients / 1 room / 5 msg/s",
            "baseline (tutorial design): 1,000 / 1 / 5",
        ),
    ):
        a = by_name.get(ours, {}).get("server_cpu_us_per_delivery")
        b = by_name.get(theirs, {}).get("server_cpu_us_per_delivery")
        if a and b:
            ratios.append(f"{b / a:.1f}x ({ours})")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines += [
        "",
        f"Server memory per idle connection (RSS growth / connections, 1,000 "
        f"clients): {', '.join(f'{v} KiB' for v in idle)}.",
        "",
        f"Deliveries per server CPU-second versus the tutorial design: "
        f"{'; '.join(ratios) or 'n/a'}. Load average when this was written: {load}"
        " on 2 cores.",
        "",
        "Reading the figures:",
        '- Nothing was lost in our design in any scenario ("lost" counts frames not',
        "  received 60 s after posting stopped). The tutorial design fell behind by",
        "  tens of seconds; in an earlier run on a busier machine it had not",
        "  delivered a quarter of the 1,000-client room's messages after 60 s.",
        "- Latency depends on the CPU the server gets on this shared 2-core machine",
        "  (load average above; the load generator, PostgreSQL and Redis share it).",
        "  p50 stays near 50 ms, but p99 was above the 100 ms target in these runs.",
        "  The figure includes the load generator itself: one Python process reads",
        "  all 1,000 copies of each message in turn, so a burst alone takes tens of",
        "  milliseconds on the client side.",
        "  CPU per delivery is the portable figure: at ~40-80 us per delivery a",
        "  1,000-member room at 5 msg/s needs 0.2-0.4 of a free core.",
        "- The 50-room scenario is bound by the posting path (~5 ms of server CPU",
        "  per post: rule checks, insert, sequence bump, broadcast) on Django's one",
        "  thread-sensitive worker; fan-out is the small part there.",
        "- Per-message deflate is off (uvicorn --ws-per-message-deflate false):",
        "  compressing each ~200-byte frame once per recipient was the largest",
        "  single per-delivery cost in a profile. Production servers should do the",
        "  same for the chat.",
        "- The tutorial baseline raised MaxConnectionsError (redis-py's async pool",
        "  raises instead of waiting) on group_discard when 1,000 sockets closed at",
        "  once, even with the layer's max_connections raised from 100 to 1,000",
        "  (CHANNEL_LAYER_MAX_CONNECTIONS): each failure leaves a dead group member.",
        "  Our design holds one group per process per room and logged none.",
        "",
    ]
    text = RESULTS.read_text()
    start = text.index("## Chat")
    end = text.find("\n## ", start + 1)
    section = "\n".join(lines)
    text = text[:start] + section + (text[end:] if end != -1 else "\n")
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--only", help="run scenarios whose name contains this")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--rewrite", help="rewrite RESULTS.md from a saved run log (JSON lines)"
    )
    args = parser.parse_args()
    if args.rewrite:
        rows, name = [], None
        for line in Path(args.rewrite).read_text().splitlines():
            if line.startswith("-- "):
                name = line[3:]
            elif line.startswith("{") and name:
                rows.append((name, json.loads(line)))
        write_results(rows, args.duration)
        return
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    django_setup()
    SESSIONS_FILE.parent.mkdir(exist_ok=True)
    SESSIONS_FILE.write_text(json.dumps(bench_sessions(1000)))
    rows = []
    for name, clients, room_count, rate, app in SCENARIOS:
        if args.only and args.only not in name:
            continue
        rooms = bench_rooms(room_count)
        print(f"-- {name}", flush=True)
        result = run_scenario(
            app=app,
            port=args.port,
            clients=clients,
            rooms=rooms,
            rate=rate,
            duration=args.duration,
        )
        print(json.dumps(result), flush=True)
        rows.append((name, result))
    if not args.no_write and not args.only:
        write_results(rows, args.duration)


if __name__ == "__main__":
    main()
