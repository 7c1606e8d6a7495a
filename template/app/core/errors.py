"""Domain errors and their JSON responses; no traceback ever reaches a client."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

logger = logging.getLogger("app.error")


class ItemNotFoundError(Exception):
    """The item with this id does not exist."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"Item {item_id} not found")
        self.item_id = item_id


class DatabaseUnavailableError(Exception):
    """The database could not be reached or did not answer in time."""


async def _item_not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": str(exc)})


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    logger.warning("database unavailable request_id=%s: %s", request_id, exc)
    return JSONResponse(
        status_code=503,
        content={"detail": "Database unavailable, try again later", "request_id": request_id},
        headers={"Retry-After": "5"},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors to responses; unexpected errors are handled by the middleware."""
    app.add_exception_handler(ItemNotFoundError, _item_not_found)
    app.add_exception_handler(DatabaseUnavailableError, _database_unavailable)
