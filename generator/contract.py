"""Walk the HTTP contract of DESIGN.md against a running project, one named check at a time.

Every item a check creates is deleted again before the walk ends (when the walk gets that far).
"""

from __future__ import annotations

import contextlib
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

ITEMS = "/api/v1/items"
FOREIGN_ORIGIN = "https://evil.example"
CACHE_ROUNDS = 200


class ContractViolation(Exception):
    """What the service answered, next to what the contract expects, on one line."""


@dataclass(frozen=True)
class ContractSettings:
    """What the walk expects of this project, from its answers and the boot environment."""

    cache: str = "none"
    workers: int = 1
    allowed_origin: str | None = None
    allow_any_origin: bool = False
    preflight_method: str = "GET"

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], workers: int) -> ContractSettings:
        """Derive the expectations from a project's ``.copier-answers.yml``."""
        origins = [str(origin) for origin in answers.get("cors_origins") or []]
        methods = [str(method).upper() for method in answers.get("cors_allow_methods") or []]
        concrete = [origin for origin in origins if origin != "*"]
        return cls(
            cache=str(answers.get("cache", "none")),
            workers=workers,
            allowed_origin=concrete[0] if concrete else None,
            allow_any_origin="*" in origins,
            preflight_method=methods[0] if methods else "GET",
        )


class ContractWalk:
    """The checks, in order; each method raises :class:`ContractViolation` on a mismatch."""

    def __init__(self, client: httpx.Client, settings: ContractSettings) -> None:
        self.client = client
        self.settings = settings
        self._item: dict[str, Any] | None = None

    def checks(self) -> list[tuple[str, Callable[[], None]]]:
        """``(step name, check)`` pairs for this project, in the order to run them."""
        steps: list[tuple[str, Callable[[], None]]] = [
            ("http: ready", self.ready),
            ("http: request id and timing", self.request_headers),
            ("http: create item", self.create_item),
            ("http: read item", self.read_item),
            ("http: list items", self.list_items),
            ("http: replace item", self.replace_item),
            ("http: patch item", self.patch_item),
            ("http: 422 on negative price", self.validation_error),
        ]
        if self.settings.cache != "none":
            steps.append(("http: cache hit, miss and invalidation", self.cache_invalidation))
            if self.settings.workers > 1:
                steps.append(("http: fresh reads across workers", self.fresh_across_workers))
        steps += [
            ("http: cors preflight", self.cors_preflight),
            ("http: delete item and 404", self.delete_item),
        ]
        return steps

    def ready(self) -> None:
        """``/ready`` reports the database and the cache (``disabled`` without one)."""
        cache_state = "disabled" if self.settings.cache == "none" else "ok"
        expected = {"status": "ok", "checks": {"database": "ok", "cache": cache_state}}
        _expect_json(self.client.get("/ready"), 200, expected, "GET /ready")

    def request_headers(self) -> None:
        """A sane ``X-Request-ID`` is echoed; ``X-Process-Time`` is a number of seconds."""
        request_id = str(uuid.uuid4())
        response = self.client.get("/health", headers={"X-Request-ID": request_id})
        echoed = response.headers.get("x-request-id")
        if echoed != request_id:
            raise ContractViolation(f"X-Request-ID {request_id} came back as {echoed!r}")
        elapsed = response.headers.get("x-process-time")
        try:
            valid = elapsed is not None and float(elapsed) >= 0
        except ValueError:
            valid = False
        if not valid:
            raise ContractViolation(f"X-Process-Time is {elapsed!r}, expected seconds")

    def create_item(self) -> None:
        """``POST`` answers 201 with the whole item, including its new integer id."""
        self._item = self._create("smoke widget", "made by fastapi-stack smoke", 9.5)

    def read_item(self) -> None:
        """``GET /{id}`` answers the item as created."""
        item = self._require_item()
        _expect_item(self.client.get(f"{ITEMS}/{item['id']}"), 200, item, "GET item")

    def list_items(self) -> None:
        """``limit`` bounds a page (1..100, else 422); paging with ``offset`` finds the item."""
        item = self._require_item()
        first = _expect_status(self.client.get(ITEMS, params={"limit": 1}), 200, "GET ?limit=1")
        if not isinstance(first, list) or len(first) > 1:
            raise ContractViolation(f"GET ?limit=1 answered {first!r}, expected a list of <= 1")
        for bad_limit in (0, 101):
            response = self.client.get(ITEMS, params={"limit": bad_limit})
            if response.status_code != 422:
                raise ContractViolation(
                    f"GET ?limit={bad_limit} answered {response.status_code}, expected 422"
                )
        offset = 0
        while True:
            page = _expect_status(
                self.client.get(ITEMS, params={"limit": 100, "offset": offset}),
                200,
                f"GET ?limit=100&offset={offset}",
            )
            if not isinstance(page, list):
                raise ContractViolation(f"GET {ITEMS} answered {page!r}, expected a list")
            if any(isinstance(entry, dict) and entry.get("id") == item["id"] for entry in page):
                match = next(entry for entry in page if entry.get("id") == item["id"])
                _compare_item(match, item, "the listed item")
                return
            if not page:
                raise ContractViolation(f"item {item['id']} is missing from every page of the list")
            offset += len(page)

    def replace_item(self) -> None:
        """``PUT`` replaces every field and answers the new item."""
        item = self._require_item()
        body = {"name": "smoke widget v2", "description": None, "price": 12.25}
        expected = {"id": item["id"], **body}
        response = self.client.put(f"{ITEMS}/{item['id']}", json=body)
        self._item = _expect_item(response, 200, expected, "PUT item")

    def patch_item(self) -> None:
        """``PATCH`` changes only the fields sent."""
        item = self._require_item()
        expected = {**item, "price": 15.0}
        response = self.client.patch(f"{ITEMS}/{item['id']}", json={"price": 15})
        self._item = _expect_item(response, 200, expected, "PATCH item")
        _expect_item(self.client.get(f"{ITEMS}/{item['id']}"), 200, expected, "GET after PATCH")

    def validation_error(self) -> None:
        """A negative price is FastAPI's standard 422 naming ``["body", "price"]``."""
        response = self.client.post(ITEMS, json={"name": "refused", "price": -1})
        body = _expect_status(response, 422, "POST with a negative price")
        if not isinstance(body, dict) or set(body) != {"detail"}:
            raise ContractViolation(f'422 body is {body!r}, expected {{"detail": [...]}}')
        details = body["detail"]
        if not isinstance(details, list) or not any(
            isinstance(entry, dict) and entry.get("loc") == ["body", "price"] for entry in details
        ):
            raise ContractViolation(f'422 detail {details!r} has no loc ["body", "price"]')

    def cache_invalidation(self) -> None:
        """``X-Cache`` is MISS then HIT; after a write the next read is fresh, never stale."""
        item = self._create("cached widget", None, 3.5)
        try:
            path = f"{ITEMS}/{item['id']}"
            for ordinal, expected_state in (("first", "MISS"), ("second", "HIT")):
                response = self.client.get(path)
                _expect_item(response, 200, item, f"GET cached item ({ordinal} read)")
                state = response.headers.get("x-cache")
                if state != expected_state:
                    raise ContractViolation(
                        f"X-Cache is {state!r} on the {ordinal} read, expected {expected_state}"
                    )
            renamed = {**item, "name": "renamed widget"}
            _expect_item(
                self.client.patch(path, json={"name": "renamed widget"}), 200, renamed, "PATCH"
            )
            _expect_item(self.client.get(path), 200, renamed, "GET after PATCH (stale cache?)")
        finally:
            self.client.delete(f"{ITEMS}/{item['id']}")

    def fresh_across_workers(self) -> None:
        """With several workers sharing Redis, every read after a write sees that write."""
        item = self._require_item()
        path = f"{ITEMS}/{item['id']}"
        for round_number in range(1, CACHE_ROUNDS + 1):
            body = {"name": f"round {round_number}", "description": None, "price": 1.5}
            expected = {"id": item["id"], **body}
            put = self.client.put(path, json=body)
            self._item = _expect_item(put, 200, expected, f"PUT in round {round_number}")
            _expect_item(self.client.get(path), 200, expected, f"GET in round {round_number}")

    def cors_preflight(self) -> None:
        """A configured origin gets ``Access-Control-Allow-Origin``; a foreign one does not."""
        if self.settings.allowed_origin is not None or self.settings.allow_any_origin:
            origin = self.settings.allowed_origin or "https://any.example"
            allowed = self._preflight(origin).headers.get("access-control-allow-origin")
            if allowed not in (origin, "*"):
                raise ContractViolation(
                    f"preflight from allowed origin {origin} got "
                    f"Access-Control-Allow-Origin {allowed!r}"
                )
        if not self.settings.allow_any_origin:
            leaked = self._preflight(FOREIGN_ORIGIN).headers.get("access-control-allow-origin")
            if leaked is not None:
                raise ContractViolation(
                    f"preflight from {FOREIGN_ORIGIN} got Access-Control-Allow-Origin {leaked!r}"
                )

    def delete_item(self) -> None:
        """``DELETE`` answers 204; afterwards the item is a 404 for every verb."""
        item = self._require_item()
        path = f"{ITEMS}/{item['id']}"
        response = self.client.delete(path)
        if response.status_code != 204 or response.content:
            raise ContractViolation(
                f"DELETE item answered {response.status_code} {response.text[:200]!r}, "
                "expected 204 with no body"
            )
        self._item = None
        missing = {"detail": f"Item {item['id']} not found"}
        _expect_json(self.client.get(path), 404, missing, "GET deleted item")
        _expect_json(self.client.patch(path, json={"price": 2}), 404, missing, "PATCH deleted item")
        _expect_json(self.client.delete(path), 404, missing, "DELETE deleted item")

    def cleanup(self) -> None:
        """Delete the item if a failed check left it behind."""
        if self._item is not None:
            with contextlib.suppress(httpx.HTTPError):
                self.client.delete(f"{ITEMS}/{self._item['id']}")
            self._item = None

    def _create(self, name: str, description: str | None, price: float) -> dict[str, Any]:
        body = {"name": name, "description": description, "price": price}
        response = self.client.post(ITEMS, json=body)
        created = _expect_status(response, 201, "POST item")
        if not isinstance(created, dict) or not _is_int(created.get("id")):
            raise ContractViolation(f"POST item answered {created!r}, expected an integer id")
        expected = {"id": created["id"], **body}
        _compare_item(created, expected, "POST item")
        return expected

    def _require_item(self) -> dict[str, Any]:
        if self._item is None:
            raise ContractViolation("no item to work on: creating one failed earlier")
        return self._item

    def _preflight(self, origin: str) -> httpx.Response:
        headers = {
            "Origin": origin,
            "Access-Control-Request-Method": self.settings.preflight_method,
        }
        return self.client.options(ITEMS, headers=headers)


def _expect_status(response: httpx.Response, status: int, what: str) -> Any:
    if response.status_code != status:
        raise ContractViolation(
            f"{what} answered {response.status_code} {response.text[:300]!r}, expected {status}"
        )
    try:
        return response.json()
    except ValueError as error:
        raise ContractViolation(f"{what} answered non-JSON {response.text[:200]!r}") from error


def _expect_json(response: httpx.Response, status: int, expected: object, what: str) -> None:
    body = _expect_status(response, status, what)
    if body != expected:
        raise ContractViolation(f"{what} answered {body!r}, expected {expected!r}")


def _expect_item(
    response: httpx.Response, status: int, expected: dict[str, Any], what: str
) -> dict[str, Any]:
    body = _expect_status(response, status, what)
    _compare_item(body, expected, what)
    return expected


def _compare_item(body: object, expected: dict[str, Any], what: str) -> None:
    """Whole-body equality, with ``price`` compared as a JSON number (never a string)."""
    if not isinstance(body, dict) or set(body) != set(expected):
        raise ContractViolation(f"{what} answered {body!r}, expected {expected!r}")
    price = body["price"]
    same_price = (
        isinstance(price, int | float)
        and not isinstance(price, bool)
        and math.isclose(price, expected["price"], rel_tol=0, abs_tol=1e-9)
    )
    rest_equal = all(body[key] == expected[key] for key in expected if key != "price")
    if not (same_price and rest_equal and _is_int(body["id"])):
        raise ContractViolation(f"{what} answered {body!r}, expected {expected!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
