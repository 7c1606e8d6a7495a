"""Schema drift: a model edited without a migration fails the project's own test, which says how
to create the migration; and on PostgreSQL nothing builds tables from the models.

Rendered from the working tree; the projects' tests run with this interpreter, on a temporary
SQLite file of their own (never a database named in this process's environment).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.render import render_project
from generator.smoke import TEST_SERVER_VARIABLES, project_environment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning"),
]

ORMS = ("sqlalchemy", "tortoise")
# The field a developer adds to ItemRecord, written as each ORM's models.py writes fields.
STOCK_FIELD = {
    "sqlalchemy": "    stock: Mapped[int | None] = mapped_column()",
    "tortoise": "    stock = fields.IntField(null=True)",
}
HOW_TO_MIGRATE = {
    "sqlalchemy": "alembic revision --autogenerate",
    "tortoise": "aerich migrate",
}
DRIFT_TEST = "tests/test_migrations.py::test_models_match_the_migrations"
# The outer run's variables, and databases the project's tests would otherwise use and empty.


def run_migrations_tests(project: Path) -> subprocess.CompletedProcess[str]:
    """The project's tests/test_migrations.py, run by its own pytest configuration."""
    env = project_environment(drop=TEST_SERVER_VARIABLES)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_migrations.py",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def add_stock_field(project: Path, orm: str) -> None:
    """Add a nullable integer ``stock`` to ItemRecord, after its ``price``, by editing the text."""
    models = project / "app" / "db" / "models.py"
    lines = models.read_text(encoding="utf-8").splitlines(keepends=True)
    anchors = [number for number, line in enumerate(lines) if re.match(r"    price\b", line)]
    assert len(anchors) == 1, f"expected one `    price` field in {models}, found {anchors}"
    lines.insert(anchors[0] + 1, STOCK_FIELD[orm] + "\n")
    models.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("orm", ORMS)
def test_a_model_changed_without_a_migration_fails_with_how_to_migrate(
    orm: str, tmp_path: Path
) -> None:
    answers = {"orm": orm, "database": "sqlite", "cache": "none"}
    project = render_project(tmp_path / "project", answers)
    before = run_migrations_tests(project)
    assert before.returncode == 0, f"as rendered:\n{before.stdout}{before.stderr}"

    add_stock_field(project, orm)
    after = run_migrations_tests(project)
    output = after.stdout + after.stderr
    # 1 is "tests failed"; an edit that broke the import would be a collection error (2).
    assert after.returncode == 1, f"with `stock` added, exit code {after.returncode}:\n{output}"
    assert f"FAILED {DRIFT_TEST}" in output, f"{DRIFT_TEST} did not fail:\n{output}"
    # The failure's own message (pytest's "E" lines), not the test's source shown around it.
    message = [line for line in output.splitlines() if line.startswith("E ")]
    hint = [line for line in message if HOW_TO_MIGRATE[orm] in line]
    assert hint, f"no `{HOW_TO_MIGRATE[orm]}` in the failure messages:\n" + "\n".join(message)
    # Quoted, as a column in the drift: the tortoise hint's example (--name add_stock) is no proof.
    named = [line for line in message if re.search(r"['\"]stock['\"]", line)]
    assert named, "the drift does not name the column `stock`:\n" + "\n".join(message)


def mentions(project: Path, text: str) -> list[str]:
    """``path:line: text`` of every line of the project's text files that contains ``text``."""
    found: list[str] = []
    for path in sorted(project.rglob("*")):
        if not path.is_file():
            continue
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(content.splitlines(), start=1):
            if text in line:
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return found


def unguarded_references(source: str, name: str) -> list[int]:
    """Lines where code refers to ``name`` outside the body of an ``if`` taken only for SQLite.

    A guard is an ``if`` whose condition mentions sqlite and has no negation or ``or`` (so
    ``if dialect != "sqlite"`` and ``if sqlite or postgres`` do not count). Comments and
    strings are no code path.
    """
    found: list[int] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.If):
            visit(node.test, guarded)
            for statement in node.body:
                visit(statement, guarded or _only_sqlite(source, node.test))
            for statement in node.orelse:
                visit(statement, guarded)
            return
        named = (isinstance(node, ast.Attribute) and node.attr == name) or (
            isinstance(node, ast.Name) and node.id == name
        )
        if named and not guarded:
            found.append(getattr(node, "lineno", 0))
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    visit(ast.parse(source), guarded=False)
    return found


def _only_sqlite(source: str, test: ast.expr) -> bool:
    condition = (ast.get_source_segment(source, test) or "").lower()
    widening = (ast.Not, ast.NotEq, ast.NotIn, ast.IsNot, ast.Or)
    return "sqlite" in condition and not any(isinstance(n, widening) for n in ast.walk(test))


@pytest.mark.parametrize("orm", ORMS)
def test_postgres_projects_build_no_tables_from_the_models(orm: str, tmp_path: Path) -> None:
    answers = {"orm": orm, "database": "postgres", "cache": "none"}
    project = render_project(tmp_path / "project", answers)

    create_all = mentions(project, "create_all(")
    assert not create_all, "create_all( in a PostgreSQL project:\n" + "\n".join(create_all)

    unguarded = [
        f"{path.relative_to(project)}:{number}"
        for path in sorted(project.rglob("*.py"))
        for number in unguarded_references(path.read_text(encoding="utf-8"), "generate_schemas")
    ]
    every_line = "\n".join(mentions(project, "generate_schemas")) or "(none)"
    assert not unguarded, (
        f"generate_schemas outside an SQLite-only branch at {', '.join(unguarded)}; "
        f"every line naming it:\n{every_line}"
    )


GUARD_CASES = [
    ('if dialect == "sqlite":\n    await Tortoise.generate_schemas()\n', []),
    ('if url.startswith("sqlite"):\n    pass\nelse:\n    generate_schemas()\n', [4]),
    ('if dialect != "sqlite":\n    await Tortoise.generate_schemas()\n', [2]),
    ("if sqlite or postgres:\n    await Tortoise.generate_schemas()\n", [2]),
    ("build = Tortoise.generate_schemas\n# generate_schemas in a comment\n", [1]),
    ('def f():\n    """generate_schemas in a docstring"""\n', []),
]


@pytest.mark.parametrize(("source", "expected"), GUARD_CASES)
def test_the_guard_check_tells_sqlite_only_branches_apart(source: str, expected: list[int]) -> None:
    assert unguarded_references(source, "generate_schemas") == expected
