"""GraphiQL works with no network: its assets are packaged (schema/static/graphiql, vendored from
pinned npm versions), it renders in headless Chromium with everything but 127.0.0.1 blocked,
shows the pre-filled Authorization and X-Business-Date headers, and runs a query."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from pathlib import Path

import httpx
import pytest

from yibao.core.testkit.server import running_server

from .browser import browser_page, chromium

STATIC = Path(__file__).resolve().parents[1] / "schema" / "static" / "graphiql"


def test_the_page_references_only_packaged_assets_with_their_licences():
    from yibao.schema.graphiql import page

    html = page().body.decode()
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and all(link.startswith(("/graphiql-assets/", "data:")) for link in links), links
    assert "http://" not in html and "https://" not in html
    for asset in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css",
                  "plugin-explorer.umd.js", "plugin-explorer.css"):
        assert f"/graphiql-assets/{asset}" in html and (STATIC / asset).stat().st_size > 0
    for licence in ("react", "react-dom", "graphiql", "plugin-explorer"):
        assert "MIT" in (STATIC / f"LICENSE.{licence}").read_text()
    assert "graphiql 3.8.3" in (STATIC / "VERSIONS").read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graphiql")
    with running_server({"YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'g.db'}"}, cwd=folder) as base:
        yield base


def test_assets_are_served_by_the_app(server):
    page = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "/graphiql-assets/graphiql.min.js" in page.text
    js = httpx.get(f"{server}/graphiql-assets/graphiql.min.js")
    assert js.status_code == 200 and js.content == (STATIC / "graphiql.min.js").read_bytes()


@pytest.mark.skipif(chromium() is None and os.environ.get("YIBAO_REQUIRE_CHROMIUM") != "1",
                    reason="chromium is not installed (.ci/run installs it and sets YIBAO_REQUIRE_CHROMIUM=1)")
async def test_graphiql_renders_and_runs_a_query_in_chromium_with_the_network_blocked(server):
    query = "{ cities { code name } }"
    async with browser_page() as tab:
        # The block works: a public host cannot be reached from this browser.
        await tab.send("Page.navigate", url="https://unpkg.com/")
        await tab.wait_for("document.readyState === 'complete' || document.readyState === 'interactive'", "error page")
        assert not await tab.evaluate("document.body.innerText.includes('unpkg')")

        tab.requested.clear()
        await tab.send("Page.navigate", url=f"{server}/graphql?q={urllib.parse.quote(query)}")
        await tab.wait_for("!!document.querySelector('.graphiql-execute-button')", "GraphiQL to render")
        await tab.wait_for("document.body.innerText.includes('X-Business-Date')", "the pre-filled headers")
        headers = await tab.evaluate(
            "Array.from(document.querySelectorAll('.graphiql-editor-tool .CodeMirror')).map(e => e.CodeMirror.getValue()).join('\\n')")
        assert '"Authorization": "Bearer "' in headers and '"X-Business-Date": ""' in headers

        await tab.evaluate("document.querySelector('.graphiql-execute-button').click()")
        result_text = ("(() => { const cm = document.querySelector('.result-window .CodeMirror');"
                       " return cm ? cm.CodeMirror.getValue() : ''; })()")
        text = await tab.wait_for(f"{result_text}.includes('jiangmen_kaiping') && {result_text}", "the query's result")
        result = json.loads(text)
        assert {c["code"] for c in result["data"]["cities"]} == {"zhongshan", "jiangmen_kaiping", "shenzhen"}
        assert "中山市" in text

    outside = [u for u in tab.requested if not u.startswith((server, "data:", "ws://127.0.0.1"))]
    assert not outside, f"GraphiQL requested other hosts: {outside}"
    assert any(u.endswith("/graphiql-assets/graphiql.min.js") for u in tab.requested)
