"""Bring a rendered project forward with ``copier update``, and tell whether a release is newer.

``copier update`` replays the team's changes (the diff between a fresh render of the project's
recorded template version and its last commit) onto a render of the new version. It exits 0 even
when that merge left conflicts, so :func:`update_project` looks for them afterwards: unmerged
index entries, ``<<<<<<< `` markers in changed files and ``.rej`` files.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import copier
import jinja2
from copier.errors import CopierError, UnsafeTemplateError
from packaging.version import InvalidVersion, Version
from plumbum import ProcessExecutionError

from generator.errors import GeneratorError, one_line
from generator.render import RENDER_LOCK, NotAProjectError, is_remote, load_questions, read_answers

_DESCRIBED_COMMIT = re.compile(r"^(?P<base>.+)-(?P<count>\d+)-g(?P<hash>[0-9a-f]+)$")
_CONFLICT_START = b"<<<<<<< "
_CONFLICT_END = b">>>>>>> "
_GIT_TIMEOUT = 120.0
_SHOWN_DIRTY_FILES = 3


class UpdateError(GeneratorError):
    """The project cannot be updated as asked (not in git, template unreachable, bad answer)."""


class DirtyProjectError(UpdateError):
    """The project has uncommitted changes, which an update would mix with the template's."""


class UntrustedMigrationError(UpdateError):
    """The update crosses template migrations, which copier runs only when trusted."""


@dataclass(frozen=True)
class UpdateResult:
    """What one update did: the template versions before and after, and the files it touched."""

    project: Path
    previous: str
    current: str
    changed: tuple[str, ...]
    conflicts: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the merge left no conflict to resolve by hand."""
        return not self.conflicts


class UpdateCheck(NamedTuple):
    """The template version a project records, and a newer release tag (None: up to date)."""

    current: str
    latest: str | None


def update_project(
    project: Path | str,
    *,
    vcs_ref: str | None = None,
    data: Mapping[str, Any] | None = None,
    trust: bool = False,
) -> UpdateResult:
    """Update ``project`` to ``vcs_ref`` of its template (default: the newest release tag;
    ``":current:"``: the version it records, to change answers only).

    ``data`` changes answers (e.g. ``{"cache": "redis"}``); every other answer is kept and new
    questions take their defaults. The project must be committed in git, so the update is one
    reviewable diff. ``trust`` lets copier run the template's ``_migrations`` (commands from the
    template, run in the project); without it an update that crosses one is refused.
    Raises :class:`UpdateError` (one line) when the update cannot start or copier fails; a merge
    conflict is not an error: see :attr:`UpdateResult.conflicts`.
    """
    target = Path(project).expanduser().resolve()
    previous = _recorded_commit(target)
    _refuse_unknown_questions(target, data or {})
    _require_committed(target)
    ref = copier.VcsRef.CURRENT if vcs_ref == copier.VcsRef.CURRENT.value else vcs_ref
    try:
        with RENDER_LOCK:
            copier.run_update(
                str(target),
                data=dict(data or {}),
                defaults=True,
                overwrite=True,
                vcs_ref=ref,
                unsafe=trust,
                quiet=True,
                conflict="inline",
            )
    except UnsafeTemplateError as error:
        source = read_answers(target).get("_src_path", "the template")
        # copier's first line names the features ("... unsafe feature: migrations.").
        features = str(error).splitlines()[0]
        raise UntrustedMigrationError(
            f"{features} They are commands copier would run in the project: read them in "
            f"{source}/copier.yml (_migrations), then update again with --trust."
        ) from error
    except (
        CopierError,
        ValueError,
        TypeError,
        OSError,
        jinja2.TemplateError,
        ProcessExecutionError,
    ) as error:
        raise UpdateError(_failure_message(target, error)) from error
    return UpdateResult(
        project=target,
        previous=previous,
        current=str(read_answers(target).get("_commit", "")),
        changed=_changed_files(target),
        conflicts=find_conflicts(target),
    )


def check_update(project: Path | str) -> UpdateCheck:
    """The project's template version and the newest release tag of its template when newer.

    Release tags are the PEP 440 versions among the tags at the answers' ``_src_path`` (``v0.2.0``
    and ``0.2.0`` both count; pre-releases do not, as copier skips them). When the recorded
    version is not a release (a bare commit), the newest release is returned. Raises
    :class:`UpdateError` when the template is unreachable or has no release tag.
    """
    target = Path(project).expanduser().resolve()
    current = _recorded_commit(target)
    source = str(read_answers(target)["_src_path"])
    releases = _release_tags(source)
    if not releases:
        raise UpdateError(
            f"The template at {source} has no release tags (vX.Y.Z); "
            "update with --vcs-ref to follow a branch or commit instead."
        )
    newest_version, newest_tag = max(releases)
    current_version = release_version(current)
    if current_version is None or newest_version > current_version:
        return UpdateCheck(current, newest_tag)
    return UpdateCheck(current, None)


def release_version(ref: str) -> Version | None:
    """The PEP 440 version of a recorded template ref, as copier reads it, or None.

    ``v0.2.0`` is 0.2.0; ``v0.2.0-3-gabc1234`` (three commits after the tag) is
    ``0.2.0.post3+gabc1234``; a bare commit hash has no version.
    """
    described = _DESCRIBED_COMMIT.match(ref)
    text = (
        f"{described['base']}.post{described['count']}+g{described['hash']}" if described else ref
    )
    try:
        return Version(text)
    except InvalidVersion:
        return None


def find_conflicts(project: Path) -> tuple[str, ...]:
    """Files of ``project`` (relative paths) that a merge left unresolved.

    Unmerged index entries (copier records its inline conflicts so), changed or new files that
    contain ``<<<<<<< `` markers, and ``.rej`` files (even git-ignored ones: ``--conflict rej``
    writes them).
    """
    found = set(_git_paths(project, "diff", "--name-only", "--relative", "--diff-filter=U"))
    for path in _changed_files(project):
        if _has_conflict_markers(project / path):
            found.add(path)
    others = _git_paths(project, "ls-files", "--others")
    found.update(path for path in others if path.endswith(".rej"))
    return tuple(sorted(found))


def _recorded_commit(project: Path) -> str:
    """The ``_commit`` of the answers file; refuses a project its template cannot update."""
    answers = read_answers(project)
    for key in ("_src_path", "_commit"):
        if not answers.get(key):
            raise NotAProjectError(
                f"{project}/.copier-answers.yml records no {key}: render the project from a "
                "git template (fastapi-stack new) to be able to update it."
            )
    return str(answers["_commit"])


def _refuse_unknown_questions(project: Path, data: Mapping[str, Any]) -> None:
    """copier silently drops an answer to a question it does not ask: catch the typo first.

    Known are the recorded answers and, for a local template, its copier.yml's questions."""
    answers = read_answers(project)
    source = str(answers["_src_path"])
    questions = None if is_remote(source) else load_questions(Path(source))
    if questions is None:
        return
    unknown = sorted(set(data) - set(questions) - set(answers))
    if unknown:
        raise UpdateError(
            f"Unknown question {', '.join(repr(name) for name in unknown)}: "
            f"the template asks {', '.join(questions)}."
        )


def _require_committed(project: Path) -> None:
    """Refuse a project outside git, without a commit, or with uncommitted changes."""
    if _git(project, "rev-parse", "--show-toplevel").returncode != 0:
        raise UpdateError(
            f"{project} is not in a git repository: run `git init && git add -A && "
            "git commit -m 'Render from fastapi-stack'` there, then update."
        )
    if _git(project, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise UpdateError(f"{project} has no commit yet: commit the rendered project, then update.")
    status = _git(project, "status", "--porcelain", "--untracked-files=all", "--", ".")
    dirty = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if dirty:
        shown = ", ".join(dirty[:_SHOWN_DIRTY_FILES])
        hidden = len(dirty) - _SHOWN_DIRTY_FILES
        more = f" and {hidden} more" if hidden > 0 else ""
        raise DirtyProjectError(
            f"{project} has uncommitted changes ({shown}{more}): commit or stash them, "
            "then update, so the update is one diff you can review or undo."
        )


def _changed_files(project: Path) -> tuple[str, ...]:
    """Tracked files that differ from HEAD and new untracked files, relative to ``project``."""
    tracked = _git_paths(project, "diff", "--name-only", "--relative", "HEAD")
    untracked = _git_paths(project, "ls-files", "--others", "--exclude-standard")
    return tuple(sorted(set(tracked) | set(untracked)))


def _has_conflict_markers(path: Path) -> bool:
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    starts = any(line.startswith(_CONFLICT_START) for line in lines)
    return starts and any(line.startswith(_CONFLICT_END) for line in lines)


def _release_tags(source: str) -> list[tuple[Version, str]]:
    """(version, tag) for every final-release tag of the git repository at ``source``."""
    listed = _git(Path.cwd(), "ls-remote", "--tags", "--refs", source)
    if listed.returncode != 0:
        reason = " ".join(listed.stderr.split()) or f"git exit code {listed.returncode}"
        raise UpdateError(f"Cannot list the releases of the template at {source}: {reason}")
    releases: list[tuple[Version, str]] = []
    for line in listed.stdout.splitlines():
        _, _, ref = line.partition("\t")
        tag = ref.removeprefix("refs/tags/")
        version = release_version(tag)
        if version is not None and not version.is_prerelease and not version.local:
            releases.append((version, tag))
    return releases


def _failure_message(project: Path, error: BaseException) -> str:
    """copier's message, plus how to undo a half-applied update."""
    message = f"copier update failed: {one_line(error)}"
    if _changed_files(project):
        message += " The project has partial changes: review them with git status, undo with git."
    return message


def _git_paths(project: Path, *arguments: str) -> list[str]:
    """The NUL-separated paths a git command prints (run in ``project``)."""
    completed = _git(project, arguments[0], "-z", *arguments[1:])
    return [path for path in completed.stdout.split("\0") if path]


def _git(directory: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``git ARGUMENTS`` in ``directory``; raises UpdateError when git itself is missing."""
    command: Sequence[str] = ["git", "-c", "core.quotepath=off", *arguments]
    try:
        return subprocess.run(
            command,
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as error:
        raise UpdateError("git is not installed: install git, then update.") from error
    except subprocess.TimeoutExpired as error:
        raise UpdateError(
            f"git {arguments[0]} did not finish within {_GIT_TIMEOUT:.0f} s."
        ) from error
