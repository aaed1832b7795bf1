"""The HTTP application: GraphQL (HTTP and WebSocket) and GraphiQL at /graphql, /healthz."""

import gc
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.asgi import GraphQL
from cross_web import HTTPException

from yibao.core.platform import Platform, Settings

from . import export_http, fhir_http, graphiql
from .build import served_schema
from .error_types import check_error_codes
from .context import Context
from .fastpath.http import answer as fast_answer
from .types import City


class YibaoGraphQL(GraphQL):
    def __init__(self, platform: Platform, *, fast_path: bool = True):
        super().__init__(served_schema(platform.settings.federation), graphql_ide="graphiql")
        self.platform = platform
        self.fast_path = fast_path
        self.cities = City.directory(platform.plugins)

    async def render_graphql_ide(self, request: Any) -> Any:
        return graphiql.page()  # packaged assets, never a CDN (schema/graphiql.py)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(platform=self.platform, headers=request.headers, cities=self.cities,
                       request=request, response=response)

    def _fast_context(self, request: Request) -> Context:
        return Context(platform=self.platform, headers=request.headers, cities=self.cities, request=request)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.fast_path:
            # Issue 9: covered read operations are answered by the compiled plan; everything else,
            # and every error, by strawberry with the same (already read) request.
            request = Request(scope, receive)
            response = await fast_answer(self.schema, request, self._fast_context)
            if response is None:
                try:
                    response = await self.run(request)
                except HTTPException as e:
                    response = PlainTextResponse(e.reason, status_code=e.status_code)
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, platform: Platform | None = None, *, freeze_gc: bool = False,
               fast_path: bool = True) -> Starlette:
    """`fast_path=False` answers every operation through strawberry (the differential tests' reference)."""
    platform = platform or Platform(settings or Settings.from_env())
    check_error_codes(platform.plugins)
    graphql = YibaoGraphQL(platform, fast_path=fast_path)

    async def healthz(_request: Request) -> JSONResponse:
        ok = await platform.db.ping()
        return JSONResponse({"status": "ok" if ok else "database unreachable"}, status_code=200 if ok else 503)

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

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            *export_http.routes,
            Mount(graphiql.ASSETS_PATH, graphiql.assets()),
            *fhir_http.routes,
        ],
        lifespan=lifespan,
    )
    app.state.platform = platform
    return app
