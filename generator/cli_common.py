"""What every fastapi-stack command shares: exit codes, the one-line refusal, --data parsing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import typer

EXIT_FAILED = 1
EXIT_REFUSED = 2
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    """One plain line on stderr (no markup, no traceback) and the exit code."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def parse_data(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs; values stay strings so copier casts them by question type."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            fail(f"--data {pair!r} is not KEY=VALUE (e.g. --data cache=redis).")
        data[key.strip()] = value
    return data
