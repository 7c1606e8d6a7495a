"""Fixtures shared by the template and generator tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from generator.services import ServiceName, is_reachable, require_services, unreachable_reason

REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # One mypy cache per xdist worker: third-party stubs are analysed once, not per render.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    cache = Path(tempfile.gettempdir()) / "fastapi-stack-tests" / f"mypy-{worker}"
    os.environ.setdefault("MYPY_CACHE_DIR", str(cache))


def need_services(services: Iterable[ServiceName]) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) unless every named server is reachable."""
    missing = [name for name in sorted(services) if not is_reachable(name)]
    if not missing:
        return
    reason = "; ".join(unreachable_reason(name) for name in missing)
    if require_services():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)
