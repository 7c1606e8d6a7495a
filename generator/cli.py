"""The ``fastapi-stack`` command line: parses, calls ``render``/``smoke``/``matrix``, prints."""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from copier.errors import DirtyLocalWarning
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from generator.cli_common import EXIT_FAILED, EXIT_INTERRUPTED, fail, parse_data
from generator.cli_update import check_update_command, update_command
from generator.errors import GeneratorError
from generator.matrix import MatrixResult, median_render_seconds, run_matrix, select
from generator.render import TEMPLATE_ROOT, render_project
from generator.smoke import SmokeReport, SmokeStep, smoke_project

app = typer.Typer(
    name="fastapi-stack",
    help="Render the fastapi-stack template, then prove the result boots and keeps its contract.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.command()
def new(
    dest: Annotated[Path, typer.Argument(help="Directory to create (must be new or empty).")],
    orm: Annotated[str | None, typer.Option(help="sqlalchemy or tortoise.")] = None,
    database: Annotated[str | None, typer.Option(help="sqlite, postgres or mysql.")] = None,
    cache: Annotated[str | None, typer.Option(help="none, memory or redis.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (1..64).")] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="Allowed browser origin; repeat for several (builds cors_origins)."),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Any answer as KEY=VALUE, parsed by copier per question type (YAML for lists); "
            "repeatable. The dedicated options above win over --data.",
        ),
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults/--interactive",
            help="Use defaults for unanswered questions, or ask them in the terminal.",
        ),
    ] = True,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            help="Git ref of the template to render. Default: HEAD of the bundled template "
            "(the work tree, uncommitted changes included); the newest tag of --template.",
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(help=f"Template path or git URL. Default: {TEMPLATE_ROOT}."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Render into a non-empty DEST, overwriting files.")
    ] = False,
) -> None:
    """Render a new service from the template."""
    answers: dict[str, Any] = dict(parse_data(data or []))
    for key, value in (("orm", orm), ("database", database), ("cache", cache)):
        if value is not None:
            answers[key] = value
    if workers is not None:
        answers["workers"] = workers
    if cors_origin:
        answers["cors_origins"] = list(cors_origin)
    ref = vcs_ref if vcs_ref is not None or template is not None else "HEAD"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            project = render_project(
                dest, answers, defaults=defaults, vcs_ref=ref, template=template, force=force
            )
        except GeneratorError as error:
            fail(str(error))
    console = Console()
    if any(issubclass(warning.category, DirtyLocalWarning) for warning in caught):
        console.print("[dim]Note: rendered the template work tree with uncommitted changes.[/]")
    console.print(f"[green]Rendered[/] {escape(str(project))}")
    console.print(f"Next: cd {escape(str(project))} && python -m app")
    console.print(f"      fastapi-stack smoke {escape(str(project))}")


@app.command()
def smoke(
    project: Annotated[Path, typer.Argument(help="A project rendered by `fastapi-stack new`.")],
    database_url: Annotated[
        str | None, typer.Option(help="DATABASE_URL for every step. Default: the project's.")
    ] = None,
    redis_url: Annotated[
        str | None, typer.Option(help="REDIS_URL for every step. Default: the project's.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="WEB_CONCURRENCY for the boot. Default: the answers'.")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Loopback port to boot on. Default: a free one.")
    ] = None,
    skip_checks: Annotated[
        bool,
        typer.Option(
            "--skip-checks", help="Skip ruff, ruff format, mypy and pytest; only migrate and boot."
        ),
    ] = False,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON to this file.")
    ] = None,
) -> None:
    """Check, migrate, boot and walk the HTTP contract of a rendered project."""
    console = Console()

    def show(step: SmokeStep) -> None:
        mark = "[green]pass[/]" if step.ok else "[red]FAIL[/]"
        console.print(f"{mark} {escape(step.name)} ({step.seconds:.1f} s)")

    try:
        report = smoke_project(
            project,
            database_url=database_url,
            redis_url=redis_url,
            workers=workers,
            skip_checks=skip_checks,
            port=port,
            on_step=show,
        )
    except GeneratorError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; the server was stopped.", EXIT_INTERRUPTED)
    _print_smoke(console, report)
    if json_file is not None:
        _write_json(json_file, report.to_dict())
    raise typer.Exit(0 if report.ok else EXIT_FAILED)


@app.command()
def matrix(
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Combinations run at once. Default: CPU count.")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Keep combinations with KEY=VALUE (orm, database, cache); repeatable."),
    ] = None,
    skip_checks: Annotated[
        bool,
        typer.Option(
            "--skip-checks", help="Skip each project's own checks; only migrate and boot."
        ),
    ] = False,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the results as JSON to this file.")
    ] = None,
) -> None:
    """Render and smoke-test every supported combination, in parallel."""
    try:
        combinations = select(only or [])
    except GeneratorError as error:
        fail(str(error))
    if not combinations:
        fail("no supported combination matches these --only filters.")
    console = Console()
    progress = Progress(
        TextColumn("[bold]matrix"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )
    # Every matrix run renders the work tree, so the per-render dirty-tree warning is noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirtyLocalWarning)
        try:
            with progress:
                task = progress.add_task("", total=len(combinations))

                def advance(result: MatrixResult) -> None:
                    description = f"{result.combination.id}: {result.status}"
                    progress.update(task, advance=1, description=description)

                results = run_matrix(combinations, jobs, skip_checks=skip_checks, on_result=advance)
        except KeyboardInterrupt:
            fail("interrupted; running servers were stopped.", EXIT_INTERRUPTED)
    _print_matrix(console, results)
    if json_file is not None:
        _write_json(json_file, [result.to_dict() for result in results])
    raise typer.Exit(EXIT_FAILED if any(r.status == "failed" for r in results) else 0)


def _print_smoke(console: Console, report: SmokeReport) -> None:
    table = Table(title=f"smoke {report.project}")
    table.add_column("step")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    for step in report.steps:
        result = "[green]pass[/]" if step.ok else "[red]FAIL[/]"
        table.add_row(escape(step.name), result, f"{step.seconds:.2f}")
    console.print(table)
    for step in report.failed:
        console.print(f"[red]{escape(step.name)} failed:[/] {escape(step.detail)}")
    verdict = "[green]all steps passed[/]" if report.ok else "[red]smoke test failed[/]"
    console.print(verdict)


def _print_matrix(console: Console, results: Sequence[MatrixResult]) -> None:
    table = Table(title="fastapi-stack matrix")
    for column in ("combination", "result", "render s", "checks s", "boot s"):
        table.add_column(column, justify="left" if column in ("combination", "result") else "right")
    colours = {"passed": "green", "failed": "red", "skipped": "yellow"}
    for result in results:
        table.add_row(
            result.combination.id,
            f"[{colours[result.status]}]{result.status}[/]",
            _seconds(result.render_seconds),
            _seconds(result.checks_seconds),
            _seconds(result.boot_seconds),
        )
    console.print(table)
    for result in results:
        if result.status != "passed":
            console.print(f"{result.combination.id}: {escape(result.reason)}")
    median = median_render_seconds(results)
    if median is not None:
        console.print(f"Median render time: {median:.2f} s")
    counts = {status: sum(r.status == status for r in results) for status in colours}
    console.print(", ".join(f"{count} {status}" for status, count in counts.items()))


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _write_json(path: Path, payload: object) -> None:
    try:
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}", EXIT_FAILED)


# Registered last so that `--help` lists the commands in the order a user meets them.
app.command("update")(update_command)
app.command("check-update")(check_update_command)
