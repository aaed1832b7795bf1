"""Builds a benchmark database: this project's migrations and reference data, then generated
Zhongshan persons (one scheme period each), 1.5 selections per person on average, and a reserve
of persons without a selection for the write workload. Kept between runs (named by size)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-0123456789abcdef0123456789"
RESERVE = 30_000  # persons without selections, for selectInstitution
PGL_SQL = Path(__file__).with_name("postgraphile.sql")


def db_name(persons: int) -> str:
    return f"yibao_bench_{persons}"


def sa_url(name: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


def pg_url(name: str, port: int = 5432) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{name}"


def id_number(n: int) -> str:
    from yibao.core.testkit.ids import make_id_number

    born = (date(1940, 1, 1) + timedelta(days=n // 800)).strftime("%Y%m%d")
    return make_id_number("442000", born, 100 + n % 800)


async def _exists(name: str) -> bool:
    conn = await asyncpg.connect(ADMIN)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def build(persons: int, *, rebuild: bool = False) -> str:
    """The database's name; built unless a complete one of that size exists."""
    name = db_name(persons)
    if await _exists(name) and not rebuild:
        conn = await asyncpg.connect(pg_url(name))
        try:
            done = await conn.fetchval("SELECT to_regclass('bench_done') IS NOT NULL")
        finally:
            await conn.close()
        if done:
            return name
    admin = await asyncpg.connect(ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    started = time.monotonic()
    from yibao.core.platform import Platform, Settings

    platform = Platform(Settings(database_url=sa_url(name), secret=SECRET))
    await platform.start()  # this project's own migrations and reference data
    await platform.stop()
    conn = await asyncpg.connect(pg_url(name))
    try:
        await _fill(conn, persons)
        await conn.execute(PGL_SQL.read_text())
        await conn.execute("ANALYZE")
        await conn.execute("CREATE TABLE bench_done (persons int)")
    finally:
        await conn.close()
    print(f"built {name}: {persons} persons + {RESERVE} without selections in {time.monotonic() - started:.0f}s")
    return name


async def _fill(conn: asyncpg.Connection, persons: int) -> None:
    now = datetime.now(UTC)
    clinics = [r["id"] for r in await conn.fetch(
        "SELECT id FROM institutions WHERE city = 'zhongshan' AND category = '社区卫生服务中心' ORDER BY code")]
    total = persons + RESERVE
    await conn.copy_records_to_table(
        "persons", columns=["id_number", "document_type", "name", "city", "insured_since", "created_at", "created_by"],
        records=((id_number(n), "RESIDENT_ID", f"参保人{n}", "zhongshan", date(2020, 1, 1), now, "bench")
                 for n in range(total)))
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM persons WHERE created_by = 'bench' ORDER BY id")]
    await conn.copy_records_to_table(
        "scheme_periods", columns=["person_id", "scheme", "valid_from", "valid_to", "recorded_at", "recorded_by"],
        records=((pid, "EMPLOYEE", date(2020, 1, 1), date(2099, 12, 31), now, "bench") for pid in ids))

    def selections():  # type: ignore[no-untyped-def]
        for n, pid in enumerate(ids[:persons]):
            yield (pid, "GENERAL_OUTPATIENT", "COMMUNITY", clinics[n % len(clinics)], "EMPLOYEE", date(2024, 1, 1),
                   date(2025, 12, 31) if n % 2 else date(2099, 12, 31), "YUEYIBAO", date(2024, 1, 1), now, "bench")
            if n % 2:
                yield (pid, "GENERAL_OUTPATIENT", "COMMUNITY", clinics[(n + 1) % len(clinics)], "EMPLOYEE",
                       date(2026, 1, 1), date(2099, 12, 31), "YUEYIBAO", date(2025, 12, 10), now, "bench")

    await conn.copy_records_to_table(
        "selections", columns=["person_id", "kind", "slot", "institution_id", "scheme", "effective_from", "effective_to",
                               "channel", "created_on", "created_at", "created_by"], records=selections())


def reserve_ids(persons: int) -> list[str]:
    """ID numbers of the persons without a selection (the write workload's first choices)."""
    return [id_number(n) for n in range(persons, persons + RESERVE)]


if __name__ == "__main__":
    import sys

    asyncio.run(build(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, rebuild=True))
