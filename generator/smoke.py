"""Prove one rendered project: its own checks, its migrations, a live boot and the HTTP contract.

Every step runs with the current interpreter in the project directory, so the environment that
runs ``fastapi-stack`` must have the project's dependencies (the ``stack`` extra has them all).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from generator.contract import ContractSettings, ContractViolation, ContractWalk
from generator.errors import GeneratorError, one_line
from generator.render import read_answers
from generator.server import BootFailed, ServerProcess, free_port, port_in_use

Phase = Literal["checks", "migrate", "boot", "http", "stop"]

CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ruff check", ("ruff", "check", ".")),
    ("ruff format", ("ruff", "format", "--check", ".")),
    ("mypy", ("mypy",)),
    ("pytest", ("pytest", "-q")),
)
CHECK_TIMEOUT = 900.0
MIGRATE_TIMEOUT = 180.0
BOOT_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Variables of an outer pytest run (xdist worker ids, current test) must not reach the project's.
# Variables of a calling pytest that would make a project's own pytest act as its worker.
_LEAKY_PREFIXES = ("PYTEST_",)
# The test servers: without them a project's tests use a temporary SQLite file and, for Redis,
# their in-process stand-in.
TEST_SERVER_VARIABLES = ("TEST_DATABASE_URL", "TEST_REDIS_URL", "DATABASE_URL", "REDIS_URL")
_TRACEBACK = "Traceback (most recent call last):"


class SmokeInputError(GeneratorError):
    """The smoke test cannot start: not a rendered project, or the requested port is taken."""


@dataclass
class SmokeStep:
    """One step of a smoke run."""

    name: str
    ok: bool
    seconds: float
    detail: str = ""
    phase: Phase = "checks"


@dataclass
class SmokeReport:
    """The steps of one smoke run, in the order they ran."""

    project: Path
    steps: list[SmokeStep] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when at least one step ran and none failed."""
        return bool(self.steps) and all(step.ok for step in self.steps)

    @property
    def failed(self) -> list[SmokeStep]:
        """The failed steps."""
        return [step for step in self.steps if not step.ok]

    def seconds(self, phase: Phase) -> float | None:
        """Total seconds spent in one phase, or None when none of its steps ran."""
        times = [step.seconds for step in self.steps if step.phase == phase]
        return sum(times) if times else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the report."""
        return {
            "project": str(self.project),
            "ok": self.ok,
            "steps": [
                {
                    "name": step.name,
                    "phase": step.phase,
                    "ok": step.ok,
                    "seconds": round(step.seconds, 3),
                    "detail": step.detail,
                }
                for step in self.steps
            ],
        }


class SmokeCancelled(Exception):
    """The caller asked the run to stop (the server is stopped before this propagates)."""


def smoke_project(
    project: Path,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int | None = None,
    skip_checks: bool = False,
    port: int | None = None,
    checks_env: Mapping[str, str] | None = None,
    on_step: Callable[[SmokeStep], None] | None = None,
    cancel: threading.Event | None = None,
) -> SmokeReport:
    """Run the smoke steps on a rendered ``project`` and return the report.

    ``database_url`` / ``redis_url`` are exported as ``DATABASE_URL`` / ``REDIS_URL`` to every
    step (unset: the project's own defaults apply). ``checks_env`` is added for the checks only:
    the project's tests read ``TEST_DATABASE_URL`` / ``TEST_REDIS_URL`` and empty that database,
    so pass only throwaway ones. ``workers`` defaults to the project's answer.
    The server is always stopped, also on exceptions and KeyboardInterrupt. Raises
    :class:`SmokeInputError` (before anything runs) for a path that is not a rendered project or
    a ``port`` in use.
    """
    project = project.expanduser().resolve()
    try:
        answers = read_answers(project)
    except GeneratorError as error:
        raise SmokeInputError(str(error)) from error
    if port is not None and port_in_use(port):
        raise SmokeInputError(f"Port {port} on 127.0.0.1 is in use: pick another with --port.")
    try:
        worker_count = workers if workers is not None else int(answers.get("workers", 1))
    except (TypeError, ValueError):
        raise SmokeInputError(
            f"The answers file of {project} has workers={answers.get('workers')!r}: pass --workers."
        ) from None
    if worker_count < 1:
        raise SmokeInputError(f"--workers must be at least 1, got {worker_count}.")

    report = SmokeReport(project)

    def record(step: SmokeStep) -> SmokeStep:
        report.steps.append(step)
        if on_step is not None:
            on_step(step)
        return step

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise SmokeCancelled

    env = _project_env(database_url, redis_url)
    if not skip_checks:
        test_env = {**env, **(checks_env or {})}
        for name, arguments in CHECKS:
            check_cancel()
            record(_run_command(name, "checks", project, arguments, test_env, CHECK_TIMEOUT))
    check_cancel()
    migrate = record(
        _run_command("migrate", "migrate", project, ("app", "migrate"), env, MIGRATE_TIMEOUT)
    )
    if not migrate.ok:
        return report
    check_cancel()
    boot_env = {
        **env,
        "WEB_CONCURRENCY": str(worker_count),
        "HOST": "127.0.0.1",
        "PORT": str(port if port is not None else free_port()),
        "PYTHONUNBUFFERED": "1",
    }
    server = ServerProcess(project, boot_env, int(boot_env["PORT"]))
    try:
        started = time.perf_counter()
        server.start()
        try:
            server.wait_healthy(BOOT_TIMEOUT, cancel)
        except BootFailed as error:
            record(SmokeStep("boot", False, time.perf_counter() - started, str(error), "boot"))
        else:
            detail = f"{worker_count} worker(s) on {server.base_url}"
            record(SmokeStep("boot", True, time.perf_counter() - started, detail, "boot"))
            settings = ContractSettings.from_answers(answers, worker_count)
            _walk_contract(server.base_url, settings, record, check_cancel)
    finally:
        started = time.perf_counter()
        problem = server.stop(STOP_TIMEOUT)
        record(
            SmokeStep(
                "stop (SIGTERM)",
                problem is None,
                time.perf_counter() - started,
                problem or "exited cleanly",
                "stop",
            )
        )
        server.close()
    check_cancel()
    return report


def _walk_contract(
    base_url: str,
    settings: ContractSettings,
    record: Callable[[SmokeStep], SmokeStep],
    check_cancel: Callable[[], None],
) -> None:
    """Run the contract checks in order, stopping at the first failure."""
    # A new connection per request, so that with several workers the reads after writes reach
    # other workers than the writes did.
    no_keepalive = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=base_url, timeout=10.0, limits=no_keepalive) as client:
        walk = ContractWalk(client, settings)
        try:
            for name, check in walk.checks():
                check_cancel()
                started = time.perf_counter()
                try:
                    check()
                except (ContractViolation, httpx.HTTPError) as error:
                    detail = one_line(error)
                    record(SmokeStep(name, False, time.perf_counter() - started, detail, "http"))
                    return
                record(SmokeStep(name, True, time.perf_counter() - started, "", "http"))
        finally:
            walk.cleanup()


def _run_command(
    name: str,
    phase: Phase,
    project: Path,
    arguments: tuple[str, ...],
    env: Mapping[str, str],
    timeout: float,
) -> SmokeStep:
    """``python -m <arguments>`` in the project; the step's detail is the output's tail."""
    command = [sys.executable, "-m", *arguments]
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command,
            cwd=project,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        detail = f"python -m {' '.join(arguments)} did not finish within {timeout:.0f} s"
        return SmokeStep(name, False, time.perf_counter() - started, detail, phase)
    seconds = time.perf_counter() - started
    output = completed.stdout.decode("utf-8", "replace")
    if completed.returncode == 0:
        return SmokeStep(name, True, seconds, _tail(output, 1), phase)
    # Checks print their findings last; other commands fail with a traceback at best.
    summary = _tail(output, 20) if phase == "checks" else _failure_summary(output)
    detail = f"exit code {completed.returncode}: {summary}"
    return SmokeStep(name, False, seconds, detail, phase)


def project_environment(drop: Sequence[str] = ()) -> dict[str, str]:
    """This process's environment for a rendered project's commands: without a calling pytest's
    variables, and without the names in `drop` (e.g. TEST_SERVER_VARIABLES)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_LEAKY_PREFIXES) and key not in drop
    }


def _project_env(database_url: str | None, redis_url: str | None) -> dict[str, str]:
    env = project_environment()
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return env


def _failure_summary(output: str) -> str:
    """A traceback's final exception line, else the last lines (mypy errors, pytest summary)."""
    if _TRACEBACK in output:
        after = output.rsplit(_TRACEBACK, 1)[1].splitlines()
        final = [line for line in after if line.strip() and not line[0].isspace()]
        if final:
            return f"{final[-1].strip()} (traceback in the output)"
    return _tail(output, 20)


def _tail(output: str, lines: int) -> str:
    kept = [line.rstrip() for line in output.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
