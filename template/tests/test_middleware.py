"""Request ids, timing, the last-resort 500 and CORS."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import ValidationError

from app.core.config import PROJECT, Settings
from app.main import create_app
from tests.conftest import make_settings

UUID_HEX = re.compile(r"^[0-9a-f]{32}$")


def test_sane_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/health", headers={"X-Request-ID": "abc-123.def"})
    assert response.headers["x-request-id"] == "abc-123.def"


def test_missing_or_odd_request_id_gets_a_new_one(client: TestClient) -> None:
    assert UUID_HEX.match(client.get("/health").headers["x-request-id"])
    for odd in ["a b", "x" * 129, "<script>", ""]:
        response = client.get("/health", headers={"X-Request-ID": odd})
        assert UUID_HEX.match(response.headers["x-request-id"]), odd


def test_process_time_is_reported(client: TestClient) -> None:
    response = client.get("/api/v1/items")
    assert float(response.headers["x-process-time"]) >= 0


def test_unexpected_error_is_json_500_with_the_request_id(app: FastAPI) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "request_id": "req-500"}
    assert response.headers["x-request-id"] == "req-500"
    assert "secret" not in response.text


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[TestClient]:
    cors = make_settings(
        settings.database_url,
        cors_origins="https://app.example,http://localhost:3000",
        cors_allow_methods='["GET", "POST"]',
    )
    with TestClient(create_app(cors)) as client:
        yield client


def preflight(client: TestClient, origin: str, method: str = "POST") -> Response:
    response: Response = client.options(
        "/api/v1/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    return response


def test_preflight_from_a_configured_origin_is_allowed(cors_client: TestClient) -> None:
    response = preflight(cors_client, "https://app.example")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "GET, POST"
    assert "x-request-id" in response.headers


def test_preflight_from_another_origin_gets_no_allow_origin(cors_client: TestClient) -> None:
    for origin in ["https://evil.example", "https://app.example.evil.example", "null"]:
        response = preflight(cors_client, origin)
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers


def test_preflight_for_a_method_not_allowed_is_refused(cors_client: TestClient) -> None:
    response = preflight(cors_client, "https://app.example", method="DELETE")
    assert response.status_code == 400


def test_simple_request_from_another_origin_gets_no_cors_header(cors_client: TestClient) -> None:
    response = cors_client.get("/health", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_defaults_come_from_the_answers(settings: Settings) -> None:
    assert settings.cors_origins == PROJECT.cors_origins
    assert settings.cors_allow_methods == PROJECT.cors_allow_methods
    assert settings.cors_allow_headers == PROJECT.cors_allow_headers
    assert settings.cors_allow_credentials == PROJECT.cors_allow_credentials


def test_wildcard_origin_with_credentials_is_refused() -> None:
    with pytest.raises(ValidationError, match="list the exact origins"):
        make_settings("sqlite://", cors_origins="*", cors_allow_credentials=True)


def test_origin_with_a_path_is_refused() -> None:
    with pytest.raises(ValidationError, match="no path"):
        make_settings("sqlite://", cors_origins="https://app.example/path")
