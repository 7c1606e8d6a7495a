"""Liveness, readiness and the 503 path."""

from importlib.util import find_spec

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.deps import get_database, get_item_service
from app.core.errors import DatabaseUnavailableError
from app.repositories import Database
from app.schemas.health import CheckResult
from app.services.items import ItemService

CACHE_CHECK = "disabled" if find_spec("app.cache") is None else "ok"


def test_health_touches_nothing(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_the_database_and_cache(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": CACHE_CHECK}}


class _Unreachable:
    """Every repository call fails as it does when the database is down."""

    def __getattr__(self, name: str) -> object:
        async def fail(*args: object, **kwargs: object) -> object:
            raise DatabaseUnavailableError("connection refused")

        return fail


class _DownDatabase:
    items = _Unreachable()

    async def check(self) -> CheckResult:
        return "unavailable"


def test_database_outage_is_503_json_never_a_traceback(app: FastAPI, client: TestClient) -> None:
    async def down() -> Database:
        return _DownDatabase()  # type: ignore[return-value]

    async def down_service() -> ItemService:
        return ItemService(_DownDatabase().items, None)  # type: ignore[arg-type]

    app.dependency_overrides[get_database] = down
    app.dependency_overrides[get_item_service] = down_service
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": CACHE_CHECK},
    }
    for method, path in [
        ("GET", "/api/v1/items/1"),
        ("GET", "/api/v1/items"),
        ("DELETE", "/api/v1/items/1"),
    ]:
        response = client.request(method, path, headers={"X-Request-ID": "outage-1"})
        assert response.status_code == 503
        assert response.json() == {
            "detail": "Database unavailable, try again later",
            "request_id": "outage-1",
        }
        assert response.headers["retry-after"] == "5"
