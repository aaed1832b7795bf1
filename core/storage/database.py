"""Async engines and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from . import audit as audit_log
from . import statements, unique
from .audit import AuditedSession, AuditEntry
from .read_pool import ReadPool, connect_options
from .reader import Reader, Sql, read

T = TypeVar("T")
_PING = Sql("SELECT 1")
DEFAULT_URL = "sqlite+aiosqlite:///yibao.db"
POOLERS = ("pgbouncer",)
"""Connection poolers in transaction mode the engine can run behind (YIBAO_DATABASE_POOLER)."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


class Database:
    """One async engine; `read()` and `write()` give sessions in a transaction.

    On SQLite a write transaction starts with BEGIN IMMEDIATE, so the read-validate-write of a
    mutation cannot interleave with another writer, in this process or another.
    On PostgreSQL services lock the rows they change (SELECT … FOR UPDATE).
    """

    def __init__(self, url: str, *, echo: bool = False, pooler: str | None = None, listen_url: str | None = None):
        self.url = url
        self.sqlite = is_sqlite(url)
        if pooler is not None and pooler not in POOLERS:
            raise ValueError(f"unknown connection pooler {pooler!r}; known: {', '.join(POOLERS)}")
        if pooler is not None and self.sqlite:
            raise ValueError("a connection pooler applies to PostgreSQL only")
        self.pooler = pooler
        self.listen_url = listen_url or url
        """Where the one LISTEN connection of live events goes (core/events.py): LISTEN holds a
        server session, so behind a transaction-mode pooler it must be a direct connection."""
        kwargs: dict = {"echo": echo}
        if self.sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        elif pooler is not None:
            # Transaction pooling (PgBouncer pool_mode=transaction): consecutive transactions of one
            # client connection may run on different server connections, so nothing may outlive a
            # transaction on the server. Named prepared statements do: asyncpg's statement cache is
            # off (its fetch() then uses the unnamed statement, parsed and executed in one
            # Parse/Describe/Flush…Bind/Execute/Sync exchange the pooler keeps on one server), and
            # SQLAlchemy's own prepare() gets the unnamed name "" and no cache (docs/scaling.md).
            kwargs.update(pool_size=10, max_overflow=10, connect_args={
                "statement_cache_size": 0,
                "prepared_statement_cache_size": 0,
                "prepared_statement_name_func": _unnamed,
            })
        else:
            # No pool_pre_ping (a BEGIN/ROLLBACK round trip per checkout): a connection found dead on
            # use is invalidated (SQLAlchemy drops the pool's stale connections on a disconnect
            # error); the fast reads have their own pool and retry once (storage/read_pool.py).
            kwargs.update(pool_size=10, max_overflow=10, pool_timeout=5)  # exhausted: 503 after 5 s, not 30
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.read_pool: ReadPool | None = (
            None if self.sqlite else ReadPool(connect_options(self.engine, kwargs.get("connect_args", {}))))
        """PostgreSQL: the fast reads' own asyncpg connections (storage/read_pool.py); SQLite's
        reads use the engine."""
        if self.sqlite:
            _sqlite_transactions(self.engine)
        statements.count_statements(self.engine)
        self.commit_hooks: list[Callable[[AsyncSession], None]] = []
        """Called with the session after each write transaction commits (e.g. live events)."""
        self.commits = 0
        """Write transactions committed by this process; per-request caches compare it to know
        they may be stale (schema/dataloaders.py)."""
        self._reads = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writes = async_sessionmaker(
            self.engine.execution_options(yibao_write=True), expire_on_commit=False,
            sync_session_class=AuditedSession,
        )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def write(self, audit: AuditEntry | None) -> AsyncIterator[AsyncSession]:
        """A write transaction. `audit` (from `Call.audit(operation)`) is required of every write a
        request makes: its changes are recorded in the audit log by one INSERT just before COMMIT,
        in the same transaction (storage/audit.py). `None` only for the platform's own loading of
        packaged reference data and catalogue at start-up (and imports made without a caller, as
        tests and the plugin kit do), which no request asked for."""
        try:
            async with self._writes() as session:
                async with session.begin():
                    if audit is not None:
                        audit_log.start(session.sync_session)
                    yield session
                    if audit is not None:
                        await audit_log.record(session, audit)
                self.commits += 1
                for hook in self.commit_hooks:
                    hook(session)
        except IntegrityError as exc:  # a race the service's own check could not see (storage/unique.py)
            refused = unique.refusal(exc)
            if refused is None:
                raise
            raise refused from None

    async def run_read(self, work: Callable[[Reader], Awaitable[T]]) -> T:
        """Run `work(reader)` on one connection without ORM or transaction (see storage/reader.py);
        a connection found dead is replaced and the work tried once more."""
        if self.read_pool is not None:
            return await self.read_pool.run(work)
        return await read(self.engine, self.sqlite, work)

    async def ping(self) -> bool:
        async def one(reader: Reader) -> object:
            return await reader.fetch(_PING, {})

        try:
            await self.run_read(one)
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        if self.read_pool is not None:
            await self.read_pool.close()
        await self.engine.dispose()


START_LOCK = 0x7969_6261_6F  # "yibao": the advisory lock key of start-up writes
_START_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


async def lock_start_up(session_or_connection) -> None:  # type: ignore[no-untyped-def]
    """First statement of a start-up write transaction (migration, reference data, catalogue): on
    PostgreSQL wait until no other process is in one, so hosts starting together on a new database
    migrate and load once; the others then find the work done. Transaction-scoped (released at
    commit or rollback), so it also holds behind a transaction-mode pooler. SQLite: BEGIN
    IMMEDIATE already serialises writers."""
    holder = session_or_connection
    dialect = holder.dialect if hasattr(holder, "dialect") else holder.bind.dialect  # connection or session
    if dialect.name == "postgresql":
        await session_or_connection.execute(_START_LOCK, {"key": START_LOCK})


def _unnamed() -> str:
    return ""  # PostgreSQL's unnamed prepared statement: replaced by the next Parse, never left behind


def _sqlite_transactions(engine: AsyncEngine) -> None:
    # SQLAlchemy's documented recipe: take transaction control from the driver so BEGIN is ours.
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("yibao_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
