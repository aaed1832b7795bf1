"""The fast reads' PostgreSQL connections: an asyncpg pool of their own (issue 9).

A fast read uses nothing of SQLAlchemy but the driver connection (core/storage/reader.py), yet
taking that connection from SQLAlchemy's pool and giving it back (`Engine.connect` …
`Connection.close`: the pool's fairy, reset-on-return, greenlet hops, events) cost more CPU than
asyncpg executing the read (py-spy, an institutions search). So the reads take their connection
from asyncpg's own pool; writes, ORM reads and `Reader.of_session` keep SQLAlchemy's engine.

- Same connections as the engine's: the keyword arguments SQLAlchemy's asyncpg dialect gives
  `asyncpg.connect` (URL parts and query, the engine's `connect_args`, e.g. the pooler's
  `statement_cache_size=0`: unnamed statements only), without the dialect's own. Not its type
  codecs: json/jsonb arrive as text, as on SQLite, and the reads parse them (orjson).
- Up to `MAX_SIZE` connections, opened on demand: none when the pool is made, so making it during
  an outage succeeds; an idle one is closed after `IDLE_SECONDS`. Counted in docs/scaling.md.
- A read finding every connection busy waits up to `TIMEOUT` seconds, then `TimeoutError`, which
  is answered 503 SERVICE_UNAVAILABLE (schema/faults.py), like SQLAlchemy's `pool_timeout`. When a
  connection is free no timer is armed (asyncpg's timeout costs two timers per read).
- A connection found dead on use is dropped, the pool's other connections are renewed on their
  next use (SQLAlchemy does the same on a disconnect), and the read is tried once more.
- One pool per event loop, made on first use in the running loop: never at import, and a process
  forked by `--workers` or a test's new loop makes its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from .reader import Reader, _is_dead

T = TypeVar("T")
MAX_SIZE = 10
TIMEOUT = 5.0
IDLE_SECONDS = 300.0
_DIALECT_ONLY = ("prepared_statement_cache_size", "prepared_statement_name_func", "async_creator_fn")
"""Arguments SQLAlchemy's asyncpg dialect takes for itself, not passed to asyncpg.connect."""


class ReadConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled read connection given back without the reset statement.

    asyncpg's `Pool.release` runs `Connection.reset()`: it rolls back an open transaction (always),
    then sends `get_reset_query()` (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`), a round trip per read. A fast read changes no session state (no SET, LISTEN, cursor or
    session lock; single statements outside a transaction), so there is nothing to reset and the
    query is empty, which `reset()` then skips (asyncpg ≥ 0.30)."""

    def get_reset_query(self) -> str:
        return ""


def connect_options(engine: AsyncEngine, connect_args: dict[str, Any]) -> dict[str, Any]:
    """What SQLAlchemy's dialect passes to `asyncpg.connect` for `engine`."""
    _, options = engine.dialect.create_connect_args(engine.url)
    options.update(connect_args)
    for name in _DIALECT_ONLY:
        options.pop(name, None)
    return options


class ReadPool:
    """`await pool.run(work)` runs `await work(reader)` on one pooled connection."""

    def __init__(self, options: dict[str, Any], *, max_size: int = MAX_SIZE, timeout: float = TIMEOUT):
        self._options = options
        self.max_size = max_size
        self.timeout = timeout
        self._pool: asyncpg.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = 0
        """Reads holding or waiting for a connection: at most `max_size`, one is free at once."""

    async def run(self, work: Callable[[Reader], Awaitable[T]]) -> T:
        pool = self._pool
        if pool is None or self._loop is not asyncio.get_running_loop():
            pool = await self._open()
        for attempt in (1, 2):
            self._busy += 1
            try:
                if self._busy <= self.max_size:
                    conn = await pool.acquire()
                else:
                    conn = await pool.acquire(timeout=self.timeout)
            except BaseException:
                self._busy -= 1
                raise
            try:
                result = await work(Reader(None, False, driver=conn))
            except BaseException as exc:
                if attempt == 1 and _is_dead(exc):
                    self._busy -= 1
                    await _drop(pool, conn)
                    continue
                await self._release(pool, conn)
                raise
            await self._release(pool, conn)
            return result
        raise AssertionError("unreachable")

    async def _release(self, pool: asyncpg.Pool, conn: Any) -> None:
        try:
            await pool.release(conn)
        finally:
            self._busy -= 1

    async def _open(self) -> asyncpg.Pool:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._busy = 0  # reads of another loop's pool never come back here
        pool = asyncpg.create_pool(min_size=0, max_size=self.max_size, max_inactive_connection_lifetime=IDLE_SECONDS,
                                   connection_class=ReadConnection, loop=loop, **self._options)
        self._pool, self._loop = pool, loop
        await pool  # min_size=0: no connection is made, so nothing is awaited and no other read sees it half made
        return pool

    async def close(self) -> None:
        """Close the connections (waiting up to `TIMEOUT` for reads in flight); the next read opens a new pool."""
        pool, loop = self._pool, self._loop
        self._pool = self._loop = None
        if pool is None or loop is not asyncio.get_running_loop():
            return  # another loop's connections cannot be closed from here; they go with it
        try:
            await asyncio.wait_for(pool.close(), self.timeout)
        except TimeoutError:
            pass  # close() has terminated them


async def _drop(pool: asyncpg.Pool, conn: Any) -> None:
    """A dead connection: terminated (its place in the pool reconnects when next taken), and every
    other open one renewed on its next use, as they may have died with it (a server restart)."""
    try:
        conn.terminate()
    except asyncpg.InterfaceError:
        pass  # asyncpg saw it close and has given its place back already
    await pool.expire_connections()
