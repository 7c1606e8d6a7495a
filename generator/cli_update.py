"""The ``update`` and ``check-update`` commands; ``generator.cli`` registers them on its app.

They only parse and print: the work is in :mod:`generator.update`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer
from copier.errors import DirtyLocalWarning

from generator.cli_common import fail, parse_data
from generator.errors import GeneratorError
from generator.update import UpdateResult, check_update, update_project

EXIT_CONFLICTS = 1


def update_command(
    project: Annotated[
        Path, typer.Argument(help="A project rendered by `fastapi-stack new`, committed in git.")
    ],
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            help="Template tag, branch or commit to update to; `:current:` keeps the recorded "
            "version (to change answers only). Default: the newest release."
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Change an answer as KEY=VALUE (e.g. cache=redis); repeatable. "
            "Other answers are kept.",
        ),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Let copier run the template's migrations (commands run in the project).",
        ),
    ] = False,
) -> None:
    """Update a project to a newer template release (or change an answer), keeping your edits.

    Exits 1 and lists the files when the merge left conflicts to resolve by hand.
    """
    answers = parse_data(data or [])
    with warnings.catch_warnings():
        # A local template with uncommitted changes is the template developer's own case.
        warnings.simplefilter("ignore", DirtyLocalWarning)
        try:
            result = update_project(project, vcs_ref=vcs_ref, data=answers, trust=trust)
        except GeneratorError as error:
            fail(str(error))
    _print_update(result)
    if not result.ok:
        raise typer.Exit(EXIT_CONFLICTS)


def check_update_command(
    project: Annotated[Path, typer.Argument(help="A project rendered by `fastapi-stack new`.")],
) -> None:
    """Say whether the template has a release newer than the one the project records."""
    try:
        current, latest = check_update(project)
    except GeneratorError as error:
        fail(str(error))
    if latest is None:
        typer.echo(f"Up to date: {project} is at {current}, the newest release of its template.")
    else:
        typer.echo(
            f"{latest} is available ({project} is at {current}): "
            f"run `fastapi-stack update {project}`."
        )


def _print_update(result: UpdateResult) -> None:
    moved = (
        f"from {result.previous} to {result.current}"
        if result.previous != result.current
        else f"at {result.current}"
    )
    if result.ok:
        typer.echo(
            f"Updated {result.project} {moved}: {_files(len(result.changed))} changed; "
            "review with `git diff`, then commit."
        )
        return
    typer.echo(
        f"Updated {result.project} {moved}, with conflicts in {_files(len(result.conflicts))}; "
        "resolve the <<<<<<< / >>>>>>> blocks, then commit:",
        err=True,
    )
    for path in result.conflicts:
        typer.echo(f"  {path}", err=True)


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"
