"""Bodies of error responses, for the OpenAPI document."""

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    """A client or availability error in one sentence."""

    detail: str


class ServerError(ErrorDetail):
    """An unexpected error; quote request_id when reporting it."""

    request_id: str | None = None
