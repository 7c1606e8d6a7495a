"""Shared fixtures: settings for a test database, the app, and an HTTP client with its lifespan.

Tests use TEST_DATABASE_URL (never DATABASE_URL, so a developer's data is safe); without it they
use a temporary SQLite file. The database is migrated once and emptied before each test.
"""

import os
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import db
from app.core.config import Settings
from app.main import create_app

# The cache backend's own fixtures, when it has any (Redis: its server or an in-process stand-in).
pytest_plugins = [name for name in ["tests.redis_support"] if find_spec(name)]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    path: Path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    db.migrate(make_settings(database_url))
    return database_url


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: no .env file, the given database, anything else overridden."""
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(migrated_database: str) -> Settings:
    return make_settings(migrated_database)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        _delete_all_items(test_client)
        yield test_client


def _delete_all_items(client: TestClient) -> None:
    # Through the API, so the same code works for every ORM and database and the cache is kept
    # consistent. The test database holds only what the tests created.
    while items := client.get("/api/v1/items", params={"limit": 100}).json():
        for item in items:
            assert client.delete(f"/api/v1/items/{item['id']}").status_code == 204


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
