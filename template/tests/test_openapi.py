"""The OpenAPI document says what the service is and what each route does."""

from fastapi.testclient import TestClient

from app.core.config import PROJECT


def test_info_comes_from_the_answers(client: TestClient) -> None:
    info = client.get("/openapi.json").json()["info"]
    assert info == {
        "title": PROJECT.title,
        "description": PROJECT.description,
        "version": PROJECT.version,
    }


def test_tags_are_described(client: TestClient) -> None:
    tags = client.get("/openapi.json").json()["tags"]
    assert [tag["name"] for tag in tags] == ["items", "health"]
    assert all(tag["description"] for tag in tags)


def test_every_operation_has_a_summary_tag_and_response_description(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [
        (path, method, operation)
        for path, methods in paths.items()
        for method, operation in methods.items()
    ]
    assert {(path, method) for path, method, _ in operations} == {
        ("/health", "get"),
        ("/ready", "get"),
        ("/api/v1/items", "get"),
        ("/api/v1/items", "post"),
        ("/api/v1/items/{item_id}", "get"),
        ("/api/v1/items/{item_id}", "put"),
        ("/api/v1/items/{item_id}", "patch"),
        ("/api/v1/items/{item_id}", "delete"),
    }
    for path, method, operation in operations:
        assert operation["summary"], (path, method)
        assert operation["tags"] in (["items"], ["health"]), (path, method)
        success = next(code for code in operation["responses"] if code.startswith("2"))
        assert operation["responses"][success]["description"], (path, method)
        assert operation["responses"][success]["description"] != "Successful Response"


def test_item_routes_document_404_and_the_item_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    read = document["paths"]["/api/v1/items/{item_id}"]["get"]
    assert read["responses"]["404"]["description"] == "No item has this id"
    item_schema = read["responses"]["200"]["content"]["application/json"]["schema"]
    assert item_schema == {"$ref": "#/components/schemas/Item"}


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
