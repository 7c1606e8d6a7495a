"""ItemRepository over SQLAlchemy async sessions: one short transaction per call."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.errors import DatabaseUnavailableError
from app.db.models import ItemRecord
from app.schemas.item import Item, ItemCreate

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, OSError, TimeoutError)


class SqlAlchemyItemRepository:
    """Items in the `items` table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        # begin() commits on success and rolls back on any error, so no half-written row stays.
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailableError(str(exc).splitlines()[0]) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise DatabaseUnavailableError(str(exc).splitlines()[0]) from exc
            raise

    async def create(self, data: ItemCreate) -> Item:
        async with self._transaction() as session:
            record = ItemRecord(**data.model_dump())
            session.add(record)
            await session.flush()
            return Item.model_validate(record)

    async def get(self, item_id: int) -> Item | None:
        async with self._transaction() as session:
            record = await session.get(ItemRecord, item_id)
            return None if record is None else Item.model_validate(record)

    async def list(self, *, limit: int, offset: int) -> list[Item]:
        async with self._transaction() as session:
            query = select(ItemRecord).order_by(ItemRecord.id).limit(limit).offset(offset)
            records = await session.scalars(query)
            return [Item.model_validate(record) for record in records]

    async def update(self, item_id: int, changes: dict[str, Any]) -> Item | None:
        async with self._transaction() as session:
            record = await session.get(ItemRecord, item_id, with_for_update=True)
            if record is None:
                return None
            for field, value in changes.items():
                setattr(record, field, value)
            await session.flush()
            return Item.model_validate(record)

    async def delete(self, item_id: int) -> bool:
        async with self._transaction() as session:
            record = await session.get(ItemRecord, item_id)
            if record is None:
                return False
            await session.delete(record)
            return True
