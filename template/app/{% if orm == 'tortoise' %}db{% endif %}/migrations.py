"""aerich migrations: `python -m app migrate` applies them; tests check they match the models."""

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aerich import Command
from aerich.exceptions import NotSupportError
from aerich.migrate import Migrate
from aerich.utils import get_models_describe
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from app.core.config import Settings
from app.core.errors import DatabaseUnavailableError
from app.db.config import APP, tortoise_config
from app.db.errors import reason, unavailable_as_domain_error
from app.db.repository import CONNECTION

logger = logging.getLogger("app.db")

# The project root's migrations/ folder, as [tool.aerich] location in pyproject.toml says.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _run(work: Callable[[], Coroutine[Any, Any, list[str]]]) -> list[str]:
    # asyncio.run() cannot nest in a running event loop; a fresh thread never has one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def _migrations_folder() -> Path:
    folder = Migrate.get_migration_dir(str(MIGRATIONS), APP)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"aerich migrations not found at {folder}; run the service from its project "
            "directory (migrations/ next to app/), or copy migrations/ along with app/."
        )
    return folder


def migrate(settings: Settings) -> None:
    """Apply the migrations in migrations/models/ the database has not seen yet; idempotent.

    Safe to call from a running event loop. Raises DatabaseUnavailableError when the database
    cannot be reached.
    """
    _migrations_folder()
    config = tortoise_config(settings, statement_timeout=None)
    _open_sqlite_file(config)
    applied = _run(lambda: _upgrade(config))
    logger.info("migrations applied: %s", ", ".join(applied) or "none, already up to date")


def _open_sqlite_file(config: dict[str, Any]) -> None:
    # A failed aiosqlite connect leaves its worker thread a callback for the event loop, which
    # _run() closes at once (a thread error); so a file that cannot open fails here, first.
    path = config["connections"]["default"]["credentials"].get("file_path")
    if path is not None:
        try:
            sqlite3.connect(path).close()
        except sqlite3.Error as exc:
            raise DatabaseUnavailableError(reason(exc)) from exc


async def _upgrade(config: dict[str, Any]) -> list[str]:
    # An own context: a running app's Tortoise state is neither used nor closed.
    async with unavailable_as_domain_error(), TortoiseContext():
        await Tortoise.init(config=config)
        # Fail now if unreachable: aerich would read the error as "no aerich table yet" and go
        # on, and Tortoise's SQLite client keeps its lock after a failed connect, so it would hang.
        await Tortoise.get_connection(CONNECTION).execute_query("SELECT 1")
        async with Command(config, app=APP, location=str(MIGRATIONS)) as command:
            return await command.upgrade(run_in_transaction=True)


def unmigrated_changes(settings: Settings, models: list[str] | None = None) -> list[str]:
    """The SQL `aerich migrate` would write now; empty when the models match the last migration.

    Compares the models with the state stored in the newest migration file; nothing is written
    and the database is not contacted.
    """
    _migrations_folder()
    config = tortoise_config(settings, models)
    return _run(lambda: _unmigrated_changes(config))


class _ModelDiff(Migrate):
    """aerich's model differ, with the operators it collects on the class reset per run."""

    @classmethod
    def start(cls) -> None:
        """Forget a previous run's operators (aerich's CLI runs once, so it never does)."""
        cls.upgrade_operators, cls.downgrade_operators = [], []
        cls._upgrade_fk_m2m_index_operators, cls._downgrade_fk_m2m_index_operators = [], []
        cls._upgrade_m2m, cls._downgrade_m2m = [], []
        cls._rename_fields, cls._rename_models = {}, {}


async def _unmigrated_changes(config: dict[str, Any]) -> list[str]:
    # An own context, closed on exit; Tortoise connects lazily, and nothing here runs a query.
    async with TortoiseContext():
        await Tortoise.init(config=config)
        _ModelDiff.start()
        await _ModelDiff.init(config, APP, str(MIGRATIONS), offline=True)
        last = _ModelDiff.get_last_version_module()
        if last is None:
            return [f"no migration yet in {_ModelDiff.migrate_location}"]
        state = _ModelDiff.get_migration_info_for_file(last).models_state
        if state is None:
            return [f"{last.name} stores no models state; run `aerich fix-migrations`"]
        try:
            _ModelDiff.diff_models(dict(state), get_models_describe(APP), no_input=True)
        except NotSupportError as exc:
            return [f"{_ModelDiff.dialect} cannot apply this change: {exc}"]
        return [
            *_ModelDiff.upgrade_operators,
            *_ModelDiff._upgrade_m2m,
            *_ModelDiff._upgrade_fk_m2m_index_operators,
        ]
