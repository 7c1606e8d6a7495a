"""The local test servers: PostgreSQL, MariaDB/MySQL and Redis on 127.0.0.1.

Addresses and users are those of DESIGN.md ("Services for tests"). Tests and the matrix use:

- :func:`is_reachable` to decide whether a server is up (a short TCP connect);
- :func:`require_services` (``REQUIRE_SERVICES=1``): a missing server is then a failure, not a skip;
- :func:`fresh_database` for a throwaway database, yielding a plain URL, dropped afterwards;
- :func:`fresh_redis_database` for a claimed, empty numbered Redis database, flushed afterwards.

Nothing here touches data it did not create. The context managers are synchronous (they run
their own event loop), so call them from plain code or threads, not from inside a running loop.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal, get_args

from generator.errors import GeneratorError, one_line

if TYPE_CHECKING:
    import redis

ServiceName = Literal["postgres", "mysql", "redis"]
DatabaseKind = Literal["postgres", "mysql"]
SERVICES: tuple[ServiceName, ...] = get_args(ServiceName)

HOST = "127.0.0.1"
PORTS: dict[ServiceName, int] = {"postgres": 5432, "mysql": 3306, "redis": 6379}
POSTGRES_USER = "postgres"
MYSQL_USER = "root"
DATABASE_PREFIX = "fstack_"
_CONNECT_TIMEOUT = 5.0
_REDIS_CLAIM_SECONDS = 3600


class ServiceError(GeneratorError):
    """A test server is unreachable or refused an administrative command."""


def address(name: ServiceName) -> str:
    """``host:port`` of a service."""
    return f"{HOST}:{PORTS[name]}"


def is_reachable(name: ServiceName, timeout: float = 0.5) -> bool:
    """Whether the service accepts a TCP connection within ``timeout`` seconds."""
    try:
        with socket.create_connection((HOST, PORTS[name]), timeout=timeout):
            return True
    except OSError:
        return False


def unreachable_reason(name: ServiceName) -> str:
    """The one line used when a service is down (skip reasons, failures)."""
    return f"{name} is not reachable at {address(name)}"


def require_services() -> bool:
    """Whether a missing service must fail instead of skip (``REQUIRE_SERVICES=1``, set by CI)."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


def database_url(kind: DatabaseKind, name: str) -> str:
    """The plain URL of database ``name`` on the local server (the app maps it to its driver)."""
    if kind == "postgres":
        return f"postgresql://{POSTGRES_USER}@{address('postgres')}/{name}"
    return f"mysql://{MYSQL_USER}@{address('mysql')}/{name}"


def redis_url(db: int = 0) -> str:
    """The URL of numbered database ``db`` on the local Redis."""
    return f"redis://{address('redis')}/{db}"


@contextmanager
def fresh_database(kind: DatabaseKind) -> Iterator[str]:
    """Create a uniquely named database (``fstack_<8 hex>``) and yield its plain URL.

    The database is dropped on exit, even when the body raised. Raises :class:`ServiceError`
    when the server is unreachable or refuses to create it.
    """
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:8]}"
    execute = _postgres_execute if kind == "postgres" else _mysql_execute
    quote = '"' if kind == "postgres" else "`"
    try:
        asyncio.run(execute(f"CREATE DATABASE {quote}{name}{quote}"))
    except Exception as error:  # driver errors have no common base beyond Exception
        raise ServiceError(
            f"Cannot create a database on {kind} at {address(kind)}: {one_line(error)}"
        ) from error
    try:
        yield database_url(kind, name)
    finally:
        drop = f"DROP DATABASE IF EXISTS {quote}{name}{quote}"
        if kind == "postgres":
            drop += " WITH (FORCE)"  # a leftover app connection must not keep the database alive
        try:
            asyncio.run(execute(drop))
        except Exception as error:  # never hide the body's own exception behind this one
            warnings.warn(
                f"could not drop test database {name} on {kind}: {one_line(error)}",
                RuntimeWarning,
                stacklevel=2,
            )


@contextmanager
def fresh_redis_database() -> Iterator[str]:
    """Claim an empty numbered Redis database (1..N-1) and yield its URL; flush it on exit.

    Apps rendered from the template use the same key names, so concurrent smoke runs each need
    their own database. A claim is a ``fstack:claim:<n>`` key in database 0 (set only if absent,
    expiring after an hour), so claims also hold across processes (pytest-xdist, parallel CI).
    """
    import redis

    client = redis.Redis(host=HOST, port=PORTS["redis"], db=0, socket_timeout=_CONNECT_TIMEOUT)
    token = uuid.uuid4().hex
    try:
        claimed = _claim_redis_database(client, token)
    except redis.RedisError as error:
        raise ServiceError(
            f"Cannot claim a Redis database at {address('redis')}: {one_line(error)}"
        ) from error
    finally:
        client.close()
    try:
        yield redis_url(claimed)
    finally:
        try:
            with redis.Redis(host=HOST, port=PORTS["redis"], db=claimed) as database:
                database.flushdb()  # empty when claimed: everything in it is ours
            with redis.Redis(host=HOST, port=PORTS["redis"], db=0) as registry:
                if registry.get(_claim_key(claimed)) == token.encode():
                    registry.delete(_claim_key(claimed))
        except redis.RedisError as error:
            warnings.warn(
                f"could not release Redis database {claimed}: {one_line(error)}",
                RuntimeWarning,
                stacklevel=2,
            )


def _claim_redis_database(client: redis.Redis, token: str) -> int:
    import redis

    try:
        configured = client.config_get("databases").get("databases")
        count = int(configured) if configured is not None else 16
    except redis.ResponseError:  # CONFIG may be disabled on managed servers
        count = 16
    for number in range(1, count):
        if not client.set(_claim_key(number), token, nx=True, ex=_REDIS_CLAIM_SECONDS):
            continue
        with redis.Redis(host=HOST, port=PORTS["redis"], db=number) as candidate:
            if candidate.dbsize() == 0:
                return number
        client.delete(_claim_key(number))  # holds someone else's data: leave it alone
    raise ServiceError(
        f"No empty Redis database among 1..{count - 1} at {address('redis')}: "
        "wait for other runs to finish or free one."
    )


def _claim_key(number: int) -> str:
    return f"fstack:claim:{number}"


async def _postgres_execute(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped,unused-ignore]

    connection = await asyncpg.connect(
        host=HOST,
        port=PORTS["postgres"],
        user=POSTGRES_USER,
        database="postgres",
        timeout=_CONNECT_TIMEOUT,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _mysql_execute(statement: str) -> None:
    import asyncmy

    connection = await asyncmy.connect(
        host=HOST,
        port=PORTS["mysql"],
        user=MYSQL_USER,
        password="",
        connect_timeout=_CONNECT_TIMEOUT,
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(statement)
    finally:
        await connection.ensure_closed()
