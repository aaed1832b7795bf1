"""Migration 0004 (remote filings) goes down and up again on both backends: downgrade drops exactly
its tables, the rest of the data stays, and upgrade restores them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from yibao.core.storage.migrate import alembic_config

FILING_TABLES = {"remote_filings", "remote_filing_choices", "remote_filing_events"}


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _migrate(engine, direction: str, revision: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: getattr(command, direction)(alembic_config(sync), revision))


async def test_0004_downgrades_and_upgrades(yibao_platform, zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-05")
    engine = yibao_platform.db.engine
    assert FILING_TABLES <= await _tables(engine)
    await _migrate(engine, "downgrade", "0008")  # to 0004's parent: 0005 (after it) and 0004 go
    remaining = await _tables(engine)
    assert not FILING_TABLES & remaining and {"persons", "applications", "selections"} <= remaining
    await _migrate(engine, "upgrade", "head")
    assert FILING_TABLES <= await _tables(engine)
    assert len((await zhongshan.selections(pid, on="2026-01-05"))) == 0  # the person survived both ways
