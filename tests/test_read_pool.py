"""The fast reads' own asyncpg connections on PostgreSQL (core/storage/read_pool.py, issue 9):
no checkout from SQLAlchemy's pool and nothing sent when a connection is given back; a connection
that dies is replaced and the read tried once more; an exhausted pool, a database that refuses
connections and a new event loop behave as the engine's pool did."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import event, text

from yibao.core.storage.database import Database
from yibao.core.storage.reader import Sql
from yibao.core.testkit.server import free_port
from yibao.schema.faults import classify

PID = Sql("SELECT pg_backend_pid() AS read_pool_test")


async def backend_pid(db: Database) -> int:
    return (await db.run_read(lambda reader: reader.fetch(PID, {})))[0][0]


@pytest.mark.yibao_backends("postgresql")
async def test_a_read_takes_no_engine_connection_and_sends_nothing_after_its_statement(yibao_platform):
    """Before: each read checked a connection out of SQLAlchemy's pool (CPU for the pool's
    bookkeeping); asyncpg's own pool would send its reset statement (a round trip) on release."""
    db = yibao_platform.db
    checkouts: list[object] = []

    def checkout(*_args: object) -> None:
        checkouts.append(_args)

    pool = db.engine.sync_engine.pool
    event.listen(pool, "checkout", checkout)
    try:
        pids = {await backend_pid(db) for _ in range(5)}
    finally:
        event.remove(pool, "checkout", checkout)
    assert checkouts == []
    async with db.engine.connect() as conn:  # the server's view: what each read connection did last
        seen = (await conn.execute(text("SELECT state, query FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                                   {"pids": list(pids)})).all()
    assert len(seen) == len(pids) and all(tuple(row) == ("idle", PID.pg_text) for row in seen), seen


@pytest.mark.yibao_backends("postgresql")
async def test_a_read_whose_connection_dies_is_tried_once_more_on_a_new_one(yibao_platform):
    db = yibao_platform.db
    tried: list[int] = []

    async def work(reader):  # type: ignore[no-untyped-def]
        pid = (await reader.fetch(PID, {}))[0][0]
        tried.append(pid)
        if len(tried) == 1:  # killed under the read, between two of its statements
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return (await reader.fetch(PID, {}))[0][0]

    assert await db.run_read(work) == tried[1] != tried[0]
    assert len(tried) == 2
    assert await backend_pid(db) == tried[1]  # the new connection went back to the pool
    assert db.read_pool is not None and db.read_pool._busy == 0


@pytest.mark.yibao_backends("postgresql")
async def test_an_exhausted_read_pool_is_service_unavailable_and_recovers(yibao_platform):
    db = Database(yibao_platform.settings.database_url)
    assert db.read_pool is not None
    db.read_pool.max_size, db.read_pool.timeout = 2, 0.2
    hold = asyncio.Event()

    async def held(reader):  # type: ignore[no-untyped-def]
        await reader.fetch(PID, {})
        await hold.wait()

    try:
        holding = [asyncio.create_task(db.run_read(held)) for _ in range(2)]
        await asyncio.sleep(0.05)
        while db.read_pool._busy < 2:  # bounded by the tasks' own progress, not a timing assertion
            await asyncio.sleep(0.01)
        with pytest.raises(TimeoutError) as waited:
            await backend_pid(db)
        refused = classify(waited.value)
        assert refused is not None and (refused.code, refused.status) == ("SERVICE_UNAVAILABLE", 503)
        hold.set()
        await asyncio.gather(*holding)
        assert db.read_pool._busy == 0
        assert await backend_pid(db) > 0
    finally:
        hold.set()
        await db.dispose()


async def test_a_database_refusing_connections_is_service_unavailable():
    """Needs no database (nothing listens on the port, as during tests/test_outage.py): runs once."""
    db = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        with pytest.raises(OSError) as refused:
            await backend_pid(db)
        answer = classify(refused.value)
        assert answer is not None and answer.code == "SERVICE_UNAVAILABLE"
        assert await db.ping() is False
    finally:
        await db.dispose()


@pytest.mark.yibao_backends("postgresql")
async def test_a_new_event_loop_opens_read_connections_of_its_own(yibao_platform):
    """A process forked by `--workers`, or a test's new loop, cannot use another loop's connections;
    the first loop keeps its own."""
    db = yibao_platform.db
    here = await backend_pid(db)
    assert db.read_pool is not None

    def elsewhere() -> int:
        async def read() -> int:
            try:
                return await backend_pid(db)
            finally:
                await db.read_pool.close()  # type: ignore[union-attr]

        return asyncio.run(read())

    there = await asyncio.to_thread(elsewhere)
    assert there != here
    assert await backend_pid(db) == here


@pytest.mark.yibao_backends("postgresql")
async def test_a_cancelled_read_closes_its_connection_and_a_refused_one_keeps_it(yibao_platform):
    """A read cut off mid-statement (the request's time limit) may leave its connection busy: it is
    closed, not reused; a statement the server refuses leaves the connection idle: it is kept."""
    db = yibao_platform.db
    first = await backend_pid(db)
    slow = Sql("SELECT pg_sleep(5)")
    reading = asyncio.create_task(db.run_read(lambda reader: reader.fetch(slow, {})))
    await asyncio.sleep(0.2)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    second = await backend_pid(db)
    assert second != first
    with pytest.raises(asyncpg.PostgresError):
        await db.run_read(lambda reader: reader.fetch(Sql("SELECT 1/0"), {}))
    assert await backend_pid(db) == second
    assert db.read_pool is not None and db.read_pool._busy == 0


@pytest.mark.yibao_backends("postgresql")
async def test_readers_waiting_for_a_connection_get_one_in_turn(yibao_platform):
    """More reads than connections: they wait, each gets one as another is given back, and no more
    connections are opened than the pool's size."""
    db = Database(yibao_platform.settings.database_url)
    assert db.read_pool is not None
    db.read_pool.max_size = 2
    try:
        pids = await asyncio.gather(*(db.run_read(lambda reader: reader.fetch(Sql("SELECT pg_backend_pid(), pg_sleep(0.02)"), {}))
                                      for _ in range(12)))
        assert len({rows[0][0] for rows in pids}) <= 2
        assert db.read_pool._busy == 0
    finally:
        await db.dispose()
