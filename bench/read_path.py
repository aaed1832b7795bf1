"""Read-path benchmark (issue: a page of 20 persons with their selections and institutions).

Creates a throw-away PostgreSQL database, fills it with persons and selections, serves it with
one `yibao serve` process (one core), drives it from a second process with concurrent clients
for a fixed time, prints requests per second and latency percentiles, and drops the database.

    python bench/read_path.py [--persons 2000] [--seconds 15] [--concurrency 16]

Figures depend on the machine; compare runs on the same one. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime

import httpx

QUERY = """query($city: String!, $after: String) { persons(city: $city, first: 20, after: $after) {
  edges { node { id idNumber name scheme
    selections { id status effectiveFrom effectiveTo institution { code name town level } } } }
  pageInfo { hasNextPage endCursor } } }"""
SECRET = "bench-secret-0123456789abcdef0123456789"


def admin_url() -> str:
    return os.environ.get("YIBAO_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def prepare(url: str, persons: int) -> None:
    from sqlalchemy import insert, select

    from yibao.core.platform import Platform, Settings
    from yibao.core.storage.tables import InstitutionRow, PersonRow, SchemePeriodRow, SelectionRow
    from yibao.core.testkit.ids import make_id_number

    platform = Platform(Settings(database_url=url, secret=SECRET))
    await platform.start()
    now = datetime.now(UTC)
    async with platform.db.write() as session:
        clinics = (await session.scalars(select(InstitutionRow.id).where(
            InstitutionRow.city == "zhongshan", InstitutionRow.category == "社区卫生服务中心"))).all()
        people = [dict(id_number=make_id_number("442000", f"19{50 + n % 50:02d}0101", n % 1000)[:14]
                       + f"{n:04d}"[-4:], name=f"参保人{n}", city="zhongshan", document_type="RESIDENT_ID",
                       created_at=now, created_by="bench") for n in range(persons)]
        ids = (await session.scalars(insert(PersonRow).returning(PersonRow.id), people)).all()
        await session.execute(insert(SchemePeriodRow), [
            dict(person_id=pid, scheme="EMPLOYEE", valid_from=date(2020, 1, 1), valid_to=date(2099, 12, 31),
                 recorded_at=now, recorded_by="bench") for pid in ids])
        rows = []
        for n, pid in enumerate(ids):
            first = clinics[n % len(clinics)]
            rows.append(dict(person_id=pid, kind="GENERAL_OUTPATIENT", slot="COMMUNITY", institution_id=first,
                             scheme="EMPLOYEE", effective_from=date(2024, 1, 1),
                             effective_to=date(2025, 12, 31) if n % 2 else date(2099, 12, 31), channel="YUEYIBAO",
                             created_on=date(2024, 1, 1), created_at=now, created_by="bench"))
            if n % 2:
                rows.append(dict(person_id=pid, kind="GENERAL_OUTPATIENT", slot="COMMUNITY",
                                 institution_id=clinics[(n + 1) % len(clinics)], scheme="EMPLOYEE",
                                 effective_from=date(2026, 1, 1), effective_to=date(2099, 12, 31),
                                 channel="YUEYIBAO", created_on=date(2025, 12, 10), created_at=now, created_by="bench"))
        await session.execute(insert(SelectionRow), rows)
    await platform.stop()


async def load(base: str, token: str, seconds: float, concurrency: int) -> list[float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            after = None
            while time.perf_counter() < stop:
                started = time.perf_counter()
                r = await client.post("/graphql", json={"query": QUERY, "variables": {"city": "zhongshan", "after": after}})
                page = r.json()["data"]["persons"]
                latencies.append(time.perf_counter() - started)
                after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    from sqlalchemy.engine import make_url

    from yibao.core.testkit.databases import _pg
    from yibao.core.testkit.server import running_server

    name = f"yibao_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg([f'CREATE DATABASE "{name}"']))
    url = make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(prepare(url, args.persons))
        with running_server({"YIBAO_DATABASE_URL": url, "YIBAO_SECRET": SECRET}) as base:
            report(base, args)
    finally:
        asyncio.run(_pg([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']))


def report(base: str, args: argparse.Namespace) -> None:
    from yibao.core.auth import Role, issue_token

    token = issue_token(SECRET, Role.AGENCY, city="zhongshan", ttl=3600)
    asyncio.run(load(base, token, 2, args.concurrency))  # warm-up
    latencies = sorted(asyncio.run(load(base, token, args.seconds, args.concurrency)))
    print("persons page of 20 with selections and institutions, PostgreSQL, 1 server process")
    print(f"requests: {len(latencies)} in {args.seconds:.0f}s, concurrency {args.concurrency}")
    print(f"throughput: {len(latencies) / args.seconds:.0f} requests/s")
    print(f"latency ms: p50 {1000 * statistics.median(latencies):.1f}  "
          f"p95 {1000 * latencies[int(0.95 * len(latencies)) - 1]:.1f}  "
          f"p99 {1000 * latencies[int(0.99 * len(latencies)) - 1]:.1f}")


if __name__ == "__main__":
    main()
