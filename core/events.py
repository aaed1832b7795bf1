"""Live application progress: who is following which application, across server processes.

PostgreSQL: the writing transaction issues pg_notify, which PostgreSQL delivers only on commit;
every server process LISTENs on one connection and hands the event to its local subscribers, so
an event caused by any process reaches the followers of all of them. SQLite (one process): the
events of a committed write transaction are handed to local subscribers after the commit.
"""

from __future__ import annotations

import asyncio
import json
import logging

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from .storage.database import Database

CHANNEL = "yibao_application_events"
PENDING = "yibao_pending_events"
RESYNC = 0
"""Handed to every follower after the LISTEN connection came back: events committed while it was
down were never delivered, so followers re-read their application's events (no event id is 0)."""
log = logging.getLogger("yibao.events")


class ApplicationEventBus:
    def __init__(self, db: Database):
        self.db = db
        self._followers: dict[int, set[asyncio.Queue[int]]] = {}
        self._listener = None
        self._listen_lock = asyncio.Lock()
        self._supervisor: asyncio.Task | None = None
        self._lost = asyncio.Event()
        self.reconnects = 0
        db.commit_hooks.append(self._after_commit)

    async def record(self, session: AsyncSession, application_id: int, event_id: int) -> None:
        """Called inside the transaction that wrote the event."""
        if self.db.sqlite:
            session.info.setdefault(PENDING, []).append((application_id, event_id))
        else:
            payload = json.dumps({"application": application_id, "event": event_id})
            await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})

    @staticmethod
    def notify_returning(application_id: str, event_id: str) -> str:
        """PostgreSQL only: a RETURNING item (with its leading comma) for an INSERT of events that
        notifies the followers of each inserted event, delivered on commit like `record`: a batch of
        events and their notifications are one statement. SQLite: see `inserted`."""
        return (f", pg_notify('{CHANNEL}', json_build_object('application', {application_id}, "
                f"'event', {event_id})::text)")

    def inserted(self, info: dict, pairs: list[tuple[int, int]]) -> None:
        """After an INSERT of events (the write session's `info`): (application id, event id) of
        each; SQLite hands them to local followers after the commit (PostgreSQL notified already)."""
        if self.db.sqlite:
            info.setdefault(PENDING, []).extend(pairs)

    def _after_commit(self, session: AsyncSession) -> None:
        for application_id, event_id in session.info.pop(PENDING, ()):
            self._deliver(application_id, event_id)

    def _deliver(self, application_id: int, event_id: int) -> None:
        for queue in self._followers.get(application_id, ()):
            queue.put_nowait(event_id)

    async def subscribe(self, application_id: int) -> Follower:
        """A follower registered now, before the caller reads the current state; close it when done."""
        follower = Follower(self, application_id)
        try:
            await self._listen()
        except BaseException:
            follower.close()
            raise
        return follower

    async def _listen(self) -> None:
        if self.db.sqlite or self._listener is not None:
            return
        async with self._listen_lock:
            if self._listener is not None:
                return
            await self._connect()
            if self._supervisor is None:
                self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def _connect(self) -> None:
        import asyncpg

        url = make_url(self.db.listen_url)  # a direct connection behind a pooler (docs/scaling.md)
        conn = await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username,
                                     password=url.password, database=url.database, timeout=5)
        conn.add_termination_listener(lambda _c: self._lost.set())
        await conn.add_listener(CHANNEL, self._on_notify)
        self._lost.clear()
        self._listener = conn

    async def _supervise(self) -> None:
        """Keep one LISTEN connection: when PostgreSQL drops it, reconnect with backoff and resync."""
        delay = 0.2
        while True:
            await self._lost.wait()
            old, self._listener = self._listener, None
            if old is not None and not old.is_closed():
                old.terminate()
            log.warning("LISTEN connection lost; reconnecting")
            while self._listener is None:
                try:
                    await self._connect()
                except Exception as exc:  # the database is still down: try again, more slowly
                    log.warning("LISTEN reconnect failed (%s); retrying in %.1fs", type(exc).__name__, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
            delay = 0.2
            self.reconnects += 1
            log.warning("LISTEN connection re-established")
            for queues in list(self._followers.values()):
                for queue in queues:
                    queue.put_nowait(RESYNC)

    def healthy(self) -> bool:
        """Live events are delivered: SQLite (in process), no follower yet, or the LISTEN connection is up."""
        if self.db.sqlite or self._supervisor is None:
            return True
        return self._listener is not None and not self._listener.is_closed()

    def _on_notify(self, _conn, _pid, _channel, payload: str) -> None:  # type: ignore[no-untyped-def]
        message = json.loads(payload)
        self._deliver(int(message["application"]), int(message["event"]))

    async def close(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            self._supervisor = None
        if self._listener is not None:
            await self._listener.close()
            self._listener = None


class Follower:
    """The committed event ids of one application, in order, from the moment it was created."""

    def __init__(self, bus: ApplicationEventBus, application_id: int):
        self._bus, self.application_id = bus, application_id
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        bus._followers.setdefault(application_id, set()).add(self._queue)

    def __aiter__(self) -> Follower:
        return self

    async def __anext__(self) -> int:
        return await self._queue.get()

    def close(self) -> None:
        followers = self._bus._followers.get(self.application_id, set())
        followers.discard(self._queue)
        if not followers:
            self._bus._followers.pop(self.application_id, None)
