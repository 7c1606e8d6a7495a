"""The Tortoise configuration for DATABASE_URL, shared by the app, migrations and aerich."""

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

from app.core.config import Settings
from app.core.urls import async_database_url

# aerich's default app label; its migrations live in migrations/models/.
APP = "models"
MODELS = ["app.db.models", "aerich.models"]
DRIVERS = {"sqlite": "sqlite", "postgresql": "asyncpg", "mysql": "mysql"}
# The longest one request's statement may run; migrations have no limit.
STATEMENT_TIMEOUT_SECONDS = 30.0


def connection_config(
    database_url: str, timeout: float, statement_timeout: float | None
) -> dict[str, Any]:
    """Tortoise's engine and credentials for a plain DATABASE_URL, with its timeouts.

    `timeout` bounds connecting (and SQLite's wait for a lock); `statement_timeout`, when given,
    bounds each statement. asyncmy reads MySQL's greeting under the statement timeout only.
    """
    url = async_database_url(database_url, DRIVERS)
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        # Plain URLs follow SQLAlchemy: sqlite:///relative.db and sqlite:////absolute.db.
        path = rest.removeprefix("/").partition("?")[0]
        if not path:
            raise ValueError(
                f"DATABASE_URL {database_url!r} names no file; e.g. sqlite:///./app.db"
            )
        credentials = {
            "file_path": path,
            "journal_mode": "WAL",
            "busy_timeout": int(timeout * 1000),
        }
        return {"engine": "tortoise.backends.sqlite", "credentials": credentials}
    config: dict[str, Any] = expand_db_url(url)
    if scheme == "asyncpg":
        config["credentials"].update(timeout=timeout, command_timeout=statement_timeout)
    else:
        config["credentials"].update(
            connect_timeout=timeout, read_timeout=statement_timeout, pool_recycle=1800
        )
    return config


def tortoise_config(
    settings: Settings,
    models: list[str] | None = None,
    statement_timeout: float | None = STATEMENT_TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """The dict Tortoise.init() and aerich's Command take; `models` replaces MODELS in tests."""
    connection = connection_config(
        settings.database_url, settings.database_timeout_seconds, statement_timeout
    )
    return {
        "connections": {"default": connection},
        "apps": {APP: {"models": models or MODELS, "default_connection": "default"}},
    }
