"""Tortoise ORM storage: configuration, models, the item repository and aerich migrations."""

from app.db.database import TortoiseDatabase, connect
from app.db.migrations import migrate

__all__ = ["TortoiseDatabase", "connect", "migrate"]
