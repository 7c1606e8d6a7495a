"""Render the template into a project with ``copier.run_copy``, in-process.

``vcs_ref="HEAD"`` renders the template's git work tree *including uncommitted and untracked
changes* (copier copies a dirty local repository and emits ``DirtyLocalWarning``); ``vcs_ref=None``
lets copier pick the newest git tag, which is what users of a published template get.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import copier
import jinja2
import yaml  # type: ignore[import-untyped,unused-ignore]
from copier.errors import CopierError

from generator.errors import GeneratorError, one_line

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
"""The repository root: the template copier renders (``copier.yml`` + ``template/``)."""

ANSWERS_FILE = ".copier-answers.yml"
_CONFIG_FILES = ("copier.yml", "copier.yaml")
_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+")
RENDER_LOCK = threading.RLock()
"""Held during every render: copier changes the process working directory (plumbum's
``local.cwd``), so two renders in one process must never overlap. Re-entrant, so a caller may
hold it to time a render without the wait."""
_NUMBER_TYPES: dict[str, type[int] | type[float]] = {"int": int, "float": float}


class RenderError(GeneratorError):
    """copier refused the answers, or the template or destination cannot be used."""


class NotAProjectError(GeneratorError):
    """A path that is not a project rendered from this template."""


def is_remote(template: str) -> bool:
    """Whether ``template`` is a git URL (or a copier ``gh:``/``gl:`` shortcut), not a path."""
    return "://" in template or template.startswith(_REMOTE_PREFIXES)


def resolve_template(template: str | Path | None = None) -> str:
    """Return what to hand to copier: an absolute path (copier stores it as ``_src_path``,
    and ``copier update`` needs it absolute) or a git URL unchanged."""
    if template is None:
        source = TEMPLATE_ROOT
    elif isinstance(template, str) and is_remote(template):
        return template
    else:
        source = Path(template).expanduser().resolve()
    if not any((source / name).is_file() for name in _CONFIG_FILES):
        raise RenderError(
            f"No copier.yml in {source}: pass --template with a template checkout or git URL."
        )
    return str(source)


def load_questions(template_dir: Path) -> dict[str, dict[str, Any]] | None:
    """The questions of a local template's ``copier.yml`` by name, or None when unreadable
    (e.g. it uses ``!include``); settings (keys starting with ``_``) are left out."""
    for name in _CONFIG_FILES:
        config = template_dir / name
        if config.is_file():
            try:
                documents = list(yaml.safe_load_all(config.read_text(encoding="utf-8")))
            except (OSError, yaml.YAMLError):
                return None
            questions: dict[str, dict[str, Any]] = {}
            for document in documents:
                if not isinstance(document, dict):
                    continue
                for key, spec in document.items():
                    if isinstance(key, str) and not key.startswith("_"):
                        questions[key] = spec if isinstance(spec, dict) else {"default": spec}
            return questions
    return None


def render_project(
    dest: Path | str,
    answers: Mapping[str, Any],
    *,
    defaults: bool = True,
    vcs_ref: str | None = "HEAD",
    template: str | Path | None = None,
    force: bool = False,
) -> Path:
    """Render the template into ``dest`` and return its absolute path.

    ``answers`` are passed to copier as data; copier casts strings to each question's type and
    runs the validators. ``defaults`` answers every other question with its default instead of
    prompting. A non-empty ``dest`` is refused unless ``force`` (then copier overwrites files).
    On failure nothing is left behind: copier removes a ``dest`` it created, and a ``dest``
    that existed empty is emptied again. Raises :class:`RenderError` with one line.
    """
    target = Path(dest).expanduser().resolve()
    source = resolve_template(template)
    if target.exists() and not target.is_dir():
        raise RenderError(f"{target} exists and is not a directory: choose another destination.")
    was_empty = target.is_dir() and not any(target.iterdir())
    if target.is_dir() and not was_empty and not force:
        raise RenderError(
            f"{target} is not empty: choose a new directory, or pass --force to render over it."
        )
    if not is_remote(source):
        _refuse_unknown_or_mistyped(Path(source), answers)
    try:
        with RENDER_LOCK:
            copier.run_copy(
                source,
                target,
                data=dict(answers),
                defaults=defaults,
                vcs_ref=vcs_ref,
                unsafe=False,
                quiet=True,
                overwrite=force,
            )
    except (CopierError, ValueError, TypeError, OSError, jinja2.TemplateError) as error:
        if was_empty and target.is_dir():
            _empty_directory(target)
        raise RenderError(one_line(error)) from error
    return target


def read_answers(project: Path) -> dict[str, Any]:
    """The answers a project was rendered with (its ``.copier-answers.yml``)."""
    answers_file = project / ANSWERS_FILE
    if not project.is_dir():
        raise NotAProjectError(f"{project} is not a directory: pass a rendered project.")
    if not answers_file.is_file():
        raise NotAProjectError(
            f"{project} has no {ANSWERS_FILE}: pass a project rendered by fastapi-stack new."
        )
    try:
        loaded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise NotAProjectError(f"Cannot read {answers_file}: {one_line(error)}") from error
    if not isinstance(loaded, dict):
        raise NotAProjectError(f"{answers_file} is not a mapping of answers.")
    return loaded


def _refuse_unknown_or_mistyped(template_dir: Path, answers: Mapping[str, Any]) -> None:
    """Catch typos in names and numbers before copier, whose messages lack the question name."""
    questions = load_questions(template_dir)
    if questions is None:
        return
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise RenderError(
            f"Unknown question {', '.join(repr(name) for name in unknown)}: "
            f"the template asks {', '.join(questions)}."
        )
    for name, value in answers.items():
        kind = questions[name].get("type")
        if isinstance(value, str) and kind in _NUMBER_TYPES:
            try:
                _NUMBER_TYPES[kind](value)
            except ValueError:
                raise RenderError(
                    f"{name} must be {'an integer' if kind == 'int' else 'a number'}, "
                    f"got {value!r}."
                ) from None


def _empty_directory(directory: Path) -> None:
    for child in directory.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
