"""Requests/s of GET /api/v1/items/{id} served by the Redis cache (HIT) vs by the database.

Run: .venv/bin/python benchmarks/cache_throughput.py

Renders a `cache: redis` project from the working tree and boots it twice with one uvicorn worker
and its own temporary SQLite file: once against a claimed database of the local Redis (every read
is a HIT), once with REDIS_URL on a port where nothing listens (the breaker is open from start-up,
so every read is a BYPASS that goes to the database without touching Redis). Same code, route,
item and worker count; only where the bytes come from differs. The load generator runs in this
process on loopback, bounded in requests and seconds; rounds alternate between the two servers.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.http_load import run_load
from benchmarks.servers import HOST, free_port, running, service_command
from generator.render import render_project
from generator.services import fresh_redis_database

ROUNDS = 3
SECONDS = 4.0
CONNECTIONS = 32


def measure(port: int, path: str) -> float:
    """Requests/s of one bounded load run; any error or non-200 fails the benchmark."""
    result = asyncio.run(
        run_load(
            HOST, port, path, connections=CONNECTIONS, max_requests=200_000, max_seconds=SECONDS
        )
    )
    if result.errors or set(result.statuses) != {200}:
        raise RuntimeError(f"{path}: errors={result.errors} statuses={result.statuses}")
    return result.per_second


def item_path(base_url: str, expected_cache: str) -> str:
    """Create the item, read it until the cache answers as expected, and return its path."""
    created = httpx.post(f"{base_url}/api/v1/items", json={"name": "Lamp", "price": 25})
    path = f"/api/v1/items/{created.json()['id']}"
    statuses = [httpx.get(base_url + path).headers["x-cache"] for _ in range(3)]
    if statuses[-1] != expected_cache:
        raise RuntimeError(f"{base_url}: expected X-Cache {expected_cache}, got {statuses}")
    return path


def main() -> None:
    """Render, boot both servers, measure, print."""
    with tempfile.TemporaryDirectory() as scratch, fresh_redis_database() as redis_url:
        root = Path(scratch)
        project = render_project(root / "service", {"cache": "redis"})
        cached_port, database_port, dead_redis_port = free_port(), free_port(), free_port()

        def env(port: int, name: str, redis: str) -> dict[str, str]:
            return {
                "PORT": str(port),
                "WEB_CONCURRENCY": "1",
                "DATABASE_URL": f"sqlite:///{root / name}.db",
                "REDIS_URL": redis,
                "LOG_LEVEL": "ERROR",  # the dead-Redis server would log its outage otherwise
            }

        dead_redis = f"redis://{HOST}:{dead_redis_port}/0"
        with (
            running(
                service_command(), project, env(cached_port, "hit", redis_url), cached_port
            ) as cached_url,
            running(
                service_command(), project, env(database_port, "db", dead_redis), database_port
            ) as database_url,
        ):
            servers = {
                "cache HIT (Redis)": (cached_port, item_path(cached_url, "HIT")),
                "database (BYPASS)": (database_port, item_path(database_url, "BYPASS")),
            }
            figures: dict[str, list[float]] = {name: [] for name in servers}
            for port, path in servers.values():
                measure(port, path)  # warm-up
            for _ in range(ROUNDS):
                for name, (port, path) in servers.items():
                    figures[name].append(measure(port, path))
            for name, expected in [("cache HIT (Redis)", "HIT"), ("database (BYPASS)", "BYPASS")]:
                base = cached_url if expected == "HIT" else database_url
                status = httpx.get(base + servers[name][1]).headers["x-cache"]
                if status != expected:
                    raise RuntimeError(f"{name}: X-Cache turned {status} during the run")
    hit = statistics.median(figures["cache HIT (Redis)"])
    database = statistics.median(figures["database (BYPASS)"])
    print(f"{'GET /api/v1/items/{id}':<26}{'req/s':>10}")
    print(f"{'cache HIT (Redis)':<26}{hit:>10,.0f}")
    print(f"{'database (BYPASS)':<26}{database:>10,.0f}")
    print(f"{'ratio HIT / database':<26}{hit / database:>10.2f}")
    print(
        f"(one uvicorn worker each, SQLite; median of {ROUNDS} alternating rounds of "
        f"{SECONDS:.0f} s, {CONNECTIONS} keep-alive connections on loopback)"
    )


if __name__ == "__main__":
    main()
