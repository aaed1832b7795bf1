"""The fast reads' PostgreSQL connections: a small pool of asyncpg connections of their own (issue 9).

A fast read uses nothing of SQLAlchemy but the driver connection (core/storage/reader.py), yet
taking that connection from SQLAlchemy's pool and giving it back (`Engine.connect` …
`Connection.close`: the pool's fairy, reset-on-return, greenlet hops, events) cost more CPU than
asyncpg executing the read (py-spy, an institutions search). asyncpg's own `Pool` was cheaper but
still added ~55 µs per read (its release runs a shielded task and the reset in extra loop turns;
measured against a bare connection), a sixth of a search. A read needs less: one statement or a
few, outside any transaction, changing no session state. So this pool only hands out idle
connections and takes them back:

- Same connections as the engine's: the keyword arguments SQLAlchemy's asyncpg dialect gives
  `asyncpg.connect` (URL parts and query, the engine's `connect_args`, e.g. the pooler's
  `statement_cache_size=0`: unnamed statements only), without the dialect's own. Not its type
  codecs: json/jsonb arrive as text, as on SQLite, and the reads parse them (orjson).
- Given back as it is (nothing sent: a read leaves nothing to reset) after a read that completed
  or that the server refused (the connection is idle again then); after anything else (cancelled
  by the request's time limit, a client-side failure) it is closed, never reused half-way.
- Up to `MAX_SIZE` connections, opened on demand (none at start: made during an outage, the pool
  works once the database is back); the last given back is taken first, and one idle longer than
  `IDLE_SECONDS` is closed when another is given back.
- A read finding every connection busy waits up to `TIMEOUT` seconds, then `TimeoutError`, which
  is answered 503 SERVICE_UNAVAILABLE (schema/faults.py), like SQLAlchemy's `pool_timeout`.
- A connection found dead on use is dropped, the others are renewed when next taken (they may have
  died with it: a server restart), and the read is tried once more.
- Connections belong to an event loop: each loop (a test's, a thread's) gets its own; `close()`
  closes the running loop's.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
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
    """A read connection, with the pool generation it was opened in."""

    generation = 0


def connect_options(engine: AsyncEngine, connect_args: dict[str, Any]) -> dict[str, Any]:
    """What SQLAlchemy's dialect passes to `asyncpg.connect` for `engine`."""
    _, options = engine.dialect.create_connect_args(engine.url)
    options.update(connect_args)
    for name in _DIALECT_ONLY:
        options.pop(name, None)
    return options


class _Connections:
    """One event loop's connections."""

    __slots__ = ("idle", "open", "waiters", "generation")

    def __init__(self) -> None:
        self.idle: deque[tuple[ReadConnection, float]] = deque()
        """(connection, when it was given back), the last given back at the right."""
        self.open = 0
        """Connections open or being opened (idle or in use)."""
        self.waiters: deque[asyncio.Future] = deque()
        self.generation = 0
        """Bumped when a connection is found dead or the pool closed: older connections are not reused."""


class ReadPool:
    """`await pool.run(work)` runs `await work(reader)` on one pooled connection."""

    def __init__(self, options: dict[str, Any], *, max_size: int = MAX_SIZE, timeout: float = TIMEOUT):
        self._options = options
        self.max_size = max_size
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._here = _Connections()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Connections] = weakref.WeakKeyDictionary()
        self._busy = 0
        """Reads holding or waiting for a connection (on the current loop)."""

    async def run(self, work: Callable[[Reader], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._switch(loop)
        pool = self._here
        for attempt in (1, 2):
            self._busy += 1
            try:
                conn = await self._take(pool, loop)
            except BaseException:
                self._busy -= 1
                raise
            try:
                result = await work(Reader(None, False, driver=conn))
            except BaseException as exc:
                self._busy -= 1
                if isinstance(exc, asyncpg.PostgresError) and not conn.is_closed() and not conn.is_in_transaction():
                    self._give_back(pool, conn, loop)  # the server refused the statement; the connection is idle
                    raise
                dead = attempt == 1 and _is_dead(exc)
                self._drop(pool, conn)
                if dead:
                    pool.generation += 1  # the others may have died with it: renewed when next taken
                    continue
                raise
            self._busy -= 1
            self._give_back(pool, conn, loop)
            return result
        raise AssertionError("unreachable")

    def _switch(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is not None:
            self._loops[self._loop] = self._here
        self._here = self._loops.pop(loop, None) or _Connections()
        self._loop = loop
        self._busy = 0  # reads of another loop never come back to this count

    async def _take(self, pool: _Connections, loop: asyncio.AbstractEventLoop) -> ReadConnection:
        while True:
            while pool.idle:
                conn, _ = pool.idle.pop()
                if conn.generation == pool.generation and not conn.is_closed():
                    return conn
                self._drop(pool, conn)
            if pool.open < self.max_size:
                pool.open += 1
                try:
                    conn = await asyncpg.connect(connection_class=ReadConnection, **self._options)
                except BaseException:
                    pool.open -= 1
                    self._wake(pool)
                    raise
                conn.generation = pool.generation
                return conn
            waiter = loop.create_future()
            pool.waiters.append(waiter)
            try:
                async with asyncio.timeout(self.timeout):
                    given = await waiter
            except BaseException:
                if not waiter.done() or waiter.cancelled():
                    with contextlib.suppress(ValueError):
                        pool.waiters.remove(waiter)
                elif waiter.result() is not None:
                    self._give_back(pool, waiter.result(), loop)  # handed over as the wait ended
                else:
                    self._wake(pool)  # the turn to open a connection passes to the next waiter
                raise
            if given is not None:
                return given
            # None: a connection was closed, so one may be opened; go round again

    def _give_back(self, pool: _Connections, conn: ReadConnection, loop: asyncio.AbstractEventLoop) -> None:
        if conn.generation != pool.generation or conn.is_closed():
            self._drop(pool, conn)
            return
        while pool.waiters:
            waiter = pool.waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        now = loop.time()
        pool.idle.append((conn, now))
        if now - pool.idle[0][1] > IDLE_SECONDS:  # the longest idle, unused for a while: closed
            self._drop(pool, pool.idle.popleft()[0])

    def _drop(self, pool: _Connections, conn: ReadConnection) -> None:
        """Close a connection at once (nothing awaited: it may be mid-statement) and let a waiter open another."""
        pool.open -= 1
        with contextlib.suppress(Exception):
            conn.terminate()
        self._wake(pool)

    @staticmethod
    def _wake(pool: _Connections) -> None:
        while pool.waiters:
            waiter = pool.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Close the running loop's idle connections; those in use are closed when given back."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._switch(loop)
        pool = self._here
        pool.generation += 1
        idle, pool.idle = list(pool.idle), deque()
        pool.open -= len(idle)
        for conn, _ in idle:
            try:
                await asyncio.wait_for(conn.close(), self.timeout)
            except Exception:  # noqa: BLE001 - closing a connection that cannot close cleanly
                conn.terminate()
