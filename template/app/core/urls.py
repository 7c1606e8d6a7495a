"""Parsing of the URLs the service is configured with."""

import re

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$")


def validate_origin(origin: str) -> str:
    """Return the origin if it is `scheme://host[:port]` or "*"; raise ValueError otherwise."""
    if origin != "*" and not _ORIGIN.match(origin):
        raise ValueError(
            f"CORS origin {origin!r} is invalid; use scheme://host[:port] with no path, or '*'"
        )
    return origin


def async_database_url(url: str, drivers: dict[str, str]) -> str:
    """Map a plain DATABASE_URL (sqlite://, postgresql://, mysql://) to an async driver's scheme.

    `drivers` maps each plain scheme to the scheme the ORM wants; a URL that already names a
    driver (e.g. postgresql+asyncpg://) is returned unchanged.
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        raise ValueError(f"DATABASE_URL {url!r} is not a URL; expected e.g. sqlite:///./app.db")
    base = {"postgres": "postgresql", "mariadb": "mysql"}.get(scheme, scheme)
    if base not in drivers:
        if "+" in scheme:
            return url
        supported = ", ".join(sorted(drivers))
        raise ValueError(f"DATABASE_URL scheme {scheme!r} is not supported; use one of {supported}")
    return f"{drivers[base]}://{rest}"
