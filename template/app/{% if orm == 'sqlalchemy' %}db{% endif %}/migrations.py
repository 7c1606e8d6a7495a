"""`python -m app migrate`: bring the database schema up to date."""

import asyncio

from app.core.config import Settings
from app.db.engine import create_engine
from app.db.models import Base


def migrate(settings: Settings) -> None:
    """Create the tables the models describe (Alembic replaces this)."""

    async def run() -> None:
        engine = create_engine(settings)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
        finally:
            await engine.dispose()

    asyncio.run(run())
