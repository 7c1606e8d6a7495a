"""ItemRepository over Tortoise: each write runs in its own short transaction."""

from typing import Any

from tortoise.transactions import in_transaction

from app.db.errors import unavailable_as_domain_error
from app.db.models import ItemRecord
from app.schemas.item import Item, ItemCreate

CONNECTION = "default"


class TortoiseItemRepository:
    """Items in the `items` table."""

    async def create(self, data: ItemCreate) -> Item:
        async with unavailable_as_domain_error(), in_transaction(CONNECTION) as connection:
            record = await ItemRecord.create(using_db=connection, **data.model_dump())
            return Item.model_validate(record)

    async def get(self, item_id: int) -> Item | None:
        async with unavailable_as_domain_error():
            record = await ItemRecord.get_or_none(id=item_id)
            return None if record is None else Item.model_validate(record)

    async def list(self, *, limit: int, offset: int) -> list[Item]:
        async with unavailable_as_domain_error():
            records = await ItemRecord.all().order_by("id").offset(offset).limit(limit)
            return [Item.model_validate(record) for record in records]

    async def update(self, item_id: int, changes: dict[str, Any]) -> Item | None:
        async with unavailable_as_domain_error(), in_transaction(CONNECTION) as connection:
            # FOR UPDATE (ignored by SQLite), so concurrent PATCHes of one item do not interleave.
            query = ItemRecord.filter(id=item_id).using_db(connection).select_for_update()
            record = await query.first()
            if record is None:
                return None
            if changes:
                record.update_from_dict(changes)
                await record.save(using_db=connection, update_fields=list(changes))
            return Item.model_validate(record)

    async def delete(self, item_id: int) -> bool:
        async with unavailable_as_domain_error(), in_transaction(CONNECTION) as connection:
            deleted = await ItemRecord.filter(id=item_id).using_db(connection).delete()
            return deleted > 0
