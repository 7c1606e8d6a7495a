"""A small keep-alive HTTP/1.1 load generator for loopback benchmarks.

Raw asyncio streams instead of an HTTP client library: the client must cost far less than the
server it measures, since both share this machine's cores. Every run is bounded in requests and
seconds, and only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    """What one load run measured."""

    requests: int
    seconds: float
    errors: int
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def _check_loopback(host: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"benchmarks only target loopback addresses, not {host}")


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _connection(
    host: str, port: int, request: bytes, deadline: float, budget: list[int], result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            writer.write(request)
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                return
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_load(
    host: str,
    port: int,
    path: str,
    *,
    connections: int = 32,
    max_requests: int = 20_000,
    max_seconds: float = 10.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """GET `path` over `connections` keep-alive connections until either bound is reached."""
    _check_loopback(host)
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
    result = LoadResult(requests=0, seconds=0.0, errors=0, statuses={})
    budget = [max_requests]
    started = time.perf_counter()
    deadline = started + max_seconds
    await asyncio.gather(
        *(_connection(host, port, request, deadline, budget, result) for _ in range(connections))
    )
    result.seconds = time.perf_counter() - started
    return result
