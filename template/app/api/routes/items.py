"""CRUD of items under /api/v1/items."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from app.api.deps import ItemServiceDep
from app.schemas.errors import ErrorDetail
from app.schemas.item import Item, ItemCreate, ItemPatch, ItemReplace

router = APIRouter(prefix="/api/v1/items", tags=["items"])

# Ids and offsets stay within a 32-bit integer column, so odd input is a 422, not a 500.
MAX_INT32 = 2_147_483_647
ItemId = Annotated[int, Path(ge=1, le=MAX_INT32, description="The item's id")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "No item has this id"}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an item",
    response_description="The created item, with its id",
)
async def create_item(data: ItemCreate, service: ItemServiceDep) -> Item:
    return await service.create(data)


@router.get("", summary="List items", response_description="A page of items ordered by id")
async def list_items(
    service: ItemServiceDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT32, description="Items to skip")] = 0,
) -> list[Item]:
    return await service.list(limit=limit, offset=offset)


@router.get(
    "/{item_id}",
    response_model=Item,
    summary="Read an item",
    response_description="The item; X-Cache tells whether the cache served it",
    responses=NOT_FOUND,
)
async def read_item(item_id: ItemId, service: ItemServiceDep) -> Response:
    # The cached JSON is sent as stored: no re-validation or re-serialisation on a hit.
    body, cache_status = await service.get_json(item_id)
    headers = {"X-Cache": cache_status} if cache_status else None
    return Response(content=body, media_type="application/json", headers=headers)


@router.put(
    "/{item_id}",
    summary="Replace an item",
    response_description="The item after the update",
    responses=NOT_FOUND,
)
async def replace_item(item_id: ItemId, data: ItemReplace, service: ItemServiceDep) -> Item:
    return await service.replace(item_id, data)


@router.patch(
    "/{item_id}",
    summary="Change some fields of an item",
    response_description="The item after the update",
    responses=NOT_FOUND,
)
async def patch_item(item_id: ItemId, data: ItemPatch, service: ItemServiceDep) -> Item:
    return await service.patch(item_id, data)


@router.delete(
    "/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an item",
    response_description="The item was deleted",
    responses=NOT_FOUND,
)
async def delete_item(item_id: ItemId, service: ItemServiceDep) -> Response:
    await service.delete(item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
