"""SQLAlchemy 2 (async) storage: engine, models, the item repository and migrations."""

from app.db.engine import SqlAlchemyDatabase, connect
from app.db.migrations import migrate

__all__ = ["SqlAlchemyDatabase", "connect", "migrate"]
