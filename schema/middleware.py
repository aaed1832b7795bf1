"""ASGI middleware around the app: correlation ids and an access log that never holds an ID number.

uvicorn's own access log prints query strings, and a GET query string may carry a full ID number
(`?query={person(idNumber:"…")}`); it is switched off (core/cli.py) and this log writes the method,
the path without its query string, the status, the time taken and the correlation id.
"""

from __future__ import annotations

import logging
import time
from contextvars import Token

from .faults import new_request_id, request_id

access_log = logging.getLogger("yibao.access")


def begin(scope) -> tuple[str, Token, float]:  # type: ignore[no-untyped-def]
    """The request's id (`X-Request-Id`, kept when the caller sent a sane one), set for its task."""
    incoming = None
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            incoming = value.decode("latin-1")
    rid = new_request_id(incoming)
    return rid, request_id.set(rid), time.perf_counter()


def end(scope, rid: str, token: Token, status: int, started: float) -> None:  # type: ignore[no-untyped-def]
    """The access log line (no query string), and the id unset."""
    if access_log.isEnabledFor(logging.INFO):
        client = scope.get("client") or ("-", 0)
        access_log.log(logging.INFO, "%s %s %s %s %.1fms rid=%s", client[0], scope.get("method", "WS"), scope.get("path"),
                        status, (time.perf_counter() - started) * 1000, rid)
    request_id.reset(token)


class RequestIds:
    """Give every request an id (`X-Request-Id`, echoed when the caller sent a sane one) and log it.
    A POST to /graphql does the same itself (schema/http.py `GraphQLHTTP.lane`)."""

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid, token, started = begin(scope)
        status = {"code": 0}

        async def send_with_id(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            elif message["type"] == "websocket.accept":
                status["code"] = 101
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            end(scope, rid, token, status["code"], started)
