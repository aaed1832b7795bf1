"""The HTTP application: GraphQL (HTTP and WebSocket) and GraphiQL at /graphql, /healthz.

HTTP requests go through schema/http.py (GraphQL over HTTP, limits, backpressure, then the compiled
fast read path of schema/fastpath for the operations it covers, else strawberry); WebSocket
subscriptions and the GraphiQL page through strawberry's view. Around them: correlation ids and the
access log (schema/middleware.py), CORS when `YIBAO_CORS_ORIGINS` names origins, and gzip.
"""

import gc
import os
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.asgi import GraphQL

from yibao.core.platform import Platform, Settings

from . import export_http, fhir_http, graphiql
from .build import served_schema
from .error_types import check_error_codes
from .context import Context
from .http import GraphQLHTTP
from .limits import Limits
from .middleware import RequestIds
from .pressure import Pressure
from .types import City

CORS_HEADERS = ["Authorization", "Content-Type", "Accept", "Accept-Language", "X-Business-Date", "X-Request-Id"]


class YibaoGraphQL(GraphQL):
    def __init__(self, platform: Platform, limits: Limits):
        super().__init__(served_schema(platform.settings.federation),
                         graphql_ide="graphiql" if platform.settings.graphiql else None)
        self.platform = platform
        self.limits = limits
        self.cities = City.directory(platform.plugins)

    async def render_graphql_ide(self, request: Any) -> Any:
        return graphiql.page()  # packaged assets, never a CDN (schema/graphiql.py)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(platform=self.platform, headers=request.headers, cities=self.cities,
                       request=request, response=response, limits=self.limits)


class App(Starlette):
    """Starlette, with one lane beside its router: a POST to /graphql goes straight to the
    transport's `lane`, which does what the middlewares would (request id, access log, gzip); with
    CORS on, a request naming an `Origin` takes the whole stack, so CORS answers it as before. The
    rest (GET, GraphiQL, WebSocket, /healthz, exports, FHIR) takes Starlette's stack (issue 9: the
    stack's layers were about a tenth of a search's CPU)."""

    def __init__(self, *args: Any, lane: Any, cors: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._lane, self._cors = lane, cors

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if (scope["type"] == "http" and scope["path"] == "/graphql" and scope["method"] == "POST"
                and not scope.get("root_path") and not (self._cors and _names_origin(scope))):
            scope["app"] = self
            await self._lane(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _names_origin(scope: dict) -> bool:
    return any(name == b"origin" for name, _ in scope["headers"])


def cors_origins(environ: dict[str, str] | None = None) -> list[str]:
    """YIBAO_CORS_ORIGINS: comma-separated origins; unset = none (CORS off)."""
    raw = (os.environ if environ is None else environ).get("YIBAO_CORS_ORIGINS", "")
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


def create_app(settings: Settings | None = None, platform: Platform | None = None, *, freeze_gc: bool = False,
               limits: Limits | None = None, pressure: Pressure | None = None,
               origins: list[str] | None = None, fast_path: bool = True) -> Starlette:
    """`fast_path=False` answers every operation through strawberry (the differential tests' reference);
    either way the transport (limits, cost, status codes, errors) is the same."""
    platform = platform or Platform(settings or Settings.from_env())
    check_error_codes(platform.plugins)
    limits = limits or Limits.from_env()
    graphql = YibaoGraphQL(platform, limits)
    http = GraphQLHTTP(platform, graphql.cities, limits=limits, pressure=pressure or Pressure.from_env(),
                       ide=graphql if platform.settings.graphiql else None, fast_path=fast_path,
                       served=graphql.schema)
    origins = cors_origins() if origins is None else origins

    async def healthz(_request: Request) -> JSONResponse:
        ok = await platform.db.ping()
        live = platform.events.healthy()
        body = {"status": "ok" if ok and live else "degraded" if ok else "database unreachable",
                "database": ok, "events": live}
        return JSONResponse(body, status_code=200 if ok and live else 503)

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        await platform.start()
        if freeze_gc:
            gc.collect()
            gc.freeze()  # start-up objects never move to older generations' scans again
            # A request allocates a few thousand short-lived objects: collect the young generation
            # every 50,000 allocations instead of 700 (issue 9: GC was 7% of a persons page).
            gc.set_threshold(50_000, 20, 20)
        yield
        await platform.stop()

    middleware = [Middleware(RequestIds)]
    if origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                                     allow_headers=CORS_HEADERS, expose_headers=["X-Request-Id", "Retry-After"],
                                     max_age=600))
    middleware.append(Middleware(GZipMiddleware, minimum_size=500))
    app = App(
        lane=http.lane, cors=bool(origins),
        routes=[
            Route("/graphql", http, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            *export_http.routes,
            Mount(graphiql.ASSETS_PATH, graphiql.assets()),
            *fhir_http.routes,
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.platform = platform
    app.state.http = http
    return app


def serve_app() -> Starlette:
    """The app one `yibao serve --workers N` process serves (uvicorn's factory)."""
    return create_app(freeze_gc=True)
