"""The combination list, the refused answer sets, and one small slice of `fastapi-stack matrix`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.matrix import (
    COMBINATIONS,
    UNSUPPORTED,
    Combination,
    MatrixError,
    UnsupportedAnswers,
    select,
)
from generator.render import RenderError, render_project
from tests.cli_helpers import assert_refused, invoke

pytestmark = pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning")


def test_eighteen_combinations_with_unique_readable_ids() -> None:
    assert len(COMBINATIONS) == 18
    ids = [combination.id for combination in COMBINATIONS]
    assert len(set(ids)) == 18
    assert "sqlalchemy-postgres-redis" in ids
    assert "tortoise-sqlite-none" in ids


@pytest.mark.parametrize(
    ("combination", "services", "workers"),
    [
        (Combination("sqlalchemy", "sqlite", "none"), set(), 1),
        (Combination("sqlalchemy", "sqlite", "memory"), set(), 1),
        (Combination("tortoise", "postgres", "memory"), {"postgres"}, 1),
        (Combination("tortoise", "mysql", "redis"), {"mysql", "redis"}, 2),
        (Combination("sqlalchemy", "sqlite", "redis"), {"redis"}, 2),
    ],
    ids=lambda value: value.id if isinstance(value, Combination) else None,
)
def test_answers_and_services(combination: Combination, services: set[str], workers: int) -> None:
    assert combination.services == services
    assert combination.answers == {
        "orm": combination.orm,
        "database": combination.database,
        "cache": combination.cache,
        "workers": workers,
    }


def test_select_ors_within_a_key_and_ands_across_keys() -> None:
    assert select([]) == list(COMBINATIONS)
    chosen = select(["orm=tortoise", "cache=none", "cache=redis"])
    assert {combination.id for combination in chosen} == {
        f"tortoise-{database}-{cache}"
        for database in ("sqlite", "postgres", "mysql")
        for cache in ("none", "redis")
    }


@pytest.mark.parametrize(
    ("only", "fragment"),
    [
        ("orm=django", "orm is one of sqlalchemy, tortoise"),
        ("colour=blue", "KEY one of orm, database, cache"),
        ("orm", "is not KEY=VALUE"),
    ],
)
def test_select_refuses_unknown_filters(only: str, fragment: str) -> None:
    with pytest.raises(MatrixError, match=fragment):
        select([only])


def test_matrix_refuses_an_unsupported_filter_in_one_line() -> None:
    assert_refused(invoke("matrix", "--only", "orm=django"), "orm is one of sqlalchemy, tortoise")


@pytest.mark.parametrize("case", UNSUPPORTED, ids=lambda case: case.id)
def test_unsupported_answers_are_refused(tmp_path: Path, case: UnsupportedAnswers) -> None:
    dest = tmp_path / "svc"
    with pytest.raises(RenderError) as refused:
        render_project(dest, case.answers)
    assert case.message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not dest.exists()


@pytest.mark.slow
def test_matrix_slice_end_to_end(tmp_path: Path) -> None:
    report = tmp_path / "matrix.json"
    result = invoke(
        "matrix",
        "--only",
        "orm=sqlalchemy",
        "--only",
        "database=sqlite",
        "--only",
        "cache=none",
        "--json",
        str(report),
    )
    assert result.exit_code == 0, result.output
    assert "sqlalchemy-sqlite-none" in result.stdout
    assert "Median render time:" in result.stdout
    (entry,) = json.loads(report.read_text())
    assert entry["id"] == "sqlalchemy-sqlite-none"
    assert entry["status"] == "passed", entry
    assert entry["render_seconds"] > 0
    assert entry["checks_seconds"] > 0
    assert entry["boot_seconds"] > 0
    step_names = [step["name"] for step in entry["smoke"]["steps"]]
    assert step_names[:6] == ["ruff check", "ruff format", "mypy", "pytest", "migrate", "boot"]
    assert step_names[-1] == "stop (SIGTERM)"
