"""`python -m app` serves the API with WEB_CONCURRENCY workers; `python -m app migrate` migrates."""

import argparse
import logging
import sys

import uvicorn
from pydantic import ValidationError

from app.core.config import Settings, get_settings
from app.core.errors import DatabaseUnavailableError
from app.core.logging import configure_logging


def _load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']).upper() or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        sys.exit(f"Invalid configuration ({problems}); fix the environment or .env and retry.")


def _migrate(settings: Settings) -> None:
    from app.db import migrate

    try:
        migrate(settings)
    except DatabaseUnavailableError as exc:
        sys.exit(f"Cannot migrate: the database is unreachable ({exc}); check DATABASE_URL.")
    except Exception as exc:
        logging.getLogger("app.migrate").debug("migration failed", exc_info=True)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.exit(
            f"Migration failed: {reason}. Check DATABASE_URL and that the database is reachable"
            " (LOG_LEVEL=DEBUG shows the traceback)."
        )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve or migrate."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "migrate"],
        help="serve (default) or migrate the database to the latest schema",
    )
    args = parser.parse_args(argv)
    settings = _load_settings()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        _migrate(settings)
        return
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.web_concurrency,
        log_config=None,
        access_log=False,  # the service logs one access line itself
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
