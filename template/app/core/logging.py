"""Logging set-up: one format for the service, uvicorn and the access log."""

import logging

_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(level: str) -> None:
    """Send every logger to stderr at `level`, once per process."""
    root = logging.getLogger()
    if not any(getattr(handler, "_app_handler", False) for handler in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._app_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
