"""`python -m app migrate`: bring the database schema up to date with Alembic."""

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.config import Settings
from app.core.errors import DatabaseUnavailableError
from app.db.repository import UNAVAILABLE_ERRORS

if TYPE_CHECKING:
    from alembic.config import Config

# The Alembic scripts live at the project root, next to alembic.ini, whatever the working directory.
SCRIPT_LOCATION = Path(__file__).resolve().parents[2] / "migrations"

# Importing alembic logs a line per built-in plugin; only the revisions applied are news. So
# alembic is imported inside the functions, after this (which also keeps it out of app start-up).
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def alembic_config(settings: Settings) -> "Config":
    """An Alembic Config for these settings, built in code (alembic.ini is for the CLI)."""
    from alembic.config import Config

    if not SCRIPT_LOCATION.is_dir():
        raise FileNotFoundError(
            f"Alembic scripts not found at {SCRIPT_LOCATION}; run the service from its project "
            "directory (migrations/ next to app/), or copy migrations/ along with app/."
        )
    config = Config()
    # configparser interpolates "%", so a path containing one must be escaped.
    config.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    config.attributes["settings"] = settings
    return config


def migrate(settings: Settings) -> None:
    """Upgrade the database to the newest revision; a database already there is left alone.

    Safe to call from async code's threads and from tests with a running event loop. Raises
    DatabaseUnavailableError when the database cannot be reached.
    """
    from alembic import command

    config = alembic_config(settings)
    try:
        # migrations/env.py calls asyncio.run(), which cannot nest in a running loop: a fresh
        # thread never has one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(command.upgrade, config, "head").result()
    except UNAVAILABLE_ERRORS as exc:
        raise DatabaseUnavailableError(str(exc).splitlines()[0]) from exc
