"""`fastapi-stack smoke` on a rendered project: the full pass, a broken project, refused input."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from generator.contract import ContractSettings
from generator.render import render_project
from generator.server import port_in_use
from generator.smoke import smoke_project
from tests.cli_helpers import assert_refused, break_read_item, invoke

pytestmark = pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning")


@pytest.fixture(scope="module")
def default_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default answers rendered once; tests smoke a copy, since a run leaves files behind."""
    return render_project(tmp_path_factory.mktemp("render") / "default", {})


@pytest.fixture
def project(default_render: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_render, tmp_path / "project"))


@pytest.mark.slow
def test_smoke_passes_every_step_of_the_default_project(project: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "smoke.json"
    result = invoke("smoke", str(project), "--json", str(report_file))
    assert result.exit_code == 0, result.output
    assert "all steps passed" in result.stdout
    report = json.loads(report_file.read_text())
    assert report["ok"] is True
    names = [step["name"] for step in report["steps"]]
    assert names[:6] == ["ruff check", "ruff format", "mypy", "pytest", "migrate", "boot"]
    assert {
        "http: ready",
        "http: create item",
        "http: read item",
        "http: list items",
        "http: replace item",
        "http: patch item",
        "http: 422 on negative price",
        "http: cache hit, miss and invalidation",
        "http: cors preflight",
        "http: delete item and 404",
    } <= set(names)
    assert names[-1] == "stop (SIGTERM)"
    assert all(step["ok"] for step in report["steps"])


@pytest.mark.slow
def test_smoke_of_a_broken_project_fails_and_names_the_step(project: Path) -> None:
    break_read_item(project)
    result = invoke("smoke", str(project), "--skip-checks")
    assert result.exit_code == 1, result.output
    assert "http: read item failed:" in result.stdout
    assert "500" in result.stdout
    assert "smoke test failed" in result.stdout


@pytest.mark.slow
def test_the_server_is_stopped_when_a_step_fails(project: Path) -> None:
    break_read_item(project)
    port = _free_port()
    report = smoke_project(project, skip_checks=True, port=port)
    assert [step.name for step in report.failed] == ["http: read item"]
    stop = report.steps[-1]
    assert (stop.name, stop.ok) == ("stop (SIGTERM)", True)
    assert not port_in_use(port)


@pytest.mark.slow
def test_an_unreachable_database_fails_the_migrate_step(project: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_free_port()}/nowhere"
    result = invoke("smoke", str(project), "--skip-checks", "--database-url", url)
    assert result.exit_code == 1, result.output
    assert "migrate failed:" in result.stdout


def test_a_missing_project_is_refused(tmp_path: Path) -> None:
    assert_refused(invoke("smoke", str(tmp_path / "nowhere")), "is not a directory")


def test_a_directory_that_is_not_a_rendered_project_is_refused(tmp_path: Path) -> None:
    assert_refused(invoke("smoke", str(tmp_path)), "has no .copier-answers.yml")


def test_a_port_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("workers: 1\n")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert_refused(
            invoke("smoke", str(tmp_path), "--port", str(port)), f"Port {port} on 127.0.0.1"
        )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {
                "cache": "redis",
                "cors_origins": ["https://a.example"],
                "cors_allow_methods": ["post"],
            },
            ContractSettings("redis", 2, "https://a.example", False, "POST"),
        ),
        ({"cors_origins": ["*"]}, ContractSettings("none", 2, None, True, "GET")),
        ({}, ContractSettings("none", 2, None, False, "GET")),
    ],
)
def test_contract_expectations_follow_the_answers(
    answers: dict[str, object], expected: ContractSettings
) -> None:
    assert ContractSettings.from_answers(answers, workers=2) == expected


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
