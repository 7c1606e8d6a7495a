"""Item use cases: the repository for storage, the cache (if any) in front of reads."""

from typing import Any

from app.core.errors import ItemNotFoundError
from app.repositories import ItemRepository
from app.schemas.item import Item, ItemCreate, ItemPatch, ItemReplace
from app.services.cache import CacheStatus, ItemCache


def cache_key(item_id: int) -> str:
    """The cache key of one item."""
    return f"item:{item_id}"


class ItemService:
    """Create, read, update and delete items; keeps the cache consistent with every write."""

    def __init__(self, repository: ItemRepository, cache: ItemCache | None) -> None:
        self._repository = repository
        self._cache = cache

    async def create(self, data: ItemCreate) -> Item:
        return await self._repository.create(data)

    async def list(self, *, limit: int, offset: int) -> list[Item]:
        return await self._repository.list(limit=limit, offset=offset)

    async def get_json(self, item_id: int) -> tuple[bytes, CacheStatus | None]:
        """The item serialised as JSON, and whether the cache served it (None: no cache)."""

        async def load() -> bytes | None:
            item = await self._repository.get(item_id)
            return None if item is None else item.model_dump_json().encode()

        if self._cache is None:
            body, status = await load(), None
        else:
            body, status = await self._cache.get_or_load(cache_key(item_id), load)
        if body is None:
            raise ItemNotFoundError(item_id)
        return body, status

    async def replace(self, item_id: int, data: ItemReplace) -> Item:
        return await self._write(item_id, data.model_dump())

    async def patch(self, item_id: int, data: ItemPatch) -> Item:
        return await self._write(item_id, data.model_dump(exclude_unset=True))

    async def delete(self, item_id: int) -> None:
        deleted = await self._repository.delete(item_id)
        await self._invalidate(item_id)
        if not deleted:
            raise ItemNotFoundError(item_id)

    async def _write(self, item_id: int, changes: dict[str, Any]) -> Item:
        item = await self._repository.update(item_id, changes)
        await self._invalidate(item_id)
        if item is None:
            raise ItemNotFoundError(item_id)
        return item

    async def _invalidate(self, item_id: int) -> None:
        if self._cache is not None:
            await self._cache.invalidate(cache_key(item_id))
