"""FHIR R4 over HTTP (CONTRACT: FHIR): reads, searches, bulk export. Thin: every rule is in core/fhir.

  GET /fhir/metadata                          CapabilityStatement
  GET /fhir/{type}/{id}                       Organization (id = 12-character code), Patient, Coverage
  GET /fhir/{type}?identifier=system|value    a searchset Bundle
  GET /fhir/Coverage?beneficiary=Patient/{id} a searchset Bundle (also `patient=`)
  GET /fhir/$export, /fhir/Patient/$export    Bulk Data kick-off (Prefer: respond-async) → 202
  GET|DELETE /fhir/$export-status/{job}       the manifest (the job is a signed token, no state)
  GET /fhir/$export-file/{job}/{type}         NDJSON, streamed from the database in chunks

Errors are OperationOutcome resources with the HTTP status (401, 403, 404, 400).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from yibao.core.auth import actor_from_header
from yibao.core.call import Call
from yibao.core.errors import BadArgument, Forbidden, NotAuthenticated, RequestError
from yibao.core.fhir import access, export
from yibao.core.fhir.mapping import capability_statement, operation_outcome, searchset
from yibao.core.fhir.service import READABLE, ResourceNotFound, unknown_type
from yibao.core.platform import Platform

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _call(request: Request) -> Call:
    platform = _platform(request)
    actor = actor_from_header(platform.secret, request.headers.get("authorization"))
    return Call(actor=actor, today=platform.clock.today(request.headers))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def fhir_json(body: dict, status: int = 200, headers: dict[str, str] | None = None,
              media_type: str = FHIR_JSON) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers, media_type=media_type)


def outcome(error: RequestError) -> Response:
    """The OperationOutcome of a request error: 401 login, 403 forbidden, 404 not-found, 400 invalid."""
    if isinstance(error, NotAuthenticated):
        status, issue, headers = 401, "login", {"WWW-Authenticate": 'Bearer realm="yibao"'}
    elif isinstance(error, Forbidden):
        status, issue, headers = 403, "forbidden", None
    elif error.code == "NOT_FOUND":
        status, issue, headers = 404, "not-found", None
    else:
        status, issue, headers = 400, "invalid", None
    return fhir_json(operation_outcome(issue, error.code, error.message, error.message_en), status, headers)


def handled(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except RequestError as error:
            return outcome(error)
    return endpoint


@handled
async def read(request: Request) -> Response:
    call = _call(request)
    resource = await _platform(request).fhir.read(call, request.path_params["type"], request.path_params["id"])
    return fhir_json(resource)


@handled
async def search(request: Request) -> Response:
    call = _call(request)
    resource_type = request.path_params["type"]
    identifier = request.query_params.get("identifier")
    beneficiary = request.query_params.get("beneficiary") or request.query_params.get("patient")
    if resource_type not in READABLE:
        raise unknown_type(resource_type)
    if resource_type == "Coverage" and beneficiary and not identifier:
        found = await _platform(request).fhir.coverages_of(call, beneficiary)
        return fhir_json(searchset(found, _base(request), str(request.url)))
    if not identifier:
        raise BadArgument("检索须提供 identifier=system|value；整体导出请用 $export",
                          "search needs identifier=system|value; use $export for everything")
    found = await _platform(request).fhir.search(call, resource_type, identifier)
    return fhir_json(searchset(found, _base(request), str(request.url)))


def _kick_off(level: str) -> Callable[[Request], Awaitable[Response]]:
    @handled
    async def endpoint(request: Request) -> Response:
        call = _call(request)
        access.export_scope(call.actor)
        if "respond-async" not in (request.headers.get("prefer") or ""):
            raise BadArgument("批量导出须带请求头 Prefer: respond-async", "bulk export needs Prefer: respond-async")
        job = export.kick_off(call.actor, level, request.query_params, str(request.url))
        token = export.sign(job, _platform(request).secret)
        return Response(status_code=202, headers={"Content-Location": f"{_base(request)}/$export-status/{token}"})
    return endpoint


def _job(request: Request) -> tuple[Call, export.ExportJob, str | None]:
    call = _call(request)
    scope = access.export_scope(call.actor)
    job = export.verify(request.path_params["job"], _platform(request).secret)
    export.check_owner(job, call.actor)
    return call, job, scope


@handled
async def status(request: Request) -> Response:
    _, job, _ = _job(request)
    if request.method == "DELETE":  # nothing is kept per job: the files are made when downloaded
        return Response(status_code=202)
    manifest = export.manifest(job, request.path_params["job"], _base(request))
    return fhir_json(manifest, media_type="application/json")


@handled
async def file(request: Request) -> Response:
    call, job, scope = _job(request)
    resource_type = request.path_params["type"]
    if resource_type not in job.types:
        raise ResourceNotFound(f"该导出任务没有 {resource_type} 文件", f"this export has no {resource_type} file")
    lines = _platform(request).fhir.export_lines(call, job, resource_type, scope)
    return StreamingResponse(lines, media_type=NDJSON)


@handled
async def metadata(request: Request) -> Response:
    return fhir_json(capability_statement(_base(request)))


routes = [
    Route("/fhir/metadata", metadata, methods=["GET"]),
    Route("/fhir/$export", _kick_off("system"), methods=["GET"]),
    Route("/fhir/Patient/$export", _kick_off("patient"), methods=["GET"]),
    Route("/fhir/$export-status/{job}", status, methods=["GET", "DELETE"]),
    Route("/fhir/$export-file/{job}/{type}", file, methods=["GET"]),
    Route("/fhir/{type}", search, methods=["GET"]),
    Route("/fhir/{type}/{id}", read, methods=["GET"]),
]
"""The FHIR routes; schema/app.py adds them with one line."""
