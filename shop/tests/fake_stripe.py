"""A local stand-in for the two Stripe endpoints the shop calls.

It speaks HTTP on a loopback port, records every request, honours the
Idempotency-Key header like Stripe (same key, same answer) and can be told
to refuse (``fail_with``) to exercise the error paths.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.intents_by_key: dict[str, dict] = {}
        self.fail_with: tuple[int, str] | None = None
        self._counter = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                return

            def do_POST(self):  # noqa: N802  (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    key: values[0]
                    for key, values in parse_qs(
                        self.rfile.read(length).decode()
                    ).items()
                }
                fake.requests.append(
                    {
                        "path": self.path,
                        "form": form,
                        "idempotency_key": self.headers.get("Idempotency-Key"),
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                status, body = fake.answer(self.path, form, self.headers)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, form: dict, headers) -> tuple[int, dict]:
        if self.fail_with is not None:
            status, message = self.fail_with
            return status, {"error": {"type": "card_error", "message": message}}
        if path == "/v1/payment_intents":
            key = headers.get("Idempotency-Key") or ""
            if key not in self.intents_by_key:
                self._counter += 1
                intent_id = f"pi_fake{self._counter}"
                self.intents_by_key[key] = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": int(form["amount"]),
                    "currency": form["currency"],
                    "metadata": {"order_number": form["metadata[order_number]"]},
                    "client_secret": f"{intent_id}_secret_test",
                    "status": "requires_payment_method",
                }
            return 200, self.intents_by_key[key]
        cancel = re.fullmatch(r"/v1/payment_intents/(pi_\w+)/cancel", path)
        if cancel:
            return 200, {"id": cancel.group(1), "status": "canceled"}
        return 404, {
            "error": {"type": "invalid_request_error", "message": "No such path"}
        }

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
