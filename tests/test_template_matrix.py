"""Every supported combination, rendered once per session and proven by running it.

For each combination of generator.matrix.COMBINATIONS: the rendered project's own ruff check,
ruff format --check, mypy --strict and pytest (against a fresh PostgreSQL/MariaDB database and a
claimed Redis database where the combination uses them), then a live boot with real uvicorn
workers that walks the HTTP contract. A combination's tests share one xdist worker, so the
render is reused.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

from generator.matrix import COMBINATIONS, Combination
from generator.services import DatabaseKind, fresh_database, fresh_redis_database
from generator.smoke import project_environment, smoke_project
from tests.conftest import need_services

pytestmark = pytest.mark.slow

PARAMS = [
    pytest.param(combination, id=combination.id, marks=pytest.mark.xdist_group(combination.id))
    for combination in COMBINATIONS
]
_RENDERED: dict[str, Path] = {}


@pytest.fixture
def project(copie_session: Copie, combination: Combination) -> Path:
    """The combination rendered from the working tree, once per session."""
    if combination.id not in _RENDERED:
        result = copie_session.copy(extra_answers=combination.answers)
        assert result.exception is None, result.exception
        assert result.project_dir is not None
        _RENDERED[combination.id] = result.project_dir
    return _RENDERED[combination.id]


@pytest.fixture
def services(combination: Combination) -> Iterator[dict[str, str]]:
    """Fresh servers for this combination: TEST_DATABASE_URL / TEST_REDIS_URL, or nothing."""
    need_services(combination.services)
    env: dict[str, str] = {}
    with ExitStack() as stack:
        if combination.database in ("postgres", "mysql"):
            kind: DatabaseKind = "postgres" if combination.database == "postgres" else "mysql"
            env["TEST_DATABASE_URL"] = stack.enter_context(fresh_database(kind))
        if combination.cache == "redis":
            env["TEST_REDIS_URL"] = stack.enter_context(fresh_redis_database())
        yield env


def run_in(project: Path, *arguments: str, env: dict[str, str] | None = None) -> None:
    """Run `python -m ...` in the project with this interpreter; fail with its output."""
    result = subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=project,
        env={**project_environment(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"{' '.join(arguments)} failed:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("combination", PARAMS)
def test_ruff_check(project: Path) -> None:
    run_in(project, "ruff", "check", ".")


@pytest.mark.parametrize("combination", PARAMS)
def test_ruff_format(project: Path) -> None:
    run_in(project, "ruff", "format", "--check", ".")


@pytest.mark.parametrize("combination", PARAMS)
def test_mypy_strict(project: Path) -> None:
    try:
        run_in(project, "mypy")
    except AssertionError as failure:
        if "INTERNAL ERROR" not in str(failure):
            raise
        # A crash of mypy's shared incremental cache is not a finding: check again from scratch.
        run_in(project, "mypy", env={"MYPY_CACHE_DIR": str(project / ".mypy_cache")})


@pytest.mark.parametrize("combination", PARAMS)
def test_own_tests(project: Path, services: dict[str, str]) -> None:
    run_in(project, "pytest", "-q", "-p", "no:cacheprovider", env=services)


@pytest.mark.parametrize("combination", PARAMS)
def test_live_boot_walks_the_http_contract(
    project: Path, combination: Combination, services: dict[str, str]
) -> None:
    report = smoke_project(
        project,
        database_url=services.get("TEST_DATABASE_URL"),
        redis_url=services.get("TEST_REDIS_URL"),
        skip_checks=True,
    )
    failures = [f"{step.name}: {step.detail}" for step in report.failed]
    assert report.ok, "\n".join(failures)
    assert {"migrate", "boot"} <= {step.name for step in report.steps}
