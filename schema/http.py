"""GraphQL over HTTP (the GraphQL-over-HTTP specification) at /graphql.

- POST with `Content-Type: application/json` (UTF-8), a JSON object `{query, variables,
  operationName, extensions}`; GET with the same parameters in the query string, queries only
  (a mutation over GET is 405 with `Allow: POST`).
- The response type follows `Accept`: `application/graphql-response+json` when the client lists it,
  else `application/json`. With the former, a request refused before execution (syntax,
  validation, variable coercion, limits) is 400 without `data`; with the latter it is 200, as the
  specification asks. Malformed HTTP (bad JSON, bad UTF-8, a body that is not an object, invalid
  parameters) is 400 for both, a too-large body 413, an unsupported content type 415.
- An outage (database unreachable, pool exhausted), a full process or an execution timeout is
  503 with Retry-After; too many requests 429 (`THROTTLED`) with Retry-After.
- Bodies are UTF-8 JSON written by orjson (Chinese as is, not as \\u escapes); every response
  carries `extensions.cost` once the operation was measured.
- Order: rate limits, malformed HTTP, parse/validate/coerce/limits (schema/prepare.py), admission
  (the gate), then execution: the compiled fast read path (schema/fastpath, issue 9) for the query
  operations it covers, else strawberry. Both run under the same timeout and give the same body
  (the fast path's `data` is what graphql-core returns; tests/test_fast_path.py compares them).
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError, OperationType
from starlette.requests import ClientDisconnect, Request

from yibao.core.errors import RequestError, ServiceUnavailable, Throttled

from .build import schema
from .context import Context
from .errors import language_of, shape
from .fastpath.http import answer_prepared
from . import middleware as ids
from .faults import current_request_id
from .prepared import rejected_errors
from .limits import Limits
from .prepare import Prepared, Rejected, prepare
from .pressure import Gate, Pressure, RateLimiter, token_key
from .string_inputs import carries_nul

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
ALL_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION})
QUERIES_ONLY = frozenset({OperationType.QUERY})
log = logging.getLogger("yibao.http")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict
    headers: dict[str, str]


def response_type(accept: str | None) -> str | None:
    """The media type to answer in, or None when the client accepts neither JSON type (406)."""
    if not accept:
        return JSON  # the specification: no Accept header means application/json
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append(media.lower())
    if GRAPHQL_RESPONSE in ranges:
        return GRAPHQL_RESPONSE
    if any(m in (JSON, "application/*", "*/*") for m in ranges):
        return JSON
    return None


def encode(body: dict) -> bytes:
    return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


_CONTENT_TYPES = {media: f"{media}; charset=utf-8".encode() for media in (JSON, GRAPHQL_RESPONSE)}
GZIP_MINIMUM = 500  # bytes; as Starlette's GZipMiddleware in front of everything else (schema/app.py)
_GZIP_IN_THREAD = 128 * 1024  # compressing more than this would hold the event loop: a thread does it


async def gzipped(body: bytes) -> bytes:
    """What Starlette's GZipMiddleware sends for a whole body (level 9, gzip framing)."""
    def compress() -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()
    return await asyncio.to_thread(compress) if len(body) >= _GZIP_IN_THREAD else compress()


def _header(scope: dict, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


async def _send(send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:  # type: ignore[no-untyped-def]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _error_answer(error: RequestError, *, request: Request | None = None, cost: dict | None = None) -> Answer:
    errors = rejected_errors(error) if isinstance(error, Rejected) else [GraphQLError(error.message_en, original_error=error)]
    language = language_of(request)
    body: dict = {"errors": [shape(e, language).formatted for e in errors]}
    if cost:
        body["extensions"] = {"cost": cost}
    headers: dict[str, str] = {}
    if error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, Rejected) and error.allow:
        headers["Allow"] = error.allow
    return Answer(error.status, body, headers)


class GraphQLHTTP:
    """The HTTP side of /graphql; WebSocket and the GraphiQL page stay with strawberry's view."""

    def __init__(self, platform, cities: dict, *, limits: Limits, pressure: Pressure, ide=None,  # type: ignore[no-untyped-def]
                 fast_path: bool = True, served: Any = None):
        self.platform, self.cities, self.limits, self.pressure = platform, cities, limits, pressure
        self.schema = served or schema  # the federation subgraph with YIBAO_FEDERATION=1 (schema/build.py)
        self.fast_path = fast_path  # False: strawberry answers everything (the differential tests' reference)
        self.ide = ide  # the ASGI app serving GraphiQL, or None when it is off
        self.gate = Gate(pressure.max_concurrent)
        self.per_address = RateLimiter(pressure.per_address) if pressure.per_address else None
        self.per_token = RateLimiter(pressure.per_token) if pressure.per_token else None

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        """Behind Starlette's router and middlewares (request ids, CORS, gzip): GET, GraphiQL, and a
        POST carrying an `Origin` while CORS is on."""
        request = Request(scope, receive)
        if self.ide is not None and self._wants_ide(request):
            await self.ide(scope, receive, send)
            return
        status, headers, body = await self.respond(request)
        await _send(send, status, headers, body)

    async def lane(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        """A POST to /graphql straight from the server (schema/app.py): the same answer as through
        Starlette's stack, whose work it does itself (the request id and access log, gzip), without
        its router, exception layers and per-message wrappers: most requests are these (issue 9)."""
        rid, token, started = ids.begin(scope)
        status = 500
        try:
            request = Request(scope, receive)
            status, headers, body = await self.respond(request)
            headers.append((b"x-request-id", rid.encode()))
            if len(body) >= GZIP_MINIMUM and b"gzip" in _header(scope, b"accept-encoding"):
                body = await gzipped(body)
                headers += [(b"vary", b"Accept-Encoding"), (b"content-encoding", b"gzip")]
            await _send(send, status, headers, body)
        finally:
            ids.end(scope, rid, token, status, started)

    async def respond(self, request: Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, headers (without content-length) and body for a GraphQL request over HTTP."""
        media = response_type(request.headers.get("accept"))
        try:
            if media is None:
                answer = _error_answer(RequestError(
                    "只能返回 JSON（application/json 或 application/graphql-response+json）",
                    "only application/json or application/graphql-response+json can be served",
                    "NOT_ACCEPTABLE", status=406), request=request)
            else:
                answer = await self.answer(request, media)
        except Exception:  # the last line of defence: logged with the id, answered with a code
            log.exception("transport failure [%s]", current_request_id())
            answer = _error_answer(RequestError("内部错误", "internal error", "INTERNAL_ERROR", status=500,
                                                facts={"correlationId": current_request_id()}), request=request)
        headers = [(b"content-type", _CONTENT_TYPES[media or JSON])]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
        return answer.status, headers, encode(answer.body)

    @staticmethod
    def _wants_ide(request: Request) -> bool:
        return (request.method == "GET" and "query" not in request.query_params
                and "text/html" in request.headers.get("accept", ""))

    def _throttle(self, request: Request) -> Throttled | None:
        if self.per_address is not None:
            address = request.client.host if request.client else "-"
            wait = self.per_address.take(address)
            if wait:
                return Throttled(wait, f"{self.pressure.per_address.requests}/{self.pressure.per_address.seconds:g}s per address")  # type: ignore[union-attr]
        auth = request.headers.get("authorization")
        if auth and self.per_token is not None:
            wait = self.per_token.take(token_key(auth))
            if wait:
                return Throttled(wait, f"{self.pressure.per_token.requests}/{self.pressure.per_token.seconds:g}s per token")  # type: ignore[union-attr]
        return None

    async def answer(self, request: Request, media: str) -> Answer:
        throttled = self._throttle(request)
        if throttled is not None:
            return _error_answer(throttled, request=request)
        try:
            params = await read_params(request, self.limits)
        except Rejected as rejected:
            return _error_answer(rejected, request=request)
        context = Context(platform=self.platform, headers=request.headers, cities=self.cities, request=request,
                          limits=self.limits)
        try:
            prepared = prepare(self.schema._schema, params.query, params.variables, params.operation_name,
                               limits=self.limits, policy=context.policy(),
                               allowed=QUERIES_ONLY if request.method == "GET" else ALL_OPERATIONS,
                               extensions=params.extensions)
        except Rejected as rejected:
            answer = _error_answer(rejected, request=request)
            if media == JSON and rejected.status == 400:  # the specification: 200 for application/json
                return Answer(200, answer.body, answer.headers)
            return answer
        if prepared.kind is OperationType.SUBSCRIPTION:
            return _error_answer(Rejected("METHOD_NOT_ALLOWED", "订阅须经 WebSocket（graphql-transport-ws）",
                                          "subscriptions need a WebSocket (graphql-transport-ws)", status=405,
                                          allow="GET, POST"), request=request)
        if not self.gate.try_enter():
            return _error_answer(ServiceUnavailable(
                "服务繁忙，请稍后重试", "the server is busy; retry later", retry_after=1,
                facts={"executing": self.gate.busy, "limit": self.gate.limit}), request=request,
                cost=prepared.cost_extension())
        try:
            context.prepared = prepared
            return await self._execute(context, prepared)
        finally:
            self.gate.leave()

    async def _execute(self, context: Context, prepared: Prepared) -> Answer:
        cost = prepared.cost_extension()
        if prepared.kind is not OperationType.QUERY:  # a mutation is never cut off half-way through its commit
            return self._answer(await self._strawberry(context, prepared), cost)
        try:
            async with asyncio.timeout(self.limits.timeout_seconds):  # no task of its own, unlike wait_for
                return await self._query(context, prepared, cost)
        except TimeoutError:
            return _error_answer(ServiceUnavailable(
                f"查询超过 {self.limits.timeout_seconds:g} 秒未完成", f"the query ran longer than {self.limits.timeout_seconds:g} s",
                "EXECUTION_TIMEOUT", retry_after=2, facts={"limit": self.limits.timeout_seconds}),
                request=context.request, cost=cost)

    async def _query(self, context: Context, prepared: Prepared, cost: dict) -> Answer:
        if self.fast_path and not _literal_nul(prepared):
            data = await answer_prepared(prepared.document, prepared.variables, prepared.operation_name, context,
                                         self.schema._schema, coerced=prepared.coerced)
            if data is not None:  # the same body strawberry gives for this operation without errors
                return Answer(200, {"data": data, "extensions": {"cost": cost}}, {})
        return self._answer(await self._strawberry(context, prepared), cost)

    async def _strawberry(self, context: Context, prepared: Prepared):  # type: ignore[no-untyped-def]
        return await self.schema.execute(prepared.query, prepared.variables, context, operation_name=prepared.operation_name)

    @staticmethod
    def _answer(result, cost: dict) -> Answer:  # type: ignore[no-untyped-def]
        body: dict[str, Any] = {}
        status, headers = 200, {}
        if result.errors:
            formatted = [e.formatted for e in result.errors]
            body["errors"] = formatted
            outage = [e for e in formatted if (e.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE"]
            if outage:
                status = 503
                headers["Retry-After"] = str(outage[0]["extensions"].get("retryAfter", 2))
        body["data"] = result.data
        body["extensions"] = {**(result.extensions or {}), "cost": cost}
        return Answer(status, body, headers)


def _literal_nul(prepared: Prepared) -> bool:
    """A NUL written in the query text (as an escape): strawberry refuses it (schema/string_inputs.py);
    the fast path, which leaves NUL variables to strawberry itself, must not answer it either."""
    return "\\u" in prepared.query and carries_nul(prepared.document, None)


@dataclass(frozen=True, slots=True)
class Params:
    query: str
    variables: dict | None
    operation_name: str | None
    extensions: dict | None


def _bad(message: str, message_en: str, code: str = "BAD_REQUEST", status: int = 400) -> Rejected:
    return Rejected(code, message, message_en, status=status)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _bad(f"请求体超过 {limit} 字节", f"the body is larger than {limit} bytes", "PAYLOAD_TOO_LARGE", 413)
    chunks, size = [], 0
    receive = request.receive  # the ASGI messages themselves: Request.stream() adds a generator per request
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _bad(f"请求体超过 {limit} 字节", f"the body is larger than {limit} bytes", "PAYLOAD_TOO_LARGE", 413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def read_params(request: Request, limits: Limits) -> Params:
    """The request's GraphQL parameters, or Rejected for malformed HTTP."""
    if request.method == "GET":
        raw: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name in raw:
                try:
                    raw[name] = orjson.loads(raw[name]) if raw[name] else None
                except orjson.JSONDecodeError:
                    raise _bad(f"{name} 参数不是 JSON", f"the {name} parameter is not JSON") from None
    elif request.method == "POST":
        content_type = request.headers.get("content-type", "")
        media, _, rest = content_type.partition(";")
        if media.strip().lower() not in (JSON, GRAPHQL_RESPONSE, "application/graphql+json"):
            raise _bad("请求须为 application/json", "the request body must be application/json",
                       "UNSUPPORTED_MEDIA_TYPE", 415)
        charset = rest.strip().lower().removeprefix("charset=").strip('"') if "charset=" in rest.lower() else "utf-8"
        if charset not in ("utf-8", "utf8"):
            raise _bad("请求须为 UTF-8 编码", "the request body must be UTF-8", "UNSUPPORTED_MEDIA_TYPE", 415)
        body = await read_body(request, limits.max_body_bytes)
        if not body.strip():
            raise _bad("请求体为空", "the request body is empty")
        try:
            raw = orjson.loads(body)  # rejects invalid UTF-8 as well as invalid JSON
        except orjson.JSONDecodeError as exc:
            raise _bad(f"请求体不是 UTF-8 JSON：{exc}", f"the body is not UTF-8 JSON: {exc}") from None
        if not isinstance(raw, dict):
            raise _bad("请求体须为 JSON 对象 {query, variables, operationName}",
                       "the body must be a JSON object {query, variables, operationName}")
    else:
        raise Rejected("METHOD_NOT_ALLOWED", "只支持 GET 与 POST", "only GET and POST are served", status=405,
                       allow="GET, POST")
    query = raw.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad("缺少 query 参数（字符串）", "the query parameter (a string) is missing")
    if len(query.encode()) > limits.max_body_bytes:
        raise _bad(f"查询超过 {limits.max_body_bytes} 字节", f"the query is larger than {limits.max_body_bytes} bytes",
                   "PAYLOAD_TOO_LARGE", 413)
    variables, name, extensions = raw.get("variables"), raw.get("operationName"), raw.get("extensions")
    if variables is not None and not isinstance(variables, dict):
        raise _bad("variables 须为 JSON 对象", "variables must be a JSON object")
    if name is not None and not isinstance(name, str):
        raise _bad("operationName 须为字符串", "operationName must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise _bad("extensions 须为 JSON 对象", "extensions must be a JSON object")
    return Params(query, variables, name or None, extensions)
