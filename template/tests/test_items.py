"""The items API, asserted on whole bodies."""

from typing import Any

from fastapi.testclient import TestClient


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Widget", "description": "A widget", "price": 9.5} | fields
    response = client.post("/api/v1/items", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_create_returns_the_item_with_its_id(client: TestClient) -> None:
    response = client.post(
        "/api/v1/items", json={"name": "Lamp", "description": "Desk lamp", "price": 25.0}
    )
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "name": "Lamp", "description": "Desk lamp", "price": 25.0}
    assert isinstance(body["id"], int)


def test_create_without_description_stores_null(client: TestClient) -> None:
    response = client.post("/api/v1/items", json={"name": "  Bare  ", "price": 1})
    body = response.json()
    assert body == {"id": body["id"], "name": "Bare", "description": None, "price": 1.0}


def test_read_returns_what_was_created(client: TestClient) -> None:
    item = create(client)
    response = client.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item
    assert response.headers["content-type"] == "application/json"


def test_list_pages_in_id_order(client: TestClient) -> None:
    items = [create(client, name=f"Item {number}") for number in range(5)]
    assert client.get("/api/v1/items").json() == items
    assert client.get("/api/v1/items", params={"limit": 2, "offset": 1}).json() == items[1:3]
    assert client.get("/api/v1/items", params={"offset": 5}).json() == []


def test_put_replaces_every_field(client: TestClient) -> None:
    item = create(client)
    response = client.put(f"/api/v1/items/{item['id']}", json={"name": "New", "price": 2})
    expected = {"id": item["id"], "name": "New", "description": None, "price": 2.0}
    assert response.status_code == 200
    assert response.json() == expected
    assert client.get(f"/api/v1/items/{item['id']}").json() == expected


def test_patch_changes_only_given_fields(client: TestClient) -> None:
    item = create(client)
    response = client.patch(f"/api/v1/items/{item['id']}", json={"price": 12.25})
    assert response.status_code == 200
    assert response.json() == item | {"price": 12.25}
    response = client.patch(f"/api/v1/items/{item['id']}", json={"description": None})
    assert response.json() == item | {"price": 12.25, "description": None}


def test_delete_then_gone(client: TestClient) -> None:
    item = create(client)
    assert client.delete(f"/api/v1/items/{item['id']}").status_code == 204
    response = client.get(f"/api/v1/items/{item['id']}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Item {item['id']} not found"}


def test_missing_item_is_404_for_every_method(client: TestClient) -> None:
    missing = 2_000_000_000
    body = {"detail": f"Item {missing} not found"}
    assert client.get(f"/api/v1/items/{missing}").json() == body
    replace = client.put(f"/api/v1/items/{missing}", json={"name": "x", "price": 1})
    assert (replace.status_code, replace.json()) == (404, body)
    patch = client.patch(f"/api/v1/items/{missing}", json={"price": 1})
    assert (patch.status_code, patch.json()) == (404, body)
    delete = client.delete(f"/api/v1/items/{missing}")
    assert (delete.status_code, delete.json()) == (404, body)


def test_negative_price_is_422_in_the_standard_shape(client: TestClient) -> None:
    response = client.post("/api/v1/items", json={"name": "Bad", "price": -1})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "greater_than",
                "loc": ["body", "price"],
                "msg": "Input should be greater than 0",
                "input": -1,
                "ctx": {"gt": 0},
            }
        ]
    }


def test_empty_name_and_missing_price_are_both_reported(client: TestClient) -> None:
    response = client.post("/api/v1/items", json={"name": ""})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "string_too_short",
                "loc": ["body", "name"],
                "msg": "String should have at least 1 character",
                "input": "",
                "ctx": {"min_length": 1},
            },
            {
                "type": "missing",
                "loc": ["body", "price"],
                "msg": "Field required",
                "input": {"name": ""},
            },
        ]
    }


def test_unknown_fields_and_null_name_are_refused(client: TestClient) -> None:
    item = create(client)
    extra = client.post("/api/v1/items", json={"name": "x", "price": 1, "owner": "me"})
    assert extra.status_code == 422
    assert [error["loc"] for error in extra.json()["detail"]] == [["body", "owner"]]
    null_name = client.patch(f"/api/v1/items/{item['id']}", json={"name": None})
    assert null_name.status_code == 422
    assert [error["loc"] for error in null_name.json()["detail"]] == [["body", "name"]]
    assert client.get(f"/api/v1/items/{item['id']}").json() == item


def test_odd_input_is_a_422_not_a_500(client: TestClient) -> None:
    assert client.get("/api/v1/items/0").status_code == 422
    assert client.get("/api/v1/items/99999999999999999999").status_code == 422
    assert client.get("/api/v1/items/abc").status_code == 422
    assert client.get("/api/v1/items", params={"limit": 101}).status_code == 422
    assert client.get("/api/v1/items", params={"offset": -1}).status_code == 422
    assert client.post("/api/v1/items", json={"name": "x" * 256, "price": 1}).status_code == 422
    assert client.post("/api/v1/items", json={"name": "x", "price": "NaN"}).status_code == 422
    assert (
        client.post(
            "/api/v1/items", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_unicode_round_trips(client: TestClient) -> None:
    item = create(client, name="Café ☕ 茶", description="emoji 🧪 and quotes \"'")
    assert client.get(f"/api/v1/items/{item['id']}").json() == item
