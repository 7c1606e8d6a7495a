"""Helpers shared by the generator's tests: CLI runs and deliberate breakage.

Service gates live in ``tests/conftest.py`` (``need_services``)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner, Result

from generator.cli import app

# Wide enough that rich never wraps option names, step names or error lines.
_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def invoke(*args: str) -> Result:
    """Run ``fastapi-stack ARGS`` in-process; stdout and stderr stay separate."""
    return CliRunner().invoke(app, list(args), env=_ENV, catch_exceptions=False)


def assert_refused(result: Result, fragment: str, code: int = 2) -> None:
    """The command failed with ``code`` and exactly one stderr line containing ``fragment``."""
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def break_read_item(project: Path) -> None:
    """Make ``GET /api/v1/items/{id}`` raise, as a bug in a rendered project would."""
    routes = project / "app" / "api" / "routes" / "items.py"
    source = routes.read_text(encoding="utf-8")
    signature = re.search(r"async def read_item\(.*?\).*?:\n", source, flags=re.DOTALL)
    assert signature is not None, "read_item() not found in the rendered items routes"
    broken = (
        source[: signature.end()]
        + '    raise RuntimeError("broken on purpose by the smoke test")\n'
        + source[signature.end() :]
    )
    routes.write_text(broken, encoding="utf-8")
