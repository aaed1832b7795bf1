"""Migration 0003 (institution networks, person categories) upgrades, downgrades and upgrades again."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from yibao.core.storage.migrate import alembic_config


async def _tables(engine) -> tuple[set[str], set[str]]:
    async with engine.connect() as conn:
        def look(sync):
            found = inspect(sync)
            return set(found.get_table_names()), {c["name"] for c in found.get_columns("institutions")}
        return await conn.run_sync(look)


async def test_0003_downgrade_and_upgrade_round_trip(yibao_platform):
    engine = yibao_platform.db.engine
    names, columns = await _tables(engine)
    assert {"institution_networks", "person_categories"} <= names and "networks" in columns
    async with engine.begin() as conn:
        # to whatever 0003 follows (the integrator may re-chain the migrations when merging)
        below = ScriptDirectory.from_config(alembic_config()).get_revision("0003").down_revision
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), below))
    names, columns = await _tables(engine)
    assert not {"institution_networks", "person_categories"} & names and "networks" not in columns
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    names, columns = await _tables(engine)
    assert {"institution_networks", "person_categories"} <= names and "networks" in columns
