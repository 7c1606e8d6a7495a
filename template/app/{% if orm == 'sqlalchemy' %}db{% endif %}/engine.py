"""The async engine for DATABASE_URL, and the Database the lifespan hands to requests."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from app.core.config import Settings
from app.core.urls import async_database_url
from app.db.migrations import migrate
from app.db.repository import UNAVAILABLE_ERRORS, SqlAlchemyItemRepository
from app.schemas.health import CheckResult

logger = logging.getLogger("app.db")

DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "mysql": "mysql+asyncmy",
}


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine whose connects and pool waits give up after DATABASE_TIMEOUT_SECONDS."""
    url = async_database_url(settings.database_url, DRIVERS)
    timeout = settings.database_timeout_seconds
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": timeout}
    else:
        options["pool_timeout"] = timeout
        options["pool_recycle"] = 1800
        if url.startswith("postgresql"):
            options["connect_args"] = {"timeout": timeout, "command_timeout": 30}
        else:
            options["connect_args"] = {"connect_timeout": timeout}
    engine = create_async_engine(url, **options)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer from several workers share the file without "locked" errors.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _has_items_table(connection: Connection) -> bool:
    return inspect(connection).has_table("items")


class SqlAlchemyDatabase:
    """The engine, its session factory and the item repository."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._items = SqlAlchemyItemRepository(async_sessionmaker(engine, expire_on_commit=False))

    @property
    def items(self) -> SqlAlchemyItemRepository:
        return self._items

    async def check(self) -> CheckResult:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
                migrated = await connection.run_sync(_has_items_table)
        except UNAVAILABLE_ERRORS as exc:
            logger.warning("database check failed: %s", str(exc).splitlines()[0])
            return "unavailable"
        return "ok" if migrated else "unmigrated"


@asynccontextmanager
async def connect(settings: Settings, app: FastAPI) -> AsyncIterator[SqlAlchemyDatabase]:
    """Open the engine for the app's lifetime; a SQLite database is migrated first."""
    if async_database_url(settings.database_url, DRIVERS).startswith("sqlite"):
        # Development convenience only: other databases are migrated by `python -m app migrate`.
        logger.info("sqlite development database: applying migrations at start-up")
        await asyncio.to_thread(migrate, settings)
    engine = create_engine(settings)
    try:
        yield SqlAlchemyDatabase(engine)
    finally:
        await engine.dispose()
