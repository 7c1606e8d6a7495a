"""Throughput of a rendered service against a bare FastAPI app under the same uvicorn.

Run: .venv/bin/python benchmarks/overhead.py

Both servers run one uvicorn worker with uvloop and httptools; the load generator runs in this
process on loopback. Rounds alternate between the two servers so that machine noise hits both.
Printed: requests/s per server and path (median of the rounds) and the ratio service / bare.
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

ROUNDS = 3
SECONDS = 4.0

BARE_APP = """
from fastapi import FastAPI

app = FastAPI()
ITEM = {"id": 1, "name": "Lamp", "description": None, "price": 25.0}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/v1/items/{item_id}")
async def read_item(item_id: int) -> dict[str, object]:
    return ITEM
"""


def measure(port: int, path: str) -> float:
    result = asyncio.run(run_load(HOST, port, path, max_requests=200_000, max_seconds=SECONDS))
    if result.errors or set(result.statuses) != {200}:
        raise RuntimeError(f"{path}: errors={result.errors} statuses={result.statuses}")
    return result.per_second


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        project = render_project(root / "service", {"cache": "memory"})
        bare = root / "bare"
        bare.mkdir()
        (bare / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        service_port, bare_port = free_port(), free_port()
        service_env = {
            "PORT": str(service_port),
            "WEB_CONCURRENCY": "1",
            "DATABASE_URL": f"sqlite:///{root / 'bench.db'}",
            "LOG_LEVEL": "WARNING",
        }
        bare_command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bare_app:app",
            "--port",
            str(bare_port),
            "--host",
            HOST,
            "--no-access-log",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ]
        with (
            running(service_command(), project, service_env, service_port) as service_url,
            running(bare_command, bare, {}, bare_port),
        ):
            item = httpx.post(
                f"{service_url}/api/v1/items", json={"name": "Lamp", "price": 25}
            ).json()
            paths = {"/health": "/health", "GET item (cache HIT)": f"/api/v1/items/{item['id']}"}
            figures: dict[tuple[str, str], list[float]] = {}
            for name, path in paths.items():
                measure(service_port, path)  # warm-up
                measure(bare_port, path if name == "/health" else "/api/v1/items/1")
                for _ in range(ROUNDS):
                    figures.setdefault((name, "service"), []).append(measure(service_port, path))
                    bare_path = path if name == "/health" else "/api/v1/items/1"
                    figures.setdefault((name, "bare"), []).append(measure(bare_port, bare_path))
    print(f"{'path':<24}{'service req/s':>16}{'bare req/s':>14}{'ratio':>8}")
    for name in paths:
        service = statistics.median(figures[(name, "service")])
        bare_rate = statistics.median(figures[(name, "bare")])
        print(f"{name:<24}{service:>16,.0f}{bare_rate:>14,.0f}{service / bare_rate:>8.2f}")
    print(f"(median of {ROUNDS} alternating rounds of {SECONDS:.0f} s, 32 keep-alive connections)")


if __name__ == "__main__":
    main()
