"""The local test servers: reachability, throwaway databases and claimed Redis databases."""

from __future__ import annotations

import asyncio
import socket

import asyncmy
import asyncpg
import pytest
import redis

from generator import services
from generator.services import (
    ServiceError,
    fresh_database,
    fresh_redis_database,
    is_reachable,
    redis_url,
    require_services,
)
from tests.conftest import need_services


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_require_services_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    assert require_services()
    monkeypatch.setenv("REQUIRE_SERVICES", "0")
    assert not require_services()
    monkeypatch.delenv("REQUIRE_SERVICES")
    assert not require_services()


def test_a_closed_port_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(services.PORTS, "postgres", _closed_port())
    assert not is_reachable("postgres")


def test_urls_are_plain() -> None:
    assert redis_url() == "redis://127.0.0.1:6379/0"
    assert redis_url(3) == "redis://127.0.0.1:6379/3"
    assert services.database_url("postgres", "x") == "postgresql://postgres@127.0.0.1:5432/x"
    assert services.database_url("mysql", "x") == "mysql://root@127.0.0.1:3306/x"


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
def test_fresh_database_on_a_closed_port_is_a_service_error(
    monkeypatch: pytest.MonkeyPatch, kind: services.DatabaseKind
) -> None:
    monkeypatch.setitem(services.PORTS, kind, _closed_port())
    with (
        pytest.raises(ServiceError, match=f"Cannot create a database on {kind}"),
        fresh_database(kind),
    ):
        pytest.fail("the body must not run")


async def _postgres_databases() -> set[str]:
    connection = await asyncpg.connect(
        host="127.0.0.1", port=5432, user="postgres", database="postgres"
    )
    try:
        rows = await connection.fetch("SELECT datname FROM pg_database")
    finally:
        await connection.close()
    return {row["datname"] for row in rows}


async def _mysql_databases() -> set[str]:
    connection = await asyncmy.connect(host="127.0.0.1", port=3306, user="root", password="")
    try:
        async with connection.cursor() as cursor:
            await cursor.execute("SHOW DATABASES")
            rows = await cursor.fetchall()
    finally:
        await connection.ensure_closed()
    return {row[0] for row in rows}


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
def test_fresh_database_exists_inside_and_is_dropped_after(kind: services.DatabaseKind) -> None:
    need_services([kind])
    list_databases = _postgres_databases if kind == "postgres" else _mysql_databases
    with fresh_database(kind) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("fstack_")
        assert url.startswith("postgresql://" if kind == "postgres" else "mysql://")
        assert name in asyncio.run(list_databases())
    assert name not in asyncio.run(list_databases())


def test_fresh_database_is_dropped_when_the_body_raises() -> None:
    need_services(["postgres"])
    with pytest.raises(RuntimeError, match="boom"), fresh_database("postgres") as url:
        raise RuntimeError("boom")
    assert url.rsplit("/", 1)[1] not in asyncio.run(_postgres_databases())


def test_fresh_redis_databases_are_distinct_empty_and_flushed() -> None:
    need_services(["redis"])
    with fresh_redis_database() as first, fresh_redis_database() as second:
        assert first != second
        for url in (first, second):
            with redis.Redis.from_url(url) as client:
                assert client.dbsize() == 0
        with redis.Redis.from_url(first) as client:
            client.set("item:1", "cached")
    with redis.Redis.from_url(first) as client:
        assert client.get("item:1") is None
