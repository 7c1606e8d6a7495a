"""Tortoise for the app's lifetime, and the Database the lifespan hands to requests."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.contrib.fastapi import RegisterTortoise

from app.core.config import Settings
from app.db.config import tortoise_config
from app.db.errors import is_unavailable, reason
from app.db.repository import CONNECTION, TortoiseItemRepository
from app.schemas.health import CheckResult

logger = logging.getLogger("app.db")

# Returns a row when the items table exists in the connected database (or schema).
ITEMS_TABLE_QUERIES = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'items'",
    "postgres": (
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = 'items'"
    ),
    "mysql": (
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_name = 'items'"
    ),
}


class TortoiseDatabase:
    """The default Tortoise connection and the item repository."""

    def __init__(self, connection: BaseDBAsyncClient, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout
        self._items = TortoiseItemRepository()

    @property
    def items(self) -> TortoiseItemRepository:
        return self._items

    async def check(self) -> CheckResult:
        query = ITEMS_TABLE_QUERIES[self.connection.capabilities.dialect]
        try:
            # A probe answers in time: a server that accepts but never replies is unavailable.
            async with asyncio.timeout(self.timeout):
                await self.connection.execute_query("SELECT 1")
                _, rows = await self.connection.execute_query(query)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            logger.warning("database check failed: %s", reason(exc))
            return "unavailable"
        return "ok" if rows else "unmigrated"


@asynccontextmanager
async def connect(settings: Settings, app: FastAPI) -> AsyncIterator[TortoiseDatabase]:
    """Open Tortoise for the app's lifetime; with SQLite, create the schema for development.

    RegisterTortoise (not a bare Tortoise.init) makes the ORM visible to request handlers, which
    run in other tasks than the lifespan. Connections open lazily, on the first query.
    """
    async with RegisterTortoise(app, config=tortoise_config(settings)):
        connection = Tortoise.get_connection(CONNECTION)
        if connection.capabilities.dialect == "sqlite":
            logger.info("sqlite development database: creating missing tables at start-up")
            await Tortoise.generate_schemas(safe=True)
        yield TortoiseDatabase(connection, settings.database_timeout_seconds)
