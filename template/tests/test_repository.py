"""The ItemRepository contract, run against the rendered ORM and the test database."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from app import db
from app.repositories import Database, ItemRepository
from app.schemas.item import Item, ItemCreate
from tests.conftest import make_settings

pytestmark = pytest.mark.anyio


@pytest.fixture
async def repository(migrated_database: str) -> AsyncIterator[ItemRepository]:
    async with db.connect(make_settings(migrated_database), FastAPI()) as database:
        yield database.items


@pytest.fixture
async def database(migrated_database: str) -> AsyncIterator[Database]:
    async with db.connect(make_settings(migrated_database), FastAPI()) as opened:
        yield opened


async def test_create_get_round_trip(repository: ItemRepository) -> None:
    created = await repository.create(ItemCreate(name="Pen", description=None, price=1.5))
    assert created == Item(id=created.id, name="Pen", description=None, price=1.5)
    assert await repository.get(created.id) == created
    assert await repository.delete(created.id) is True


async def test_ids_are_distinct_and_list_is_ordered(repository: ItemRepository) -> None:
    first = await repository.create(ItemCreate(name="A", price=1))
    second = await repository.create(ItemCreate(name="B", price=2))
    assert second.id > first.id
    listed = await repository.list(limit=100, offset=0)
    ids = [item.id for item in listed]
    assert ids == sorted(ids)
    assert {first.id, second.id} <= set(ids)
    for item in (first, second):
        await repository.delete(item.id)


async def test_update_applies_only_the_changes(repository: ItemRepository) -> None:
    item = await repository.create(ItemCreate(name="Old", description="d", price=3))
    updated = await repository.update(item.id, {"name": "New"})
    assert updated == Item(id=item.id, name="New", description="d", price=3)
    assert await repository.get(item.id) == updated
    await repository.delete(item.id)


async def test_missing_ids(repository: ItemRepository) -> None:
    assert await repository.get(2_000_000_000) is None
    assert await repository.update(2_000_000_000, {"name": "x"}) is None
    assert await repository.delete(2_000_000_000) is False


async def test_deleted_item_is_gone(repository: ItemRepository) -> None:
    item = await repository.create(ItemCreate(name="Gone", price=1))
    assert await repository.delete(item.id) is True
    assert await repository.get(item.id) is None
    assert await repository.delete(item.id) is False


async def test_price_keeps_its_precision(repository: ItemRepository) -> None:
    item = await repository.create(ItemCreate(name="Precise", price=19.99))
    stored = await repository.get(item.id)
    assert stored is not None
    assert stored.price == 19.99
    await repository.delete(item.id)


async def test_check_reports_ok(database: Database) -> None:
    assert await database.check() == "ok"
