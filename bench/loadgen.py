"""A small keep-alive HTTP/1.1 load generator for loopback benchmarks.

Plain asyncio streams instead of an HTTP client library: on a 2-core machine
the generator shares the CPU with the servers it measures, and a full client
costs several times more per request. Every run is bounded by a duration and
a request cap, and only loopback addresses are accepted.
"""

import asyncio
import ipaddress
import itertools
import ssl
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
        return ordered[index]

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile(0.50) * 1000, 1),
            "p99_ms": round(self.percentile(0.99) * 1000, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "error_kinds": self.error_kinds,
        }


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"refusing to load a non-loopback address: {host}")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Returns (status, keep_alive); reads and discards the body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()  # until close
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def _worker(
    host: str,
    port: int,
    paths: itertools.cycle,
    deadline: float,
    budget: list[int],
    result: LoadResult,
    headers: dict[str, str],
    use_tls: bool,
    request_timeout: float,
) -> None:
    reader = writer = None
    ssl_context = None
    if use_tls:
        ssl_context = ssl.create_default_context()
        ssl_context.check_hostname = False
        ssl_context.verify_mode = ssl.CERT_NONE  # the drill's own throwaway cert
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "host")
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        path = next(paths)
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port, ssl=ssl_context),
                    request_timeout,
                )
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {headers.get('Host', host)}\r\n"
                f"{extra}Connection: keep-alive\r\n\r\n".encode()
            )
            status, keep_alive = await asyncio.wait_for(
                _read_response(reader), request_timeout
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.errors += 1
            kind = type(exc).__name__
            result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
            continue
        result.requests += 1
        result.latencies.append(time.monotonic() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status >= 500:
            result.errors += 1
        if not keep_alive:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def load_run(
    *,
    host: str,
    port: int,
    paths: list[str],
    duration: float,
    concurrency: int,
    max_requests: int = 200_000,
    headers: dict[str, str] | None = None,
    use_tls: bool = False,
    request_timeout: float = 10.0,
) -> LoadResult:
    """GET ``paths`` round-robin from ``concurrency`` keep-alive connections
    for at most ``duration`` seconds and ``max_requests`` requests."""
    _check_loopback(host)
    result = LoadResult()
    deadline = time.monotonic() + duration
    budget = [max_requests]
    cycle = itertools.cycle(paths)
    started = time.monotonic()
    await asyncio.gather(
        *(
            _worker(
                host,
                port,
                cycle,
                deadline,
                budget,
                result,
                headers or {},
                use_tls,
                request_timeout,
            )
            for _ in range(concurrency)
        )
    )
    result.elapsed = time.monotonic() - started
    return result
