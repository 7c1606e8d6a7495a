"""`fastapi-stack new` and the help of every command, through Typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.render import ANSWERS_FILE, RenderError, render_project
from tests.cli_helpers import assert_refused, invoke

pytestmark = pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning")


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "new",
            [
                "--orm",
                "--database",
                "--cache",
                "--workers",
                "--cors-origin",
                "--data",
                "--defaults",
                "--interactive",
                "--vcs-ref",
                "--template",
                "--force",
            ],
        ),
        (
            "smoke",
            ["--database-url", "--redis-url", "--workers", "--port", "--skip-checks", "--json"],
        ),
        ("matrix", ["--jobs", "--only", "--skip-checks", "--json"]),
    ],
)
def test_help_lists_every_option(command: str, options: list[str]) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    for option in options:
        assert option in result.stdout


def test_root_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("new", "smoke", "matrix"):
        assert command in result.stdout


def test_new_renders_the_answers_and_the_project(tmp_path: Path) -> None:
    dest = tmp_path / "orders"
    result = invoke(
        "new",
        str(dest),
        "--orm",
        "sqlalchemy",
        "--database",
        "sqlite",
        "--cache",
        "none",
        "--workers",
        "3",
        "--cors-origin",
        "https://shop.example",
        "--cors-origin",
        "http://localhost:5173",
        "--data",
        "project_name=Orders API",
    )
    assert result.exit_code == 0, result.output
    assert str(dest) in result.stdout
    answers = yaml.safe_load((dest / ANSWERS_FILE).read_text())
    assert answers["_src_path"] == str(Path(__file__).resolve().parents[1])
    expected = {
        "project_name": "Orders API",
        "project_slug": "orders-api",
        "orm": "sqlalchemy",
        "database": "sqlite",
        "cache": "none",
        "workers": 3,
        "cors_origins": ["https://shop.example", "http://localhost:5173"],
    }
    assert {key: answers[key] for key in expected} == expected
    for path in (
        "pyproject.toml",
        "app/__main__.py",
        "app/main.py",
        "app/api/routes/items.py",
        "app/api/routes/health.py",
        "app/db/__init__.py",
        "tests",
    ):
        assert (dest / path).exists(), path
    assert not (dest / "app" / "cache").exists(), "cache none renders no cache package"


def test_data_values_are_cast_by_question_type(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    result = invoke(
        "new",
        str(dest),
        "--data",
        "workers=2",
        "--data",
        "cache=redis",
        "--data",
        'cors_origins=["https://a.example"]',
    )
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((dest / ANSWERS_FILE).read_text())
    assert answers["workers"] == 2
    assert answers["cors_origins"] == ["https://a.example"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--workers", "0"], "workers must be between 1 and 64; got 0."),
        (["--data", "workers=0"], "workers must be between 1 and 64; got 0."),
        (["--data", "orm=django"], "Invalid choice for 'orm': 'django' is not in"),
        (["--orm", "django"], "['sqlalchemy', 'tortoise']"),
        (["--cache", "memory", "--workers", "4"], 'cache "memory"'),
        (["--data", "workers=many"], "workers must be an integer, got 'many'."),
        (["--data", "cahce=redis"], "Unknown question 'cahce'"),
        (["--data", "no-equals-sign"], "is not KEY=VALUE"),
        (["--cors-origin", "https://app.example/path"], "is invalid"),
        (["--template", "/nonexistent/template"], "No copier.yml in /nonexistent/template"),
        (["--vcs-ref", "no-such-ref"], "no-such-ref"),
    ],
)
def test_new_refuses_bad_answers(tmp_path: Path, args: list[str], fragment: str) -> None:
    dest = tmp_path / "svc"
    result = invoke("new", str(dest), *args)
    assert_refused(result, fragment)
    assert not dest.exists(), "a refused render leaves nothing behind"


def test_new_refuses_a_non_empty_destination_unless_forced(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n")
    assert_refused(invoke("new", str(dest)), "is not empty")
    assert sorted(path.name for path in dest.iterdir()) == ["notes.txt"]

    result = invoke("new", str(dest), "--force")
    assert result.exit_code == 0, result.output
    assert (dest / ANSWERS_FILE).is_file()
    assert (dest / "notes.txt").read_text() == "mine\n"


def test_a_refused_render_leaves_an_existing_empty_destination_empty(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    assert_refused(invoke("new", str(dest), "--workers", "65"), "workers must be between")
    assert dest.is_dir()
    assert list(dest.iterdir()) == []


def test_a_file_as_destination_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.write_text("")
    assert_refused(invoke("new", str(dest)), "is not a directory")


def test_render_project_api_returns_the_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    project = render_project("relative-dest", {"cache": "none"})
    assert project == tmp_path / "relative-dest"
    assert (project / ANSWERS_FILE).is_file()
    with pytest.raises(RenderError, match="workers must be between 1 and 64"):
        render_project(tmp_path / "other", {"workers": 99})
