"""The Item resource as the API reads and writes it."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Description = Annotated[str | None, Field(max_length=10_000)]
Price = Annotated[float, Field(gt=0, le=1_000_000_000, allow_inf_nan=False)]


class _ItemFields(BaseModel):
    # Unknown fields are a client bug worth a 422, not something to drop silently.
    model_config = ConfigDict(extra="forbid")


class ItemCreate(_ItemFields):
    """Body of POST /api/v1/items."""

    name: Name
    description: Description = None
    price: Price


class ItemReplace(ItemCreate):
    """Body of PUT /api/v1/items/{id}: every field, as on create."""


class ItemPatch(_ItemFields):
    """Body of PATCH /api/v1/items/{id}: only the fields to change."""

    name: Name | None = None
    description: Description = None
    price: Price | None = None

    @field_validator("name", "price")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class Item(BaseModel):
    """An item as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: float
