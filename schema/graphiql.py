"""GraphiQL served by the app itself, its assets packaged in yibao (schema/static/graphiql/).

The files are vendored from npm packages at pinned versions by scripts/vendor_graphiql.sh and
committed with their licences, so the page works on a network with no internet access.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static" / "graphiql"
ASSETS_PATH = "/graphiql-assets"


def page() -> HTMLResponse:
    html = (STATIC / "index.html").read_text("utf-8").replace("{{ASSETS}}", ASSETS_PATH)
    return HTMLResponse(html)


def assets() -> StaticFiles:
    """The vendored files, long-cacheable (their names change only with a new vendoring)."""
    return StaticFiles(directory=STATIC)
