"""The one definition of the supported answer combinations, and the run that proves them all.

``COMBINATIONS`` (orm x database x cache) feeds pytest ids, the ``matrix`` command and CI;
``UNSUPPORTED`` lists answer sets copier must refuse, each with a fragment of the expected message.
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from generator.errors import GeneratorError, one_line
from generator.render import RENDER_LOCK, RenderError, render_project
from generator.services import (
    DatabaseKind,
    ServiceError,
    ServiceName,
    fresh_database,
    fresh_redis_database,
    is_reachable,
    require_services,
    unreachable_reason,
)
from generator.smoke import SmokeCancelled, SmokeReport, smoke_project

ORMS = ("sqlalchemy", "tortoise")
DATABASES = ("sqlite", "postgres", "mysql")
CACHES = ("none", "memory", "redis")
AXES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"orm": ORMS, "database": DATABASES, "cache": CACHES}
)
# Redis is what makes several workers correct, so its combinations run two of them.
REDIS_WORKERS = 2

Status = Literal["passed", "failed", "skipped"]


class MatrixError(GeneratorError):
    """A refused ``--only`` filter."""


@dataclass(frozen=True)
class Combination:
    """One supported choice of ORM, database and cache."""

    orm: str
    database: str
    cache: str

    @property
    def id(self) -> str:
        """Readable id for pytest and reports, e.g. ``sqlalchemy-postgres-redis``."""
        return f"{self.orm}-{self.database}-{self.cache}"

    @property
    def workers(self) -> int:
        """Worker processes this combination is rendered with."""
        return REDIS_WORKERS if self.cache == "redis" else 1

    @property
    def answers(self) -> dict[str, Any]:
        """The copier data that renders this combination (everything else is a default)."""
        return {
            "orm": self.orm,
            "database": self.database,
            "cache": self.cache,
            "workers": self.workers,
        }

    @property
    def services(self) -> frozenset[ServiceName]:
        """The local servers a live run of this combination needs."""
        needed: set[ServiceName] = set()
        if self.database == "postgres":
            needed.add("postgres")
        elif self.database == "mysql":
            needed.add("mysql")
        if self.cache == "redis":
            needed.add("redis")
        return frozenset(needed)


COMBINATIONS: tuple[Combination, ...] = tuple(
    Combination(orm, database, cache)
    for orm, database, cache in itertools.product(ORMS, DATABASES, CACHES)
)


@dataclass(frozen=True)
class UnsupportedAnswers:
    """Answers copier must refuse, with a fragment of the message the user must see."""

    id: str
    answers: Mapping[str, Any]
    message: str


UNSUPPORTED: tuple[UnsupportedAnswers, ...] = (
    UnsupportedAnswers("memory-cache-many-workers", {"cache": "memory", "workers": 2}, "stale"),
    UnsupportedAnswers("zero-workers", {"workers": 0}, "workers must be between 1 and 64"),
    UnsupportedAnswers("too-many-workers", {"workers": 65}, "workers must be between 1 and 64"),
    UnsupportedAnswers("unknown-orm", {"orm": "django"}, "Invalid choice for 'orm'"),
    UnsupportedAnswers("unknown-database", {"database": "oracle"}, "Invalid choice for 'database'"),
    UnsupportedAnswers("unknown-cache", {"cache": "memcached"}, "Invalid choice for 'cache'"),
    UnsupportedAnswers("bad-slug", {"project_slug": "My Service"}, "project_slug"),
    UnsupportedAnswers("empty-name", {"project_name": " "}, "project_name must not be empty"),
    UnsupportedAnswers(
        "origin-with-path", {"cors_origins": ["https://app.example.com/"]}, "is invalid"
    ),
    UnsupportedAnswers(
        "credentials-with-any-origin",
        {"cors_origins": ["*"], "cors_allow_credentials": True},
        "cors_allow_credentials",
    ),
    UnsupportedAnswers("zero-cache-ttl", {"cache": "redis", "cache_ttl": 0}, "cache_ttl"),
)


def select(only: Iterable[str]) -> list[Combination]:
    """The combinations matching ``KEY=VALUE`` filters: OR within a key, AND across keys."""
    wanted: dict[str, set[str]] = {}
    for item in only:
        key, separator, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not separator or key not in AXES:
            raise MatrixError(
                f"--only {item!r} is not KEY=VALUE with KEY one of {', '.join(AXES)}."
            )
        if value not in AXES[key]:
            raise MatrixError(
                f"--only {key}={value} is not supported: {key} is one of {', '.join(AXES[key])}."
            )
        wanted.setdefault(key, set()).add(value)
    return [
        combination
        for combination in COMBINATIONS
        if all(getattr(combination, key) in values for key, values in wanted.items())
    ]


@dataclass
class MatrixResult:
    """The outcome of one combination: rendered, smoke-tested, or skipped for a missing server."""

    combination: Combination
    status: Status
    reason: str = ""
    render_seconds: float | None = None
    report: SmokeReport | None = field(default=None, repr=False)

    @property
    def checks_seconds(self) -> float | None:
        """Seconds in the project's own checks (ruff, format, mypy, pytest); None if not run."""
        return self.report.seconds("checks") if self.report else None

    @property
    def boot_seconds(self) -> float | None:
        """Seconds from ``python -m app`` to a healthy ``/health``; None if not run."""
        return self.report.seconds("boot") if self.report else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the result."""
        return {
            "id": self.combination.id,
            "answers": self.combination.answers,
            "status": self.status,
            "reason": self.reason,
            "render_seconds": _rounded(self.render_seconds),
            "checks_seconds": _rounded(self.checks_seconds),
            "boot_seconds": _rounded(self.boot_seconds),
            "smoke": self.report.to_dict() if self.report else None,
        }


def median_render_seconds(results: Sequence[MatrixResult]) -> float | None:
    """The median render time over the combinations that were rendered."""
    times = [result.render_seconds for result in results if result.render_seconds is not None]
    return statistics.median(times) if times else None


def run_matrix(
    combinations: Sequence[Combination],
    jobs: int | None = None,
    *,
    skip_checks: bool = False,
    template: str | Path | None = None,
    vcs_ref: str | None = "HEAD",
    on_result: Callable[[MatrixResult], None] | None = None,
) -> list[MatrixResult]:
    """Render and smoke-test each combination, ``jobs`` at a time (default: one per CPU).

    A combination whose server is down is skipped naming it, or failed under
    ``REQUIRE_SERVICES=1``. Results come back in the order of ``combinations``; ``on_result``
    is called (from a worker thread) as each one finishes. On KeyboardInterrupt the runs in
    progress stop their servers before the interrupt propagates.
    """
    workers = max(1, jobs or os.cpu_count() or 1)
    cancel = threading.Event()
    results: dict[Combination, MatrixResult] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="matrix") as pool:
        futures: dict[Future[MatrixResult], Combination] = {
            pool.submit(_run_one, combination, skip_checks, template, vcs_ref, cancel): combination
            for combination in combinations
        }
        try:
            for future in as_completed(futures):
                result = future.result()
                results[futures[future]] = result
                if on_result is not None:
                    on_result(result)
        except BaseException:
            cancel.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[combination] for combination in combinations]


def _run_one(
    combination: Combination,
    skip_checks: bool,
    template: str | Path | None,
    vcs_ref: str | None,
    cancel: threading.Event,
) -> MatrixResult:
    missing = sorted(name for name in combination.services if not is_reachable(name))
    if missing:
        reason = "; ".join(unreachable_reason(name) for name in missing)
        if require_services():
            return MatrixResult(combination, "failed", f"{reason} (REQUIRE_SERVICES=1)")
        return MatrixResult(combination, "skipped", reason)
    if cancel.is_set():
        return MatrixResult(combination, "skipped", "cancelled")
    with tempfile.TemporaryDirectory(prefix=f"fstack-{combination.id}-") as workdir:
        project = Path(workdir) / "project"
        try:
            with RENDER_LOCK:  # renders take turns; time the render, not the wait
                started = time.perf_counter()
                render_project(project, combination.answers, template=template, vcs_ref=vcs_ref)
                render_seconds = time.perf_counter() - started
        except RenderError as error:
            return MatrixResult(combination, "failed", f"render: {error}")
        try:
            with ExitStack() as stack:
                # The project's own tests empty their database, so they get separate ones.
                test_env: dict[str, str] = {}
                database_url = None
                if combination.database in ("postgres", "mysql"):
                    kind: DatabaseKind = (
                        "postgres" if combination.database == "postgres" else "mysql"
                    )
                    if not skip_checks:
                        test_env["TEST_DATABASE_URL"] = stack.enter_context(fresh_database(kind))
                    database_url = stack.enter_context(fresh_database(kind))
                redis_url = None
                if combination.cache == "redis":
                    if not skip_checks:
                        test_env["TEST_REDIS_URL"] = stack.enter_context(fresh_redis_database())
                    redis_url = stack.enter_context(fresh_redis_database())
                report = smoke_project(
                    project,
                    database_url=database_url,
                    redis_url=redis_url,
                    skip_checks=skip_checks,
                    checks_env=test_env,
                    cancel=cancel,
                )
        except ServiceError as error:
            return MatrixResult(combination, "failed", str(error), render_seconds)
        except SmokeCancelled:
            return MatrixResult(combination, "skipped", "cancelled", render_seconds)
        except Exception as error:  # one broken combination must not stop the others
            reason = f"internal error: {type(error).__name__}: {one_line(error)}"
            return MatrixResult(combination, "failed", reason, render_seconds)
    if report.ok:
        return MatrixResult(combination, "passed", "", render_seconds, report)
    failed = report.failed[0]
    return MatrixResult(
        combination, "failed", f"{failed.name}: {failed.detail}", render_seconds, report
    )


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)
