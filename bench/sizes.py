"""Storage per insured person, for docs/scaling.md:

    python bench/sizes.py [--persons 50000] [--writes 500] [--name yibao_bench_sizes]

Builds a throw-away PostgreSQL database (dropped at the end) with this project's migrations and
bench/data.py's generated persons (one scheme period each, 1.5 selections on average, plus 30,000
without a selection), then makes `--writes` first choices through the selection service (each
leaves a selection, its application and their events) and prints each table's rows and total
size with indexes (pg_total_relation_size) before and after. Nothing here is a test.
"""
import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import data  # noqa: E402
from yibao.core.platform import Platform, Settings, Call  # noqa: E402
from yibao.core.auth import Actor, Role  # noqa: E402
from yibao.core.domain import SelectionKind, Channel  # noqa: E402
from yibao.core.services.selections import SelectInput  # noqa: E402

ARGS = argparse.ArgumentParser(description="storage per insured person")
ARGS.add_argument("--persons", type=int, default=50_000)
ARGS.add_argument("--writes", type=int, default=500)
ARGS.add_argument("--name", default="yibao_bench_sizes", help="the throw-away database's name")
OPTS = ARGS.parse_args()
NAME, PERSONS = OPTS.name, OPTS.persons
TABLES = ["persons", "scheme_periods", "selections", "selection_events", "applications", "application_events"]

async def sizes(conn):
    return {t: (await conn.fetchval("SELECT pg_total_relation_size($1)", t), await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in TABLES}

async def main():
    admin = await asyncpg.connect(data.ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{NAME}"')
    await admin.close()
    try:
        platform = Platform(Settings(database_url=data.sa_url(NAME), secret=data.SECRET))
        await platform.start()
        conn = await asyncpg.connect(data.pg_url(NAME))
        await data._fill(conn, PERSONS)
        await conn.execute("VACUUM ANALYZE")
        before = await sizes(conn)
        clinic = await conn.fetchval("SELECT code FROM institutions WHERE city='zhongshan' AND category='社区卫生服务中心' ORDER BY code LIMIT 1")
        reserve = data.reserve_ids(PERSONS)[:OPTS.writes]
        call = Call(Actor(Role.AGENCY, city="zhongshan", subject="probe"), date(2026, 3, 2))
        ok = 0
        for pid in reserve:
            r = await platform.selections.select(call, SelectInput(pid, SelectionKind.GENERAL_OUTPATIENT, clinic, Channel.WINDOW))
            ok += r.selection is not None
        await conn.execute("VACUUM ANALYZE")
        after = await sizes(conn)
        total_persons = before["persons"][1]
        print(f"persons {total_persons}, selections written through the service: {ok}")
        for t in TABLES:
            print(f"{t:20s} rows {before[t][1]:>8} -> {after[t][1]:>8}  bytes {before[t][0]:>11} -> {after[t][0]:>11}")
        person_bytes = (before["persons"][0] + before["scheme_periods"][0]) / total_persons
        print(f"bytes per person with one scheme period (rows and indexes): {person_bytes:.0f}")
        print(f"bytes per bulk-loaded selection row: {before['selections'][0] / before['selections'][1]:.0f}")
        written = sum(after[t][0] - before[t][0] for t in TABLES) / max(ok, 1)
        print(f"bytes per selection made through the service (selection, application, events): {written:.0f}")
        rows = {t: (after[t][1] - before[t][1]) / max(ok, 1) for t in TABLES}
        print("rows per service selection:", rows)
        await conn.close()
        await platform.stop()
    finally:
        admin = await asyncpg.connect(data.ADMIN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        await admin.close()

asyncio.run(main())
