"""Chat load generator: N websocket clients on loopback, bounded in time.

Run by bench/chat.py in its own process (so client work never shares the
server's CPU accounting). Clients are spread over the rooms round-robin; the
posting rate is spread round-robin over all clients, so no single member hits
the flood limit. Each body carries its send time; every client records the
fan-out latency of every message it receives, and losses are counted as
(accepted posts x room members) - deliveries after a drain period.

    python -m bench.chat_loadgen --url ws://127.0.0.1:8105 --sessions s.json \
        --rooms general --rate 20 --duration 20
"""

import argparse
import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlparse

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

MARK = '"body":"bench:'


class Client:
    def __init__(self, index: int, room: str, cookie: str):
        self.index = index
        self.room = room
        self.cookie = cookie
        self.socket = None
        self.received = 0
        self.errors: Counter = Counter()
        self.latencies: list[float] = []
        self.close_code: int | None = None
        self.ready = asyncio.Event()

    async def run(self, base_url: str, origin: str, stats: dict) -> None:
        try:
            self.socket = await connect(
                f"{base_url}/ws/chat/{self.room}/",
                origin=origin,
                additional_headers={"Cookie": self.cookie},
                open_timeout=60,
                ping_interval=None,
                max_queue=None,
            )
            await self.socket.recv()  # history
            await self.socket.recv()  # room
        except (OSError, ConnectionClosed, TimeoutError) as error:
            stats["connect_failures"][type(error).__name__] += 1
            self.ready.set()
            return
        stats["connected"] += 1
        self.ready.set()
        try:
            async for text in self.socket:
                start = text.find(MARK)
                if start >= 0:
                    # "bench:<sender>:<perf_counter>"
                    body = text[start + len(MARK) : text.index('"', start + len(MARK))]
                    sent_at = float(body.rsplit(":", 1)[1])
                    self.latencies.append(time.perf_counter() - sent_at)
                    self.received += 1
                elif '"type":"error"' in text:
                    self.errors[json.loads(text)["code"]] += 1
        except ConnectionClosed:
            pass
        self.close_code = self.socket.close_code

    async def post(self) -> bool:
        if self.socket is None or self.close_code is not None:
            return False
        body = f"bench:{self.index}:{time.perf_counter():.6f}"
        try:
            await self.socket.send(json.dumps({"type": "message", "body": body}))
        except ConnectionClosed:
            return False
        return True


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main(args, sessions: list[str]) -> dict:
    rooms = args.rooms.split(",")
    parsed = urlparse(args.url)
    origin = f"http://{parsed.netloc}"
    stats = {"connected": 0, "connect_failures": Counter()}
    clients = [
        Client(index, rooms[index % len(rooms)], cookie)
        for index, cookie in enumerate(sessions)
    ]
    tasks = []
    connect_started = time.perf_counter()
    # Ramp in batches: a real crowd does not arrive in one millisecond.
    for start in range(0, len(clients), args.batch):
        batch = clients[start : start + args.batch]
        tasks += [asyncio.create_task(c.run(args.url, origin, stats)) for c in batch]
        await asyncio.gather(*(c.ready.wait() for c in batch))
    connect_seconds = time.perf_counter() - connect_started
    # The driver measures the server's idle memory and CPU from this line on.
    print(
        json.dumps({"event": "connected", "connected": stats["connected"]}), flush=True
    )
    await asyncio.sleep(args.settle)

    members = Counter(c.room for c in clients if c.socket is not None)
    sent_by_room: Counter = Counter()
    interval = 1.0 / args.rate if args.rate else 0
    deadline = time.perf_counter() + args.duration
    next_send = time.perf_counter()
    turn = 0
    live = [c for c in clients if c.socket is not None]
    while args.rate and live and time.perf_counter() < deadline:
        client = live[turn % len(live)]
        turn += 1
        if await client.post():
            sent_by_room[client.room] += 1
        next_send += interval
        delay = next_send - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    # Drain: wait until deliveries stop arriving (a late frame is late, not
    # lost), at most --max-drain seconds.
    quiet_since, last_count = time.perf_counter(), -1
    drain_deadline = time.perf_counter() + args.max_drain
    while time.perf_counter() < drain_deadline:
        count = sum(c.received for c in clients)
        if count != last_count:
            quiet_since, last_count = time.perf_counter(), count
        elif time.perf_counter() - quiet_since >= args.drain:
            break
        await asyncio.sleep(0.25)

    errors: Counter = Counter()
    for client in clients:
        errors.update(client.errors)
    refused = sum(errors.values())
    sent = sum(sent_by_room.values())
    # Refusals are per sender and visible; average room size is exact for
    # one room and close enough across equal-sized rooms.
    expected = sum(sent_by_room[room] * members[room] for room in sent_by_room)
    if sent:
        expected -= round(refused * sum(members.values()) / max(len(members), 1))
    received = sum(c.received for c in clients)
    latencies = [value for c in clients for value in c.latencies]
    closes = Counter(c.close_code for c in clients if c.close_code is not None)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for client in clients:
        if client.socket is not None:
            await client.socket.close()
    return {
        "clients": len(clients),
        "rooms": len(rooms),
        "connected": stats["connected"],
        "connect_failures": dict(stats["connect_failures"]),
        "connect_seconds": round(connect_seconds, 1),
        "posted": sent,
        "refused": dict(errors),
        "expected_deliveries": expected,
        "deliveries": received,
        "lost": max(expected - received, 0),
        "closed_by_server": {str(code): count for code, count in closes.items()},
        "latency_p50_ms": round(percentile(latencies, 0.50) * 1000, 1)
        if latencies
        else None,
        "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1)
        if latencies
        else None,
        "latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sessions", required=True, help="JSON list of Cookie headers")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", default="general")
    parser.add_argument("--rate", type=float, default=20, help="messages per second")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--settle", type=float, default=2)
    parser.add_argument("--drain", type=float, default=3, help="quiet seconds")
    parser.add_argument("--max-drain", type=float, default=60)
    parser.add_argument("--batch", type=int, default=50)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if urlparse(arguments.url).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the load generator only targets loopback")
    with open(arguments.sessions) as file:
        cookies = json.load(file)[: arguments.clients]
    print(json.dumps(asyncio.run(main(arguments, cookies))))
