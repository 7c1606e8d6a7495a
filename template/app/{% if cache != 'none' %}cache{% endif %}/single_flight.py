"""Single-flight loading: concurrent misses for one key share one database read."""

import asyncio
from collections.abc import Awaitable, Callable

Loaded = bytes | None


class SingleFlight:
    """Runs at most one `load` per key at a time in this process; the others await its result."""

    def __init__(self) -> None:
        self._flights: dict[str, asyncio.Future[Loaded]] = {}

    async def run(self, key: str, load: Callable[[], Awaitable[Loaded]]) -> Loaded:
        """The result of the load in flight for `key`, or of a new one started here."""
        while (flight := self._flights.get(key)) is not None:
            try:
                return await asyncio.shield(flight)
            except asyncio.CancelledError:
                # The leader was cancelled (its client went away): retry, unless we were.
                if not flight.cancelled():
                    raise
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            value = await load()
        except asyncio.CancelledError:
            flight.cancel()
            raise
        except Exception as exc:
            flight.set_exception(exc)
            flight.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        else:
            flight.set_result(value)
            return value
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]

    def forget(self, key: str) -> None:
        """Let the next caller start a fresh load instead of joining the one in flight."""
        self._flights.pop(key, None)
