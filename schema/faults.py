"""Unexpected failures: which are outages (retry later) and which are bugs, and the correlation id.

A correlation id is minted per HTTP request (or taken from a sane incoming `X-Request-Id`), kept in
a context variable for the request's task, logged with every unexpected exception, and returned in
the `X-Request-Id` header and in `extensions.correlationId` of an internal error.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

from sqlalchemy import exc as sa_exc

from yibao.core.call import new_correlation_id
from yibao.core.errors import RequestError, ServiceUnavailable

request_id: ContextVar[str] = ContextVar("yibao_request_id", default="")


new_request_id = new_correlation_id
"""The caller's id when it is a harmless token (so logs across systems line up), else a new one."""


def current_request_id() -> str:
    rid = request_id.get()
    if not rid:
        rid = new_request_id()
        request_id.set(rid)
    return rid


def _chain(exc: BaseException):  # type: ignore[no-untyped-def]
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__  # type: ignore[assignment]


def is_outage(exc: BaseException) -> bool:
    """The database is unreachable, restarting, or its pool is exhausted: not the caller's fault, nor a bug."""
    for link in _chain(exc):
        if isinstance(link, sa_exc.TimeoutError):  # QueuePool limit reached and pool_timeout passed
            return True
        if isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            return True
        if isinstance(link, (OSError, ConnectionError, asyncio.TimeoutError)):
            return True
        module = type(link).__module__
        if module.startswith("asyncpg") and type(link).__name__ in (
            "ConnectionDoesNotExistError", "CannotConnectNowError", "ConnectionFailureError",
            "AdminShutdownError", "CrashShutdownError", "TooManyConnectionsError", "InterfaceError",
            "PostgresConnectionError", "ConnectionRejectionError",
        ):
            return True
    return False


def classify(exc: BaseException | None) -> RequestError | None:
    """The coded error an unexpected exception stands for, or None for a bug (INTERNAL_ERROR)."""
    if exc is None:
        return None
    if isinstance(exc, RequestError):
        return exc
    if is_outage(exc):
        return ServiceUnavailable()
    return None
