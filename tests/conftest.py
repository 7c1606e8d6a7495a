"""Fixtures shared by the template and generator tests."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from generator.services import ServiceName, is_reachable, require_services, unreachable_reason

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _mypy_cache_per_worker(tmp_path_factory: pytest.TempPathFactory) -> None:
    # One mypy cache per xdist worker and session: third-party packages are analysed once, not
    # per render, and no two mypy processes ever write the same cache at once.
    os.environ["MYPY_CACHE_DIR"] = str(tmp_path_factory.mktemp("mypy-cache"))


def need_services(services: Iterable[ServiceName]) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) unless every named server is reachable."""
    missing = [name for name in sorted(services) if not is_reachable(name)]
    if not missing:
        return
    reason = "; ".join(unreachable_reason(name) for name in missing)
    if require_services():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)
