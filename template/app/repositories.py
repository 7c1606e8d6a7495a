"""The storage contract that every ORM implementation in app/db fulfils."""

from typing import Any, Protocol

from app.schemas.health import CheckResult
from app.schemas.item import Item, ItemCreate


class ItemRepository(Protocol):
    """Item persistence. Methods raise DatabaseUnavailableError when the database is down."""

    async def create(self, data: ItemCreate) -> Item:
        """Store a new item and return it with its id."""
        ...

    async def get(self, item_id: int) -> Item | None:
        """The item, or None when there is none with this id."""
        ...

    async def list(self, *, limit: int, offset: int) -> list[Item]:
        """Items ordered by id."""
        ...

    async def update(self, item_id: int, changes: dict[str, Any]) -> Item | None:
        """Apply `changes` (field -> value) and return the item, or None when it does not exist."""
        ...

    async def delete(self, item_id: int) -> bool:
        """Delete the item; False when it did not exist."""
        ...


class Database(Protocol):
    """An open database: the item repository and a readiness probe."""

    @property
    def items(self) -> ItemRepository:
        """The item repository over this database."""
        ...

    async def check(self) -> CheckResult:
        """Return "ok", "unavailable" (no answer) or "unmigrated" (tables missing)."""
        ...
