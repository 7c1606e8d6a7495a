"""Upgrading rendered projects: `copier update` brings a release and keeps the team's lines.

Every test works on throwaway template repositories (tests/update_helpers.py): ``v0.1.0`` is this
working tree with a reworded line and a missing file, ``v0.2.0`` is this working tree. One project
is rendered at ``v0.1.0`` per session and copied by each test that changes it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from generator.render import ANSWERS_FILE
from generator.update import (
    UntrustedMigrationError,
    check_update,
    find_conflicts,
    release_version,
    update_project,
)
from tests.cli_helpers import assert_refused
from tests.conftest import REPO_ROOT
from tests.update_helpers import (
    ADDED_IN_NEW_RELEASE,
    HEALTH_ROUTES,
    OLD_HEALTH_DOCSTRING,
    assert_project_checks_pass,
    build_template_repo,
    commit_all,
    copy_project,
    git,
    invoke_update_cli,
    rename_question_release,
    render_committed,
)

NEW_HEALTH_DOCSTRING = (REPO_ROOT / "template" / HEALTH_ROUTES).read_text().splitlines()[0]
TEAM_ROUTE = '''"""The team's own route: not part of the template."""

from fastapi import APIRouter

router = APIRouter(prefix="/ping", tags=["health"])


@router.get("", summary="Ping", response_description="pong")
async def ping() -> dict[str, str]:
    """Answer pong."""
    return {"ping": "pong"}
'''
TEAM_README = "\n## Our runbook\n\nPage the on-call engineer when /ready answers 503.\n"


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway template repository tagged v0.1.0 (old) and v0.2.0 (this working tree)."""
    return build_template_repo(tmp_path_factory.mktemp("update") / "template")


@pytest.fixture(scope="session")
def base_project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project a team rendered at v0.1.0 (no cache) and committed; copy it before changing."""
    dest = tmp_path_factory.mktemp("base") / "service"
    return render_committed(template_repo, dest, "v0.1.0", {"cache": "none"})


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mypy cache of this session's own, shared by the project checks that run in it."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def project(base_project: Path, tmp_path: Path) -> Path:
    """A private copy of the base project."""
    return copy_project(base_project, tmp_path / "service")


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.slow
def test_the_first_render_records_its_source_and_gives_the_team_an_ignored_env(
    base_project: Path, template_repo: Path
) -> None:
    recorded = answers(base_project)
    assert recorded["_src_path"] == str(template_repo)
    assert recorded["_commit"] == "v0.1.0"
    env = (base_project / ".env").read_text(encoding="utf-8").splitlines()
    example = (base_project / ".env.example").read_text(encoding="utf-8").splitlines()
    assert env[0].startswith("# Yours"), env[0]
    # Same settings as the example; only the header comment differs.
    assert [line for line in env if not line.startswith("#")] == [
        line for line in example if not line.startswith("#")
    ]
    assert git(base_project, "check-ignore", ".env").strip() == ".env"
    assert git(base_project, "status", "--porcelain") == ""


@pytest.mark.slow
def test_update_brings_the_new_release_and_keeps_every_team_edit(project: Path) -> None:
    assert first_line(project / HEALTH_ROUTES) == OLD_HEALTH_DOCSTRING
    assert not (project / ADDED_IN_NEW_RELEASE).exists()
    # The team's work: a new module, a changed template-owned file, README notes, its .env.
    (project / "app/api/routes/ping.py").write_text(TEAM_ROUTE, encoding="utf-8")
    items = project / "app/api/routes/items.py"
    team_items = items.read_text(encoding="utf-8").replace(
        "\n\n", "\n\n# The team: list endpoints are cached by the CDN for 5 s.\n", 1
    )
    items.write_text(team_items, encoding="utf-8")
    readme = project / "README.md"
    team_readme = readme.read_text(encoding="utf-8") + TEAM_README
    readme.write_text(team_readme, encoding="utf-8")
    env_file = project / ".env"
    team_env = env_file.read_text(encoding="utf-8").replace("LOG_LEVEL=INFO", "LOG_LEVEL=DEBUG")
    env_file.write_text(team_env, encoding="utf-8")
    commit_all(project, "Team work")

    result = update_project(project)

    assert result.ok, result.conflicts
    assert (result.previous, result.current) == ("v0.1.0", "v0.2.0")
    assert answers(project)["_commit"] == "v0.2.0"
    # The template's changes arrived...
    assert first_line(project / HEALTH_ROUTES) == NEW_HEALTH_DOCSTRING
    added = (REPO_ROOT / "template" / ADDED_IN_NEW_RELEASE).read_text(encoding="utf-8")
    assert (project / ADDED_IN_NEW_RELEASE).read_text(encoding="utf-8") == added
    # ...and every line of the team's is still there; .env was not touched at all.
    assert (project / "app/api/routes/ping.py").read_text(encoding="utf-8") == TEAM_ROUTE
    assert items.read_text(encoding="utf-8") == team_items
    assert readme.read_text(encoding="utf-8") == team_readme
    assert env_file.read_text(encoding="utf-8") == team_env
    # The update is left as a diff to review, not committed behind the team's back.
    assert {str(HEALTH_ROUTES), str(ADDED_IN_NEW_RELEASE), ANSWERS_FILE} <= set(result.changed)
    assert "app/api/routes/ping.py" not in result.changed


@pytest.mark.slow
def test_a_line_changed_by_the_team_and_the_template_is_a_reported_conflict(
    project: Path,
) -> None:
    health = project / HEALTH_ROUTES
    team_line = '"""Probes for the load balancer (the team\'s wording)."""'
    health.write_text(
        health.read_text(encoding="utf-8").replace(OLD_HEALTH_DOCSTRING, team_line, 1),
        encoding="utf-8",
    )
    commit_all(project, "Reword the probes")

    result = invoke_update_cli("update", str(project))

    assert result.exit_code == 1, result.output
    assert f"  {HEALTH_ROUTES}" in result.stderr.splitlines()
    assert "with conflicts in 1 file;" in result.stderr
    assert find_conflicts(project) == (str(HEALTH_ROUTES),)
    merged = health.read_text(encoding="utf-8").splitlines()
    start = merged.index("<<<<<<< before updating")
    assert merged[start : start + 5] == [
        "<<<<<<< before updating",
        team_line,
        "=======",
        NEW_HEALTH_DOCSTRING,
        ">>>>>>> after updating",
    ]
    # The rest of the release merged cleanly.
    assert (project / ADDED_IN_NEW_RELEASE).is_file()


@pytest.mark.slow
def test_uncommitted_changes_are_refused_and_left_alone(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "draft\n", encoding="utf-8")
    assert_refused(invoke_update_cli("update", str(project)), "uncommitted changes (README.md)")
    assert readme.read_text(encoding="utf-8").endswith("draft\n")
    git(project, "checkout", "--", "README.md")
    (project / "notes.txt").write_text("an untracked file\n", encoding="utf-8")
    assert_refused(invoke_update_cli("update", str(project)), "uncommitted changes (notes.txt)")
    assert answers(project)["_commit"] == "v0.1.0"


@pytest.mark.slow
def test_a_project_outside_git_is_refused(base_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "service"
    copy_project(base_project, project)
    shutil.rmtree(project / ".git")  # as if the team never committed the render
    assert_refused(invoke_update_cli("update", str(project)), "is not in a git repository")


@pytest.mark.parametrize("command", ["update", "check-update"])
def test_a_directory_that_is_not_a_project_is_refused(tmp_path: Path, command: str) -> None:
    assert_refused(invoke_update_cli(command, str(tmp_path)), f"has no {ANSWERS_FILE}")
    assert_refused(invoke_update_cli(command, str(tmp_path / "missing")), "is not a directory")


def test_malformed_data_is_refused_before_anything_runs(tmp_path: Path) -> None:
    result = invoke_update_cli("update", str(tmp_path), "--data", "cache")
    assert_refused(result, "--data 'cache' is not KEY=VALUE")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pair", "fragment"),
    [
        ("cach=redis", "Unknown question 'cach': the template asks project_name,"),
        ("cache=bogus", "Invalid choice for 'cache': 'bogus' is not in"),
        ("workers=0", "workers must be between 1 and 64; got 0."),
    ],
)
def test_a_bad_answer_is_refused_and_changes_nothing(
    project: Path, pair: str, fragment: str
) -> None:
    assert_refused(invoke_update_cli("update", str(project), "--data", pair), fragment)
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("ref", "version"),
    [
        ("v0.2.0", Version("0.2.0")),
        ("0.10.1", Version("0.10.1")),
        ("v0.2.0-3-gabc1234", Version("0.2.0.post3+gabc1234")),
        ("5f0c3e1b9a", None),
    ],
)
def test_release_version_reads_refs_as_copier_does(ref: str, version: Version | None) -> None:
    assert release_version(ref) == version


@pytest.mark.slow
def test_update_goes_to_the_newest_release_and_check_update_says_so(project: Path) -> None:
    assert check_update(project) == ("v0.1.0", "v0.2.0")
    result = invoke_update_cli("check-update", str(project))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"v0.2.0 is available ({project} is at v0.1.0): run `fastapi-stack update {project}`."
    ]

    assert update_project(project).current == "v0.2.0"
    commit_all(project, "Update to v0.2.0")

    assert check_update(project) == ("v0.2.0", None)
    result = invoke_update_cli("check-update", str(project))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Up to date: {project} is at v0.2.0")


@pytest.mark.slow
def test_changing_answers_adds_and_removes_exactly_their_files(
    project: Path, mypy_cache: Path
) -> None:
    readme = project / "README.md"
    team_line = "In production the service runs 4 workers behind the load balancer.\n"
    text = readme.read_text(encoding="utf-8").replace(
        "## Running\n\n", f"## Running\n\n{team_line}"
    )
    assert team_line in text
    readme.write_text(text + TEAM_README, encoding="utf-8")
    commit_all(project, "Team notes")

    def team_notes_kept() -> bool:
        text = readme.read_text(encoding="utf-8")
        return team_line in text and text.endswith(TEAM_README)

    redis_files = [
        "app/cache/__init__.py",
        "app/cache/redis.py",
        "app/cache/single_flight.py",
        "tests/test_redis_cache.py",
        "tests/test_cache_api.py",
    ]

    result = update_project(project, data={"cache": "redis"})
    assert result.ok, result.conflicts
    for name in redis_files:
        assert (project / name).is_file(), name
    assert not (project / "app/cache/memory.py").exists()
    assert '"redis>=' in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "Cache: Redis" in readme.read_text(encoding="utf-8")
    assert team_notes_kept()
    assert_project_checks_pass(project, mypy_cache)
    commit_all(project, "cache: redis")

    result = update_project(project, data={"cache": "none"})
    assert result.ok, result.conflicts
    assert not (project / "app/cache").exists()
    for name in redis_files:
        assert not (project / name).exists(), name
    assert "redis" not in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "cache_ttl" not in answers(project)
    assert team_notes_kept()
    assert_project_checks_pass(project, mypy_cache)
    commit_all(project, "cache: none")

    result = update_project(project, data={"orm": "tortoise"})
    assert result.ok, result.conflicts
    assert answers(project)["orm"] == "tortoise"
    assert not (project / "app/db/engine.py").exists()
    assert (project / "app/db/database.py").is_file()
    assert not (project / "alembic.ini").exists()
    assert not (project / "migrations/env.py").exists()
    assert not list((project / "migrations").glob("versions/*.py"))
    assert list((project / "migrations/models").glob("*.py"))
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "tortoise-orm" in pyproject
    assert "sqlalchemy" not in pyproject
    assert team_notes_kept()
    assert_project_checks_pass(project, mypy_cache)


@pytest.mark.slow
def test_a_renamed_question_is_migrated_in_old_answers_files(
    template_repo: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", str(template_repo), str(repo))
    project = render_committed(repo, tmp_path / "service", "v0.2.0", {"cache_ttl": 120})
    assert answers(project)["cache_ttl"] == 120
    rename_question_release(repo, "v0.3.0")

    # A migration is a command from the template run in the project: copier wants consent.
    assert_refused(invoke_update_cli("update", str(project)), "update again with --trust")
    assert git(project, "status", "--porcelain") == ""
    with pytest.raises(UntrustedMigrationError):
        update_project(project)

    result = update_project(project, trust=True)

    assert result.ok, result.conflicts
    recorded = answers(project)
    assert recorded["_commit"] == "v0.3.0"
    assert recorded["cache_ttl_seconds"] == 120
    assert "cache_ttl" not in recorded
    # The migrated answer was used, not the new question's default (60).
    assert "CACHE_TTL_SECONDS=120" in (project / ".env.example").read_text(encoding="utf-8")
