"""GET /export/{kind}?city=C&format=ndjson|csv[&from=YYYY-MM-DD&to=YYYY-MM-DD][&bom=1] (issue 12).

Thin: the caller, the arguments and the permission are checked by core/services/exports.py before
the first byte; the rows stream from a server-side cursor through a StreamingResponse, never held
in memory. A refusal is JSON `{"errors": [{"code", "message", "messageEn"}]}` with 400/401/403.
"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from yibao.core.auth import actor_from_header
from yibao.core.errors import BadArgument, Forbidden, NotAuthenticated, RequestError
from yibao.core.platform import Call
from yibao.core.services import exports

MEDIA = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
STATUS = {NotAuthenticated: 401, Forbidden: 403}


def _day(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadArgument(f"{name} 应为 YYYY-MM-DD：{raw}", f"{name} must be YYYY-MM-DD, got {raw!r}") from None


async def export(request: Request) -> Response:
    platform = request.app.state.platform
    kind = request.path_params["kind"]
    params = request.query_params
    try:
        actor = actor_from_header(platform.secret, request.headers.get("authorization"))
        call = Call(actor=actor, today=platform.clock.today(request.headers))
        fmt = exports.check_format(params.get("format", "ndjson"))
        if not params.get("city"):
            raise BadArgument("需要 city 参数", "the city parameter is required")
        job = exports.open_export(platform.db, platform.plugins, call, kind, params["city"],
                                  _day(request, "from"), _day(request, "to"))
    except RequestError as exc:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse({"errors": [{"code": exc.code, "message": exc.message, "messageEn": exc.message_en}]},
                            status_code=status)
    body = exports.encode(job, fmt, bom=params.get("bom") in ("1", "true"))
    filename = f"{kind}-{job.city}.{fmt}"
    return StreamingResponse(body, media_type=MEDIA[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


routes = [Route("/export/{kind}", export, methods=["GET"])]
