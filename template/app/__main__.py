"""`python -m app` serves the API with WEB_CONCURRENCY workers; `python -m app migrate` migrates."""

import argparse
import sys

import uvicorn
from pydantic import ValidationError

from app.core.config import Settings, get_settings
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
        from app.db import migrate

        migrate(settings)
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
