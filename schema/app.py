"""The HTTP application: GraphQL (HTTP and WebSocket) and GraphiQL at /graphql, /healthz."""

import gc
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.asgi import GraphQL

from yibao.core.platform import Platform, Settings

from . import graphiql
from .build import schema
from .error_types import check_error_codes
from .context import Context
from .types import City


class YibaoGraphQL(GraphQL):
    def __init__(self, platform: Platform):
        super().__init__(schema, graphql_ide="graphiql")
        self.platform = platform
        self.cities = City.directory(platform.plugins)

    async def render_graphql_ide(self, request: Any) -> Any:
        return graphiql.page()  # packaged assets, never a CDN (schema/graphiql.py)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(platform=self.platform, headers=request.headers, cities=self.cities,
                       request=request, response=response)


def create_app(settings: Settings | None = None, platform: Platform | None = None, *, freeze_gc: bool = False) -> Starlette:
    platform = platform or Platform(settings or Settings.from_env())
    check_error_codes(platform.plugins)
    graphql = YibaoGraphQL(platform)

    async def healthz(_request: Request) -> JSONResponse:
        ok = await platform.db.ping()
        return JSONResponse({"status": "ok" if ok else "database unreachable"}, status_code=200 if ok else 503)

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        await platform.start()
        if freeze_gc:
            gc.collect()
            gc.freeze()  # start-up objects never move to older generations' scans again
        yield
        await platform.stop()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Mount(graphiql.ASSETS_PATH, graphiql.assets()),
        ],
        lifespan=lifespan,
    )
    app.state.platform = platform
    return app
