"""A rendered Redis project, two workers, a real Redis outage: no request fails, no read is stale.

Renders orm=sqlalchemy, database=sqlite, cache=redis, workers=2 once and runs it as users do
(``python -m app``) against a throwaway ``redis-server`` each test starts on a free loopback
port (never the machine's Redis) and kills with SIGKILL. Requests open a new connection each, so
the kernel spreads them over both workers, except where a test pins one worker on purpose.
Every wait is bounded.

The last test restarts Redis from a snapshot holding the pre-outage entry, as Redis's default
RDB persistence would; the worker that saw no outage must notice the restart (a new run_id on
its silently reopened connection) and serve nothing the outage invalidated.
"""

from __future__ import annotations

import itertools
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import redis

from generator.render import render_project
from generator.server import LOOPBACK, ServerProcess, free_port
from generator.services import require_services
from generator.smoke import project_environment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("redis-outage-live"),
    pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning"),
]

ANSWERS = {"orm": "sqlalchemy", "database": "sqlite", "cache": "redis", "workers": 2}
WORKERS = 2
ROUNDS = 200
ITEMS = "/api/v1/items"
READY_DEGRADED = '{"status":"ok","checks":{"database":"ok","cache":"degraded"}}'
BOOT_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
REDIS_START_TIMEOUT = 10.0
RECOVERY_TIMEOUT = 20.0
# Consecutive hits over fresh connections: one lucky worker is not "the cache is back".
HIT_STREAK = 10
OUTAGE_READS = 10


def redis_server_binary() -> str:
    """The ``redis-server`` executable; skip (with REQUIRE_SERVICES=1: fail) when there is none."""
    binary = shutil.which("redis-server")
    if binary is not None:
        return binary
    reason = "redis-server is not on PATH (this test starts and kills its own Redis)"
    if require_services():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


class RedisServer:
    """A throwaway ``redis-server`` on one loopback port; no automatic snapshots, no AOF.

    ``start`` after ``kill`` reuses the port and the directory, so an explicit ``save`` before
    the kill comes back as the restarted server's data, as after a real crash and restart.
    """

    def __init__(self, binary: str, port: int, directory: Path) -> None:
        self.port = port
        self.url = f"redis://{LOOPBACK}:{port}/0"
        self._binary = binary
        self._directory = directory
        self._log_path = directory / "redis.log"
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        self._directory.mkdir(parents=True, exist_ok=True)
        self._log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            [
                self._binary,
                "--port",
                str(self.port),
                "--bind",
                LOOPBACK,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self._directory),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        while not self._answers():
            if self._process.poll() is not None:
                pytest.fail(f"redis-server exited with {self._process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server gave no PONG within {REDIS_START_TIMEOUT:.0f} s")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the server (a crash: nothing is flushed) and reap it; safe to repeat."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=10)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def client(self) -> redis.Redis:
        """A client of this server (close it after use)."""
        return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=2.0)

    def log(self) -> str:
        """Everything the server printed, over all its starts."""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def _answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project rendered from the working tree, shared by this module's tests."""
    return render_project(tmp_path_factory.mktemp("redis-outage") / "project", ANSWERS)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Our own Redis for one test, always killed afterwards."""
    server = RedisServer(redis_server_binary(), free_port(), tmp_path / "redis")
    try:
        server.start()
        yield server
    finally:
        server.kill()


@pytest.fixture
def service(project: Path, redis_server: RedisServer, tmp_path: Path) -> Iterator[ServerProcess]:
    """``python -m app`` with two workers, a fresh SQLite file and our Redis."""
    port = free_port()
    env = project_environment()
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
        REDIS_URL=redis_server.url,
        WEB_CONCURRENCY=str(WORKERS),
        HOST=LOOPBACK,
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    server = ServerProcess(project, env, port)
    try:
        server.start()
        server.wait_healthy(BOOT_TIMEOUT)
        yield server
    finally:
        server.close()


def fresh_connections(service: ServerProcess) -> httpx.Client:
    """A client that opens a new connection per request, so requests reach every worker."""
    return httpx.Client(
        base_url=service.base_url,
        timeout=5.0,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def create_item(client: httpx.Client, name: str) -> dict[str, Any]:
    """POST an item; the whole created item."""
    body = {"name": name, "description": None, "price": 1.5}
    response = client.post(ITEMS, json=body)
    assert response.status_code == 201, f"POST item answered {response.status_code} {response.text}"
    created: dict[str, Any] = response.json()
    assert created == {"id": created.get("id"), **body}
    return created


def replace_item(client: httpx.Client, item: dict[str, Any], name: str) -> dict[str, Any]:
    """PUT a new name (and price); the item as it must read from now on."""
    body = {"name": name, "description": None, "price": 2.5}
    response = client.put(f"{ITEMS}/{item['id']}", json=body)
    expected = {"id": item["id"], **body}
    assert (response.status_code, _json(response)) == (200, expected), (
        f"PUT {name!r} answered {response.status_code} {response.text[:300]}"
    )
    return expected


def read_item(client: httpx.Client, expected: dict[str, Any], what: str) -> str:
    """GET the item, assert it answers 200 with exactly ``expected``; its X-Cache state."""
    response = client.get(f"{ITEMS}/{expected['id']}")
    state = str(response.headers.get("x-cache", "<none>"))
    assert (response.status_code, _json(response)) == (200, expected), (
        f"{what}: GET answered {response.status_code} {response.text[:300]} "
        f"(X-Cache {state}), expected 200 {expected}"
    )
    return state


def assert_stops_on_sigterm(service: ServerProcess) -> None:
    """SIGTERM ends master and workers cleanly within STOP_TIMEOUT seconds."""
    started = time.monotonic()
    problem = service.stop(STOP_TIMEOUT)
    elapsed = time.monotonic() - started
    assert problem is None, f"python -m app after SIGTERM: {problem}"
    assert elapsed < STOP_TIMEOUT, f"python -m app took {elapsed:.1f} s to stop after SIGTERM"


def test_every_read_after_a_write_sees_that_write_across_workers(service: ServerProcess) -> None:
    with fresh_connections(service) as client:
        item = create_item(client, "round 0")
        for round_number in range(1, ROUNDS + 1):
            expected = replace_item(client, item, f"round {round_number}")
            state = read_item(client, expected, f"round {round_number}")
            # A bypassing cache would pass trivially: the rounds must go through Redis.
            assert state in ("MISS", "HIT"), f"round {round_number}: X-Cache {state}"
    assert_stops_on_sigterm(service)


def test_a_redis_outage_fails_no_request_and_recovery_serves_nothing_stale(
    service: ServerProcess, redis_server: RedisServer
) -> None:
    with fresh_connections(service) as client:
        item = create_item(client, "before the outage")
        states = [read_item(client, item, f"read {n} before the outage") for n in (1, 2)]
        assert states == ["MISS", "HIT"]

        redis_server.kill()
        for n in range(1, OUTAGE_READS + 1):
            state = read_item(client, item, f"read {n} with Redis killed")
            assert state == "BYPASS", f"read {n} with Redis killed: X-Cache {state}"
        written = replace_item(client, item, "written during the outage")
        assert read_item(client, written, "read after the PUT during the outage") == "BYPASS"
        ready = client.get("/ready")
        assert (ready.status_code, ready.text) == (200, READY_DEGRADED), (
            f"GET /ready with Redis killed answered {ready.status_code} {ready.text}"
        )

        redis_server.start()
        reads = reads_until_hits(client, written["id"])
        assert_all_read(reads, written)
    assert_stops_on_sigterm(service)


def test_a_redis_restarted_from_a_snapshot_serves_nothing_the_outage_invalidated(
    service: ServerProcess, redis_server: RedisServer
) -> None:
    # Until the restart, one kept-alive connection: one worker sees the outage, the other none.
    with httpx.Client(base_url=service.base_url, timeout=5.0) as pinned:
        item = create_item(pinned, "before the outage")
        states = [read_item(pinned, item, f"read {n} before the outage") for n in (1, 2)]
        assert states == ["MISS", "HIT"]
        with redis_server.client() as admin:
            admin.save()  # as Redis's default RDB persistence would have, before the crash
        redis_server.kill()
        written = replace_item(pinned, item, "written during the outage")
        assert read_item(pinned, written, "read after the PUT during the outage") == "BYPASS"

    log_before_restart = len(redis_server.log())
    redis_server.start()
    restart_log = redis_server.log()[log_before_restart:]
    assert "DB loaded from disk" in restart_log, f"the snapshot was not loaded:\n{restart_log}"
    with fresh_connections(service) as client:
        # Quick reads: a stale hit would come before the other worker's probe replays (<= 1 s).
        reads = reads_until_hits(client, written["id"], pause=0.01)
    assert_all_read(reads, written)
    output = service.output_tail(limit=1_000_000)
    assert "Redis restarted" in output, f"no worker noticed the restart: {output[-1500:]}"
    assert_stops_on_sigterm(service)


@dataclass(frozen=True)
class Read:
    """One GET of the item: status, JSON body (None if not JSON) and X-Cache state."""

    status: int
    body: object
    state: str


def reads_until_hits(client: httpx.Client, item_id: int, pause: float = 0.1) -> list[Read]:
    """GET the item until HIT_STREAK hits in a row (fail after RECOVERY_TIMEOUT seconds);
    ``pause`` seconds between reads that are no hit."""
    reads: list[Read] = []
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while [read.state for read in reads[-HIT_STREAK:]] != ["HIT"] * HIT_STREAK:
        assert time.monotonic() < deadline, (
            f"no {HIT_STREAK} hits in a row within {RECOVERY_TIMEOUT:.0f} s of Redis coming "
            f"back; X-Cache seen: {summary(reads)}"
        )
        response = client.get(f"{ITEMS}/{item_id}")
        state = str(response.headers.get("x-cache", "<none>"))
        reads.append(Read(response.status_code, _json(response), state))
        if state != "HIT":
            time.sleep(pause)
    return reads


def assert_all_read(reads: list[Read], expected: dict[str, Any]) -> None:
    """Every read answered 200 with exactly ``expected``."""
    wrong = [
        (number, read)
        for number, read in enumerate(reads, start=1)
        if read != Read(200, expected, read.state)
    ]
    assert not wrong, (
        f"{len(wrong)} of {len(reads)} reads after the restart were not 200 {expected}; "
        f"first: read {wrong[0][0]}: {wrong[0][1]}; X-Cache seen: {summary(reads)}"
    )


def summary(reads: list[Read], limit: int = 12) -> str:
    """X-Cache states in order, runs collapsed (``BYPASS x29, MISS x1, HIT x10``), at most
    ``limit`` runs: the first ones and the last two."""
    runs = [
        f"{state} x{len(list(group))}" for state, group in itertools.groupby(r.state for r in reads)
    ]
    if len(runs) > limit:
        runs = [*runs[: limit - 2], f"... {len(runs) - limit} more runs ...", *runs[-2:]]
    return ", ".join(runs) or "nothing"


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
