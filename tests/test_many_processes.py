"""Several `yibao serve` processes on one PostgreSQL database (issue 12, "Many processes").

Real server processes (core/testkit/server.py), a client that alternates between them with no
affinity, and a private PgBouncer in transaction mode (core/testkit/pgbouncer.py). Nothing a
process keeps in memory may make it answer differently from another: reads agree, a write through
one is read through the other, a live event caused through one reaches a subscriber of the other,
an idempotency key retried on the other process gives the first answer without a second write, and
the person's row lock keeps ZS-4's one-change-a-month rule when both processes change at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import httpx
import pytest
import websockets
from sqlalchemy import func, select

from yibao.core.storage import tables
from yibao.core.testkit.client import GraphQLClient
from yibao.core.testkit.databases import EmptyDatabase
from yibao.core.testkit.pgbouncer import pgbouncer_binary, running_pgbouncer, through
from yibao.core.testkit.server import running_servers

from .support import DONGQU_CENTRE, IDENTITY, SHIQI_CENTRE, SUBMIT, City
from .test_subscriptions import FOLLOW, REVIEW, next_message

pytestmark = pytest.mark.yibao_backends("postgresql")

ZHONGSHANGANG_CENTRE = "H44200110003"  # 中山市中山港街道社区卫生服务中心
WEST_CENTRE = "H44200110004"  # 中山市西区街道社区卫生服务中心

PAGE = """query($after: String) { persons(city: "zhongshan", first: 5, after: $after) {
  edges { cursor node { idNumber name scheme selections { kind status effectiveFrom institution { code name } } } }
  pageInfo { hasNextPage endCursor } } }"""
SEARCH = """{ institutions(city: "zhongshan", search: "shiqi", first: 10) { totalCount edges { node { code name town level } } } }"""
ITEM = """{ serviceItem(code: "GD-14") { code name } }"""


class Alternating(httpx.AsyncBaseTransport):
    """Sends each request to the next server in turn: a load balancer with no affinity."""

    def __init__(self, bases: list[str]):
        self.bases = [httpx.URL(b) for b in bases]
        self.served: list[int] = []
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = len(self.served) % len(self.bases)
        self.served.append(index)
        base = self.bases[index]
        request.url = request.url.copy_with(scheme=base.scheme, host=base.host, port=base.port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def server_env(platform, url: str | None = None, **extra: str) -> dict[str, str]:
    return {"YIBAO_DATABASE_URL": url or platform.settings.database_url, "YIBAO_SECRET": platform.secret,
            "YIBAO_TRAINING": "1", **extra}


def pinned(base: str, platform) -> GraphQLClient:
    return GraphQLClient(httpx.AsyncClient(base_url=base, timeout=30), platform)


async def count_rows(platform, table, id_number: str) -> int:
    async with platform.db.read() as session:
        person = await session.scalar(select(tables.PersonRow.id).where(tables.PersonRow.id_number == id_number))
        return await session.scalar(select(func.count()).select_from(table).where(table.person_id == person))


async def follow_while(base: str, token: str, app_id: str, act) -> list[dict]:
    """Subscribe to applicationEvents on `base`, then run `act()` (a change made elsewhere) and
    return the current state and the next event the subscriber received."""
    async with websockets.connect(base.replace("http://", "ws://") + "/graphql",
                                  subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}", "X-Business-Date": "2026-03-02"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
        events = [await next_message(ws)]  # the current state: the follower is registered
        await act()
        events.append(await next_message(ws))
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
    return events


async def submit_and_follow(subscriber: GraphQLClient, actor: GraphQLClient, new_id) -> list[dict]:
    """A person submits GD-14 and follows it on `subscriber`'s process; an agency approves it
    through `actor`'s process."""
    city = City(actor, "zhongshan")
    pid = new_id()
    await city.register(pid, on="2026-03-02")
    person = city.person_token(pid)
    submitted = await subscriber(SUBMIT, {"input": {
        "idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
        "materials": [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"]}}, token=person, today="2026-03-02")
    app_id = submitted.data["submitApplication"]["application"]["id"]

    async def approve() -> None:
        reviewed = await actor(REVIEW, {"id": app_id}, token=city.agency, today="2026-03-03")
        assert reviewed.data["reviewApplication"]["application"]["status"] == "APPROVED", reviewed

    return await follow_while(str(subscriber.http.base_url), person, app_id, approve)


async def test_two_processes_on_one_database_answer_as_one(yibao_platform, new_id):
    with running_servers([server_env(yibao_platform)] * 2) as (a, b):
        transport = Alternating([a, b])
        both = GraphQLClient(httpx.AsyncClient(transport=transport, base_url="http://lb", timeout=30), yibao_platform)
        on_a, on_b = pinned(a, yibao_platform), pinned(b, yibao_platform)
        city = City(both, "zhongshan")

        # Writes through one process are read through the other: each call goes to the next process.
        people = [new_id() for _ in range(3)]
        for pid in people:
            await city.register(pid, on="2026-03-02")  # a, b, a
            first = await city.select(pid, SHIQI_CENTRE, on="2026-03-02")  # b, a, b
            assert first["errors"] == [], first
            seen = await city.selections(pid, on="2026-03-02")  # a, b, a: the other process
            assert [s["id"] for s in seen] == [first["selection"]["id"]]
        assert set(transport.served) == {0, 1}

        # Reads agree: the same page, cursor after cursor, and the same search, from each process.
        token = city.client.token("integrator")
        after = None
        for _ in range(3):
            from_a = await on_a(PAGE, {"after": after}, token=token, today="2026-03-02")
            from_b = await on_b(PAGE, {"after": after}, token=token, today="2026-03-02")
            assert from_a.errors is None and from_a.data == from_b.data
            after = from_a.data["persons"]["pageInfo"]["endCursor"]
        assert (await on_a(SEARCH)).data == (await on_b(SEARCH)).data != {"institutions": {"edges": []}}

        # An idempotency key retried on the other process: the first answer, no second write (SE-5).
        pid = new_id()
        await City(on_a, "zhongshan").register(pid, on="2026-03-02")
        once = await City(on_a, "zhongshan").select(pid, WEST_CENTRE, on="2026-03-02", key="retry-1")
        again = await City(on_b, "zhongshan").select(pid, WEST_CENTRE, on="2026-03-02", key="retry-1")
        assert once["errors"] == [] and again == once
        assert await count_rows(yibao_platform, tables.SelectionRow, pid) == 1
        assert await count_rows(yibao_platform, tables.ApplicationRow, pid) == 1

        # ZS-4 with both processes changing the same person at once: one wins, one is refused.
        pid = new_id()
        await City(on_a, "zhongshan").register(pid, on="2026-03-02")
        assert (await City(on_b, "zhongshan").select(pid, SHIQI_CENTRE, on="2026-03-02"))["errors"] == []
        answers = await asyncio.gather(City(on_a, "zhongshan").select(pid, DONGQU_CENTRE, on="2026-03-10"),
                                       City(on_b, "zhongshan").select(pid, ZHONGSHANGANG_CENTRE, on="2026-03-10"))
        winners = [r for r in answers if r["errors"] == []]
        losers = [r for r in answers if r["errors"]]
        assert len(winners) == 1 and len(losers) == 1, answers
        assert sorted(e["code"] for e in losers[0]["errors"]) == ["CHANGE_LIMIT_REACHED", "PENDING_CHANGE_EXISTS"]
        assert await count_rows(yibao_platform, tables.SelectionRow, pid) == 2

        # A subscription on A receives the change made through B, and the other way round.
        assert [e["status"] for e in await submit_and_follow(on_a, on_b, new_id)] == ["SUBMITTED", "APPROVED"]
        assert [e["status"] for e in await submit_and_follow(on_b, on_a, new_id)] == ["SUBMITTED", "APPROVED"]
        for client in (both, on_a, on_b):
            await client.http.aclose()


def _pgbouncer_or_skip() -> None:
    if pgbouncer_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is required in CI (apt-get install -y pgbouncer)")
        pytest.skip("pgbouncer is not installed (apt-get install -y pgbouncer)")


async def test_behind_pgbouncer_in_transaction_mode(yibao_platform, new_id):
    """Two processes started together on a new, empty database, both behind one PgBouncer
    (pool_mode=transaction, 2 server connections for all clients) with YIBAO_DATABASE_POOLER=pgbouncer
    and LISTEN on a direct connection. They migrate and load the reference data once (a
    transaction-scoped advisory lock, which holds through transaction pooling; before it one of
    them failed with a UniqueViolation), then serve reads, writes and live events."""
    _pgbouncer_or_skip()
    from yibao.core.storage.database import Database

    async with EmptyDatabase() as direct:
        with running_pgbouncer(direct, pool_size=2) as port:
            env = server_env(yibao_platform, through(direct, port), YIBAO_DATABASE_POOLER="pgbouncer",
                             YIBAO_LISTEN_DATABASE_URL=direct)
            with running_servers([env, env]) as (a, b):
                await _serve_through_the_pooler(a, b, yibao_platform, new_id)
        db = Database(direct)
        try:
            async with db.read() as session:
                versions = (await session.scalars(select(tables.ReferenceVersionRow.city))).all()
                items = await session.scalar(select(func.count()).select_from(tables.ServiceItemRow))
        finally:
            await db.dispose()
    assert len(versions) == len(set(versions)) >= 3 and items > 0


async def _serve_through_the_pooler(a: str, b: str, platform, new_id) -> None:
    on_a, on_b = pinned(a, platform), pinned(b, platform)
    both = GraphQLClient(httpx.AsyncClient(transport=Alternating([a, b]), base_url="http://lb", timeout=30), platform)
    city = City(both, "zhongshan")
    token = city.client.token("integrator")
    # More requests at once than the two server connections: fast-path reads (asyncpg fetch) and
    # SQLAlchemy's statements (writes, strawberry) interleave on shared server connections.
    pids = [new_id() for _ in range(4)]
    for pid in pids:
        await city.register(pid, on="2026-03-02")
    picks = await asyncio.gather(*(city.select(pid, SHIQI_CENTRE, on="2026-03-02") for pid in pids))
    assert all(p["errors"] == [] for p in picks), picks
    pages = await asyncio.gather(*(c(PAGE, {"after": None}, token=token, today="2026-03-02")
                                   for c in (on_a, on_b) * 6))
    assert all(p.errors is None for p in pages) and all(p.data == pages[0].data for p in pages)
    assert len(pages[0].data["persons"]["edges"]) == 4
    searches = await asyncio.gather(*(both(SEARCH) for _ in range(8)))
    assert all(s.data == searches[0].data and s.errors is None for s in searches)
    assert searches[0].data["institutions"]["totalCount"] > 0
    for pid, pick in zip(pids, picks, strict=True):
        assert [s["id"] for s in await city.selections(pid, on="2026-03-02")] == [pick["selection"]["id"]]
    # Live events: subscribed on A, caused through B, both behind the pooler.
    assert [e["status"] for e in await submit_and_follow(on_a, on_b, new_id)] == ["SUBMITTED", "APPROVED"]
    for client in (both, on_a, on_b):
        await client.http.aclose()


ONE_PROCESS = """
import asyncio, sys
from sqlalchemy import text
from yibao.core.storage.database import Database
from yibao.core.storage.reader import Sql

async def main(url, pooler):
    db = Database(url, pooler=pooler or None)
    try:
        async def work(reader):
            return (await reader.fetch(Sql("SELECT count(*) FROM institutions WHERE city = :c"), {"c": "zhongshan"}))[0][0]
        fast = await db.run_read(work)
        async with db.read() as session:
            orm = (await session.execute(text("SELECT count(*) FROM institutions WHERE city = :c"), {"c": "zhongshan"})).scalar()
        print(fast, orm)
    finally:
        await db.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_named_prepared_statements_break_behind_transaction_pooling(yibao_platform):
    """Why YIBAO_DATABASE_POOLER exists: two processes doing the same reads one after the other
    through one PgBouncer server connection. asyncpg names its prepared statements with a counter
    per process, so without the setting the second process's names collide with the statements the
    first left on the shared server connection; with it (unnamed statements) both succeed."""
    _pgbouncer_or_skip()
    direct = yibao_platform.settings.database_url

    def run(url: str, pooler: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", ONE_PROCESS, url, pooler], capture_output=True, text=True,
                              timeout=60)

    with running_pgbouncer(direct, pool_size=1) as port:
        url = through(direct, port)
        first, second = run(url, ""), run(url, "")
        pooled = [run(url, "pgbouncer") for _ in range(2)]
    assert first.returncode == 0, first.stderr
    assert second.returncode != 0 and "prepared statement" in second.stderr and "already exists" in second.stderr, (
        second.stdout, second.stderr[-2000:])
    assert all(p.returncode == 0 for p in pooled), [p.stderr[-2000:] for p in pooled]
    counts = [p.stdout.split() for p in (first, *pooled)]
    assert all(c == counts[0] for c in counts) and int(counts[0][0]) > 0


def test_processes_starting_together_in_one_folder_share_one_development_key(tmp_path):
    """Without YIBAO_SECRET the key is generated beside the database once: callers racing to make it
    (here threads, released together) all get the same complete key, never an error or an empty
    one (before: FileExistsError for the losers, or the empty file the winner had not written yet)."""
    import threading

    from yibao.core.auth import secret_source

    for round_ in range(40):
        folder = tmp_path / f"r{round_}"
        barrier, got = threading.Barrier(8), []

        def resolve(folder=folder, barrier=barrier, got=got) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            try:
                got.append(secret_source(f"sqlite+aiosqlite:///{folder}/y.db", {}).secret)
            except Exception as exc:  # noqa: BLE001 - the failure this test guards against
                got.append(repr(exc))

        threads = [threading.Thread(target=resolve) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(got)) == 1 and len(got[0]) >= 32, got
        assert [p.name for p in folder.iterdir()] == [".yibao-secret"]  # no drafts left behind


@pytest.mark.yibao_backends("sqlite", "postgresql")
async def test_a_schedule_reloaded_by_a_host_whose_clock_is_behind_is_seen(yibao_platform):
    """SC-2: each process keeps the calendar in memory and re-reads it when the stored schedules
    change. Another host reloads 2027 with its clock behind this one's, so the reloaded row's
    `loaded_at` is older than the newest row's: the change must still be noticed (the revision
    was once the row count and the newest `loaded_at`, which this leaves unchanged)."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import update

    from yibao.core.auth import Actor, Role
    from yibao.core.catalogue.calendar import YearSchedule
    from yibao.core.platform import Call

    admin = Call(Actor(Role.ADMIN), date(2026, 12, 1))
    for year in (2027, 2028):
        await yibao_platform.catalogue.load_schedule(admin, YearSchedule(
            year=year, holidays=frozenset({date(year, 1, 1)}), workdays=frozenset(), source="测试用安排（非官方）"))
    assert not (await yibao_platform.catalogue.calendar()).is_working_day(date(2027, 1, 1))
    assert (await yibao_platform.catalogue.calendar()).is_working_day(date(2027, 1, 4))

    async with yibao_platform.db.write(None) as session:  # the other host's `yibao calendar load`
        newest = await session.scalar(select(func.max(tables.CalendarScheduleRow.loaded_at)))
        behind = (newest.replace(tzinfo=UTC) if newest.tzinfo is None else newest) - timedelta(minutes=5)
        assert behind < datetime.now(UTC)
        await session.execute(update(tables.CalendarScheduleRow).where(tables.CalendarScheduleRow.year == 2027)
                              .values(holidays=["2027-01-01", "2027-01-04"], loaded_at=behind))
    assert not (await yibao_platform.catalogue.calendar()).is_working_day(date(2027, 1, 4))


def test_pooler_settings_are_checked_before_anything_starts(monkeypatch, capsys):
    """A pooler without a direct URL for LISTEN would lose every live event silently: refused."""
    from yibao.core.platform import Settings
    from yibao.core.settings import SettingsError
    from yibao.schema.cli import main

    pg, direct = "postgresql+asyncpg://postgres@127.0.0.1:6432/x", "postgresql+asyncpg://postgres@127.0.0.1:5432/x"
    with pytest.raises(SettingsError, match="YIBAO_LISTEN_DATABASE_URL"):
        Settings.from_env({"YIBAO_DATABASE_URL": pg, "YIBAO_DATABASE_POOLER": "pgbouncer"})
    with pytest.raises(SettingsError, match="known poolers are pgbouncer"):
        Settings.from_env({"YIBAO_DATABASE_URL": pg, "YIBAO_DATABASE_POOLER": "pgpool",
                           "YIBAO_LISTEN_DATABASE_URL": direct})
    with pytest.raises(SettingsError, match="PostgreSQL only"):
        Settings.from_env({"YIBAO_DATABASE_URL": "sqlite+aiosqlite:///y.db", "YIBAO_DATABASE_POOLER": "pgbouncer",
                           "YIBAO_LISTEN_DATABASE_URL": direct})
    ok = Settings.from_env({"YIBAO_DATABASE_URL": pg, "YIBAO_DATABASE_POOLER": " PgBouncer ",
                            "YIBAO_LISTEN_DATABASE_URL": direct})
    assert (ok.database_pooler, ok.listen_database_url) == ("pgbouncer", direct)
    plain = Settings.from_env({"YIBAO_DATABASE_URL": pg})
    assert (plain.database_pooler, plain.listen_database_url) == (None, None)

    monkeypatch.setenv("YIBAO_DATABASE_URL", pg)
    monkeypatch.setenv("YIBAO_DATABASE_POOLER", "pgbouncer")
    monkeypatch.delenv("YIBAO_LISTEN_DATABASE_URL", raising=False)
    assert main(["serve", "--port", "1"]) == 2
    assert "cannot start" in capsys.readouterr().err

