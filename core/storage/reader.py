"""Read-only statements sent straight to the driver, for the hot read paths.

SQL is written once with `:name` placeholders and turned into the driver's own style the first
time it runs ($1 for asyncpg, ? for sqlite). No ORM entities, no per-request statement
compilation or cache keys, and no transaction for a single read on PostgreSQL (one round trip).
A connection found dead on use is dropped from the pool and the read tried once more on a fresh
one (this replaces `pool_pre_ping`, which cost a round trip per checkout).

asyncpg's `fetch` prepares a named statement and keeps it in its statement cache; behind a
transaction-mode pooler (`YIBAO_DATABASE_POOLER`) that cache is off, so `fetch` uses the unnamed
statement instead (core/storage/database.py, docs/scaling.md).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import statements

_PLACEHOLDER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class Sql:
    """One statement text, optionally with a PostgreSQL and a SQLite variant."""

    __slots__ = ("text", "pg_text", "_pg", "_sqlite")

    def __init__(self, text: str, *, pg: str | None = None):
        self.text = text
        self.pg_text = pg or text
        self._pg: tuple[str, tuple[str, ...]] | None = None
        self._sqlite: tuple[str, tuple[str, ...]] | None = None

    def for_pg(self) -> tuple[str, tuple[str, ...]]:
        if self._pg is None:
            names: list[str] = []

            def number(m: re.Match[str]) -> str:
                if m.group(1) not in names:
                    names.append(m.group(1))
                return f"${names.index(m.group(1)) + 1}"

            self._pg = (_PLACEHOLDER.sub(number, self.pg_text), tuple(names))
        return self._pg

    def for_sqlite(self) -> tuple[str, tuple[str, ...]]:
        if self._sqlite is None:
            names: list[str] = []

            def mark(m: re.Match[str]) -> str:
                names.append(m.group(1))
                return "?"

            self._sqlite = (_PLACEHOLDER.sub(mark, self.text), tuple(names))
        return self._sqlite


def _sqlite_value(value: Any) -> Any:
    """A parameter as SQLAlchemy's SQLite types store it (DateTime without zone, ISO dates)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


_DEAD = ("ConnectionDoesNotExistError", "InterfaceError", "ConnectionResetError", "BrokenPipeError",
         "InternalClientError")
"""InternalClientError: the server's goodbye (e.g. 57P01 after pg_terminate_backend) arrived while
the connection was idle and put asyncpg's protocol in an error state: the next statement on it
fails with "another operation is in progress" until the closed socket is noticed."""


def _is_dead(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionError, OSError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return any(type(e).__name__ in _DEAD for e in (exc, exc.__cause__) if e is not None)


class Reader:
    """Runs `Sql` on one pooled connection (one per request); see `Database.run_read()`."""

    def __init__(self, conn: AsyncConnection | None, sqlite: bool, *, in_transaction: bool = False,
                 driver: Any = None):
        self._conn = conn
        self._sqlite = sqlite
        self._in_transaction = in_transaction
        self._begun = False
        self.session_info: dict = {}
        """The write session's `info` (of_session): what must happen after its commit."""
        self._driver: Any = driver
        """The asyncpg connection statements go to (given by the read pool, storage/read_pool.py)."""

    @property
    def sqlite(self) -> bool:
        return self._sqlite

    @classmethod
    async def of_session(cls, session: Any, sqlite: bool) -> Reader:
        """A reader inside a write session's transaction (statements go through SQLAlchemy, so the
        transaction is begun and row locks are held until it ends)."""
        reader = cls(await session.connection(), sqlite, in_transaction=True)
        reader.session_info = session.info
        return reader

    async def fetch(self, sql: Sql, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """Rows of `sql` (also INSERT/UPDATE … RETURNING). Parameters: str, int, None, date and
        datetime (stored on SQLite as SQLAlchemy stores them), JSON already serialised to str."""
        if self._in_transaction and not self._sqlite and not self._begun:
            # the first statement of a write transaction goes through SQLAlchemy, which begins the
            # transaction on the connection; the following ones go straight to the driver, inside it
            text, names = sql.for_pg()  # the asyncpg dialect's paramstyle is numeric_dollar ($1)
            result = await self._conn.exec_driver_sql(text, tuple(params[n] for n in names))
            self._begun = True
            return result.all() if result.returns_rows else []
        if self._sqlite:
            text, names = sql.for_sqlite()  # counted by SQLAlchemy's cursor event
            result = await self._conn.exec_driver_sql(text, tuple(_sqlite_value(params[n]) for n in names))
            return result.all() if result.returns_rows else []
        text, names = sql.for_pg()
        statements.note(text, direct=True)
        if self._driver is None:
            raw = await self._conn.get_raw_connection()
            self._driver = raw.driver_connection
        return await self._driver.fetch(text, *[params[n] for n in names])


async def read(engine: AsyncEngine, sqlite: bool, work):  # type: ignore[no-untyped-def]
    """`await read(engine, sqlite, fn)` runs `await fn(reader)`; retried once if the connection was dead.
    SQLite's reads; PostgreSQL's take an asyncpg connection of their own (storage/read_pool.py)."""
    for attempt in (1, 2):
        conn = await engine.connect()
        try:
            result = await work(Reader(conn, sqlite))
        except BaseException as exc:
            if attempt == 1 and _is_dead(exc):
                await conn.invalidate()
                await conn.close()
                continue
            await conn.close()
            raise
        await conn.close()
        return result
    raise AssertionError("unreachable")
