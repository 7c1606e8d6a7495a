"""Which driver errors mean "the database is unavailable" (-> 503), for every installed driver."""

import importlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from tortoise.exceptions import DBConnectionError

from app.core.errors import DatabaseUnavailableError

# By name, so the service imports only the driver DATABASE_URL needs.
_DRIVER_ERRORS = {
    "asyncpg.exceptions": (
        "PostgresConnectionError",  # includes a connection lost mid-query
        "OperatorInterventionError",  # server shutting down or starting, statement cancelled
        "InsufficientResourcesError",  # too many connections
        "InvalidAuthorizationSpecificationError",
        "InvalidCatalogNameError",
    ),
    "asyncmy.errors": ("OperationalError", "InterfaceError"),
}


def _installed_driver_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [OSError, DBConnectionError, sqlite3.OperationalError]
    for module_name, names in _DRIVER_ERRORS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found.extend(getattr(module, name) for name in names)
    return tuple(found)


UNAVAILABLE_ERRORS = _installed_driver_errors()


def _chain(exc: BaseException) -> Iterator[BaseException]:
    # Tortoise re-raises driver errors as its own, keeping the original as cause or context.
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc`, or an error it was raised from, says the database cannot serve us."""
    return any(isinstance(error, UNAVAILABLE_ERRORS) for error in _chain(exc))


def reason(exc: BaseException) -> str:
    """One line for the log: the driver's own message, the most precise in the chain."""
    *_, innermost = _chain(exc)
    return (str(innermost).strip().splitlines() or [type(innermost).__name__])[0]


@asynccontextmanager
async def unavailable_as_domain_error() -> AsyncIterator[None]:
    """Turn "database unavailable" driver errors raised inside the block into the domain error."""
    try:
        yield
    except Exception as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailableError(reason(exc)) from exc
        raise
