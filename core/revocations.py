"""Token revocation (issue 10): a denylist of token ids (`jti`) and of subjects (`sub`).

- `yibao revoke --token TOKEN` (or `--jti ID`) revokes one token until it would have expired;
  `yibao revoke --subject SUB` revokes every token of that subject issued up to now (a lost
  device, a leaver); tokens minted for the subject afterwards work.
- Requests check the denylist in memory (no statement per request). The process that revokes
  updates its memory at once; every server process reloads the denylist from the database every
  `YIBAO_REVOCATION_REFRESH` seconds (default 5 for `yibao serve`), so a revocation made elsewhere
  (the CLI, another worker) takes effect within that interval. Live subscriptions check it too
  and end with TOKEN_REVOKED.
- Who may revoke: core/policy.py `cli.revokeToken` (admin).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, select

from .auth import MAX_TTL, Actor
from .call import Call
from .errors import NotAuthenticated
from .policy import require
from .storage.database import Database
from .storage.tables import RevokedSubjectRow, RevokedTokenRow

log = logging.getLogger(__name__)
T = TypeVar("T")


class TokenRevocations:
    def __init__(self, db: Database):
        self.db = db
        self._tokens: dict[str, int] = {}
        self._subjects: dict[str, int] = {}
        self._task: asyncio.Task | None = None

    def revoked(self, actor: Actor) -> bool:
        """Whether the actor's token was revoked (by its id, or its subject's revocation)."""
        if actor.token_id is not None and actor.token_id in self._tokens:
            return True
        not_after = self._subjects.get(actor.subject)
        return not_after is not None and actor.issued_at is not None and actor.issued_at <= not_after

    async def load(self) -> None:
        """Read the denylist (tokens not yet expired, and subjects) into memory."""
        now = int(time.time())
        async with self.db.read() as session:
            tokens = (await session.execute(
                select(RevokedTokenRow.jti, RevokedTokenRow.expires_at).where(RevokedTokenRow.expires_at > now))).all()
            subjects = (await session.execute(select(RevokedSubjectRow.subject, RevokedSubjectRow.not_after))).all()
        self._tokens = {t.jti: t.expires_at for t in tokens}
        self._subjects = {s.subject: s.not_after for s in subjects}

    async def revoke_token(self, call: Call, jti: str, expires_at: int | None = None, reason: str | None = None) -> None:
        """Revoke one token by its id; `expires_at` (its exp) bounds how long the row is needed."""
        require(call.actor, "cli.revokeToken")
        until = expires_at if expires_at is not None else int(time.time()) + MAX_TTL
        async with self.db.write(call.audit("revokeToken")) as session:
            await session.execute(delete(RevokedTokenRow).where(RevokedTokenRow.expires_at <= int(time.time())))
            row = await session.get(RevokedTokenRow, jti) or RevokedTokenRow(jti=jti)
            row.expires_at, row.revoked_at, row.revoked_by, row.reason = until, datetime.now(UTC), call.actor.label, reason
            session.add(row)
        self._tokens[jti] = until

    async def revoke_subject(self, call: Call, subject: str, reason: str | None = None, now: int | None = None) -> None:
        """Revoke every token of `subject` issued up to now."""
        require(call.actor, "cli.revokeToken")
        not_after = int(now if now is not None else time.time())
        async with self.db.write(call.audit("revokeToken")) as session:
            row = await session.get(RevokedSubjectRow, subject) or RevokedSubjectRow(subject=subject)
            row.not_after, row.revoked_at, row.revoked_by, row.reason = not_after, datetime.now(UTC), call.actor.label, reason
            session.add(row)
        self._subjects[subject] = not_after

    def watch(self, interval: float) -> None:
        """Reload the denylist every `interval` seconds (revocations made by other processes)."""
        if interval > 0 and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._refresh(interval))

    async def _refresh(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.load()
            except Exception:  # the database may be away for a while; the last list stays in force
                log.warning("could not reload the token denylist", exc_info=True)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def while_token_valid(stream: AsyncIterator[T], actor: Actor, revoked: Callable[[Actor], bool], *,
                            poll: float = 1.0, clock: Callable[[], float] = time.time) -> AsyncIterator[T]:
    """The items of `stream` until the actor's token expires or is revoked, then NotAuthenticated
    (TOKEN_EXPIRED / TOKEN_REVOKED): a subscription never outlives its token (issue 10).

    Waits for the next item at most until the expiry, checking the denylist every `poll` seconds;
    the stream is closed whichever way this ends."""
    it = stream.__aiter__()
    pending: asyncio.Future | None = None
    try:
        while True:
            if actor.expires_at is not None and clock() >= actor.expires_at:
                raise NotAuthenticated("令牌已过期，订阅结束", "the token has expired; the subscription ends",
                                       "TOKEN_EXPIRED")
            if revoked(actor):
                raise NotAuthenticated("令牌已被吊销，订阅结束", "the token has been revoked; the subscription ends",
                                       "TOKEN_REVOKED")
            if pending is None:
                pending = asyncio.ensure_future(it.__anext__())
            wait = poll if actor.expires_at is None else max(0.0, min(poll, actor.expires_at - clock()))
            done, _ = await asyncio.wait({pending}, timeout=wait)
            if pending in done:
                try:
                    item = pending.result()
                except StopAsyncIteration:
                    return
                pending = None
                yield item
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            await aclose()
