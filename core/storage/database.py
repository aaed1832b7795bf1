"""Async engines and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from . import statements
from .reader import Reader, Sql, read

T = TypeVar("T")
_PING = Sql("SELECT 1")
DEFAULT_URL = "sqlite+aiosqlite:///yibao.db"


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

    def __init__(self, url: str, *, echo: bool = False):
        self.url = url
        self.sqlite = is_sqlite(url)
        kwargs: dict = {"echo": echo}
        if self.sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            # No pool_pre_ping (a BEGIN/ROLLBACK round trip per checkout): a connection found dead on
            # use is invalidated (SQLAlchemy drops the pool's stale connections on a disconnect
            # error) and the fast reads retry once (storage/reader.py).
            kwargs.update(pool_size=10, max_overflow=10, pool_timeout=5)  # exhausted: 503 after 5 s, not 30
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
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
            self.engine.execution_options(yibao_write=True), expire_on_commit=False
        )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self._writes() as session:
            async with session.begin():
                yield session
            self.commits += 1
            for hook in self.commit_hooks:
                hook(session)

    async def run_read(self, work: Callable[[Reader], Awaitable[T]]) -> T:
        """Run `work(reader)` on one connection without ORM or transaction (see storage/reader.py);
        a connection found dead is replaced and the work tried once more."""
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
        await self.engine.dispose()


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
