"""The cache contract the item service relies on; app/cache holds its backends."""

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

CacheStatus = Literal["HIT", "MISS", "BYPASS"]
CacheHealth = Literal["ok", "degraded"]


class ItemCache(Protocol):
    """A cache of serialised items keyed by id."""

    async def get_or_load(
        self, key: str, load: Callable[[], Awaitable[bytes | None]]
    ) -> tuple[bytes | None, CacheStatus]:
        """The cached bytes, else `load()`'s result (kept unless None); one load per key at once."""
        ...

    async def invalidate(self, key: str) -> None:
        """Forget `key` so that the next read loads it afresh."""
        ...

    async def health(self) -> CacheHealth:
        """Return "ok" when the backend answers, "degraded" when reads fall back to the database."""
        ...
