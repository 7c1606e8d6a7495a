"""Helpers of the update tests: throwaway template repositories with release tags, projects
committed in git, the projects' own checks, and the update commands on a Typer app.

Template repositories are copies of this working tree's ``copier.yml`` and ``template/`` in a
temporary directory, so the tests never read or write this repository's own tags or remotes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner, Result

from generator import smoke
from generator.cli_update import check_update_command, update_command
from generator.render import render_project
from generator.smoke import CHECKS
from tests.conftest import REPO_ROOT

# Throwaway commits need an identity even on a machine without a git config.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "fastapi-stack tests",
    "GIT_AUTHOR_EMAIL": "tests@fastapi-stack.invalid",
    "GIT_COMMITTER_NAME": "fastapi-stack tests",
    "GIT_COMMITTER_EMAIL": "tests@fastapi-stack.invalid",
}
_GIT_OPTIONS = ("-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false")
_TEMPLATE_LEFTOVERS = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv", "*.db"
)
CHECK_TIMEOUT = 300.0
_CLI_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}

HEALTH_ROUTES = Path("app/api/routes/health.py")
"""A template-owned file whose first line the old release words differently."""
OLD_HEALTH_DOCSTRING = '"""Health probes (old release wording)."""'
ADDED_IN_NEW_RELEASE = Path("tests/test_openapi.py")
"""A file the old release does not have."""


def git(directory: Path, *arguments: str) -> str:
    """Run git in ``directory``; fail the test with git's output when it fails."""
    completed = subprocess.run(
        ["git", *_GIT_OPTIONS, *arguments],
        cwd=directory,
        env={**os.environ, **_GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, f"git {' '.join(arguments)}: {completed.stderr}"
    return completed.stdout


def commit_all(directory: Path, message: str) -> None:
    """Stage everything (ignored files stay out) and commit."""
    git(directory, "add", "-A")
    git(directory, "commit", "--quiet", "--allow-empty", "-m", message)


def copy_working_template(repo: Path) -> None:
    """Put this working tree's ``copier.yml`` and ``template/`` into ``repo`` (replacing them)."""
    shutil.rmtree(repo / "template", ignore_errors=True)
    shutil.copy2(REPO_ROOT / "copier.yml", repo / "copier.yml")
    shutil.copytree(REPO_ROOT / "template", repo / "template", ignore=_TEMPLATE_LEFTOVERS)


def make_old_release(repo: Path) -> None:
    """Turn a template copy into an "old release": a reworded line and a missing file."""
    health = repo / "template" / HEALTH_ROUTES
    lines = health.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith('"""'), f"{HEALTH_ROUTES} no longer starts with its docstring"
    health.write_text(OLD_HEALTH_DOCSTRING + "\n" + "".join(lines[1:]), encoding="utf-8")
    (repo / "template" / ADDED_IN_NEW_RELEASE).unlink()


def build_template_repo(repo: Path) -> Path:
    """A git repository of the template with releases ``v0.1.0`` (old) and ``v0.2.0`` (this
    working tree); returns its absolute path (copier records ``_src_path`` as given)."""
    repo.mkdir(parents=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    copy_working_template(repo)
    make_old_release(repo)
    commit_all(repo, "Release 0.1.0")
    git(repo, "tag", "v0.1.0")
    copy_working_template(repo)
    commit_all(repo, "Release 0.2.0")
    git(repo, "tag", "v0.2.0")
    return repo.resolve()


def rename_question_release(repo: Path, tag: str) -> None:
    """Commit and tag a release that renames ``cache_ttl`` to ``cache_ttl_seconds``, with the
    ``_migrations`` entry that rewrites old answers files (docs/upgrading.md's recipe)."""
    standalone = re.compile(r"\bcache_ttl\b")
    sources = [repo / "copier.yml", *sorted((repo / "template").rglob("*.jinja"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        path.write_text(standalone.sub("cache_ttl_seconds", text), encoding="utf-8")
    config = repo / "copier.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n_migrations: []\n" in text, "copier.yml lost its `_migrations: []` line"
    migration = (
        "\n_migrations:\n"
        f"  - version: {tag}\n"
        "    when: \"{{ _stage == 'before' }}\"\n"
        "    command:\n"
        '      - "{{ _copier_python }}"\n'
        "      - -c\n"
        "      - |\n"
        "        import pathlib, re\n"
        '        answers = pathlib.Path(".copier-answers.yml")\n'
        "        text = answers.read_text()\n"
        '        answers.write_text(re.sub(r"(?m)^cache_ttl:", "cache_ttl_seconds:", text))\n'
    )
    config.write_text(text.replace("\n_migrations: []\n", migration), encoding="utf-8")
    commit_all(repo, f"Release {tag}: cache_ttl is now cache_ttl_seconds")
    git(repo, "tag", tag)


def render_committed(
    template_repo: Path, dest: Path, ref: str, answers: Mapping[str, Any] | None = None
) -> Path:
    """Render ``ref`` of ``template_repo`` into ``dest`` and commit it, as a team would."""
    project = render_project(dest, dict(answers or {}), vcs_ref=ref, template=template_repo)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "Render from fastapi-stack")
    return project


def copy_project(source: Path, dest: Path) -> Path:
    """A private copy of a committed project (its git history included)."""
    shutil.copytree(source, dest, symlinks=True)
    return dest


def project_environment() -> dict[str, str]:
    """This environment minus the outer pytest's variables and the test servers: the project's
    tests then use a temporary SQLite file and, for Redis, their in-process stand-in."""
    return smoke.project_environment(drop=smoke.TEST_SERVER_VARIABLES)


def assert_project_checks_pass(project: Path, mypy_cache: Path) -> None:
    """The project's own ruff check, ruff format --check, mypy and pytest all pass.

    They run at the same time. ``mypy_cache`` should belong to this test session: a cache that
    another run of the suite writes to at the same time can crash mypy.
    """
    env = {**project_environment(), "MYPY_CACHE_DIR": str(mypy_cache)}
    failures = []
    with ExitStack() as stack:
        running = []
        for name, arguments in CHECKS:
            output = stack.enter_context(tempfile.TemporaryFile())
            command = [sys.executable, "-m", *arguments]
            process = subprocess.Popen(
                command,
                cwd=project,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
            )
            # Stopped before its log closes: no check outlives the test, even on a timeout.
            stack.callback(_stop, process)
            running.append((name, process, output))
        for name, process, output in running:
            try:
                code = process.wait(timeout=CHECK_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
            if code != 0:
                output.seek(0)
                log = output.read().decode(errors="replace")
                verdict = f"exit code {code}" if code is not None else "timed out"
                failures.append(f"{name} {verdict} in {project}:\n{log}")
    assert not failures, "\n".join(failures)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def update_app() -> typer.Typer:
    """A Typer app with the two update commands, registered as generator.cli registers them."""
    app = typer.Typer()
    app.command("update")(update_command)
    app.command("check-update")(check_update_command)
    return app


def invoke_update_cli(*args: str) -> Result:
    """Run ``fastapi-stack ARGS`` (update or check-update) in-process."""
    return CliRunner().invoke(update_app(), list(args), env=_CLI_ENV, catch_exceptions=False)
