"""A local HTTP server replaying Plant.id and Pl@ntNet responses from payloads/.

Tests queue the responses they want, in order; the server records every
request it receives so tests can check what the clients sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAYLOADS = Path(__file__).parent / "payloads"


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes
    delay: float = 0.0


def payload(name: str, *, delay: float = 0.0) -> Reply:
    spec = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    body = (
        json.dumps(spec["json"]).encode() if "json" in spec else spec["body"].encode()
    )
    return Reply(spec["status"], spec.get("headers", {}), body, delay)


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class FakeService:
    replies: deque = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def queue(self, *replies: Reply | str) -> None:
        for reply in replies:
            self.replies.append(payload(reply) if isinstance(reply, str) else reply)

    def next_reply(self) -> Reply:
        with self.lock:
            if not self.replies:
                return Reply(599, {"Content-Type": "text/plain"}, b"no reply queued")
            return self.replies.popleft()


def fake_service_start() -> tuple[FakeService, ThreadingHTTPServer]:
    service = FakeService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            service.received.append(
                Received("POST", self.path, dict(self.headers.items()), body)
            )
            reply = service.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server
