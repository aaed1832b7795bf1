"""Create and migrate the database to the newest revision (Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    from .database import lock_start_up

    async with engine.begin() as conn:
        await lock_start_up(conn)  # another process migrating at once waits, then finds nothing to do
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
