"""GraphQL over HTTP through the real ASGI app: status codes per response type, GET, malformed
HTTP answered 4xx with a code (never 500, never INTERNAL_ERROR), body size, gzip, UTF-8, CORS,
correlation ids and `extensions.cost` (issues 10 and 14)."""

from __future__ import annotations

import gzip

import httpx
import orjson
import pytest

from yibao.schema.app import create_app
from yibao.schema.limits import Limits

GRJ = "application/graphql-response+json"
CITIES = "{ cities { code name } }"


def codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", ())]


async def post(http: httpx.AsyncClient, content: bytes | str, *, accept: str | None = GRJ,
               content_type: str = "application/json", **headers: str) -> httpx.Response:
    sent = {"Content-Type": content_type, **headers}
    if accept:
        sent["Accept"] = accept
    return await http.post("/graphql", content=content, headers=sent)


@pytest.mark.parametrize("body,reason", [
    (b'{ "not a JSON', "bad JSON"),
    (b'"hello"', "a JSON string"),
    (b"null", "JSON null"),
    (b"[1, 2]", "a JSON array"),
    (b'{"query": "{ cities { code } }", "variables": "x"}', "variables not an object"),
    (b'{"query": 5}', "query not a string"),
    (b'{"qeury": "{ cities { code } }"}', "query missing"),
    (b'{"query": "{ cities { code } }", "operationName": 3}', "operationName not a string"),
    ('{"query": "{ cities { name } }", "x": "\u4e2d"}'.encode("gb18030"), "bytes that are not UTF-8"),
    (b"", "an empty body"),
])
@pytest.mark.parametrize("accept", [GRJ, "application/json", None])
async def test_malformed_requests_are_coded_400s(yibao_client, body, reason, accept):
    response = await post(yibao_client.http, body, accept=accept)
    assert response.status_code == 400, reason
    assert codes(response.json()) == ["BAD_REQUEST"], reason
    assert "data" not in response.json()


async def test_syntax_validation_and_coercion_per_response_type(yibao_client):
    cases = [
        ("{ cities { code ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ cities { noSuchField } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($on: Date) { coverage(idNumber: \"x\", on: $on) { code } }", {"on": "2026-13-45"}, "BAD_USER_INPUT"),
        ("query($first: Int) { institutions(city: \"zhongshan\", first: $first) { totalCount } }",
         {"first": "many"}, "BAD_USER_INPUT"),
        ("query A { cities { code } } query B { plugins { name } }", None, "OPERATION_NAME_REQUIRED"),
    ]
    for query, variables, code in cases:
        payload = {"query": query, "variables": variables}
        strict = await yibao_client.http.post("/graphql", json=payload, headers={"Accept": GRJ})
        assert strict.status_code == 400, query
        assert strict.headers["content-type"].startswith(GRJ)
        assert "data" not in strict.json() and codes(strict.json())[0] == code, strict.json()
        legacy = await yibao_client.http.post("/graphql", json=payload, headers={"Accept": "application/json"})
        assert legacy.status_code == 200 and codes(legacy.json())[0] == code
        assert legacy.headers["content-type"].startswith("application/json")


async def test_several_operations_run_the_named_one(yibao_client):
    response = await yibao_client.http.post("/graphql", headers={"Accept": GRJ}, json={
        "query": "query A { cities { code } } query B { plugins { name } }", "operationName": "B"})
    assert response.status_code == 200 and set(response.json()["data"]) == {"plugins"}
    unknown = await yibao_client.http.post("/graphql", headers={"Accept": GRJ}, json={
        "query": "query A { cities { code } }", "operationName": "C"})
    assert unknown.status_code == 400 and codes(unknown.json()) == ["UNKNOWN_OPERATION"]


async def test_get_serves_queries_and_refuses_mutations(yibao_client):
    ok = await yibao_client.http.get("/graphql", params={"query": CITIES}, headers={"Accept": GRJ})
    assert ok.status_code == 200 and {c["code"] for c in ok.json()["data"]["cities"]} >= {"zhongshan"}
    mutation = await yibao_client.http.get("/graphql", headers={"Accept": GRJ}, params={
        "query": 'mutation { withdrawSelection(input: { selectionId: "x" }) { errors { code } } }'})
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"
    assert codes(mutation.json()) == ["METHOD_NOT_ALLOWED"]
    bad_vars = await yibao_client.http.get("/graphql", params={"query": CITIES, "variables": "{oops"})
    assert bad_vars.status_code == 400 and codes(bad_vars.json()) == ["BAD_REQUEST"]


async def test_media_types_and_methods(yibao_client):
    form = await post(yibao_client.http, "query=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and codes(form.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    latin = await post(yibao_client.http, '{"query": "{ cities { code } }"}', content_type="application/json; charset=latin-1")
    assert latin.status_code == 415
    xml_only = await post(yibao_client.http, '{"query": "{ cities { code } }"}', accept="application/xml")
    assert xml_only.status_code == 406 and codes(xml_only.json()) == ["NOT_ACCEPTABLE"]
    put = await yibao_client.http.put("/graphql", json={"query": CITIES})
    assert put.status_code == 405


async def test_a_body_over_the_limit_is_413(yibao_client):
    huge = '{"query": "{ cities { code } }", "variables": {"pad": "' + "x" * (Limits().max_body_bytes + 1) + '"}}'
    response = await post(yibao_client.http, huge)
    assert response.status_code == 413 and codes(response.json()) == ["PAYLOAD_TOO_LARGE"]


async def test_utf8_json_gzip_request_id_and_cost(yibao_client):
    query = '{ institutions(city: "zhongshan", first: 30) { edges { node { code name town } } } }'
    async with yibao_client.http.stream("POST", "/graphql", json={"query": query}, headers={
            "Accept-Encoding": "gzip", "X-Request-Id": "trace-1234abcd"}) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["x-request-id"] == "trace-1234abcd"
    text = gzip.decompress(raw).decode("utf-8")
    assert len(raw) < len(text.encode()) / 2
    assert "中山" in text and "\\u" not in text  # Chinese as UTF-8, not \u escapes
    cost = orjson.loads(text)["extensions"]["cost"]
    assert cost["requestedQueryCost"] == cost["requested"] == 1 + 30 * 2 and cost["limit"] == Limits().max_cost
    fresh = await yibao_client.http.post("/graphql", json={"query": CITIES}, headers={"X-Request-Id": "bad id\n"})
    assert len(fresh.headers["x-request-id"]) == 16  # an insane incoming id is replaced


async def test_a_post_answers_alike_through_its_lane_and_through_starlettes_stack(yibao_platform):
    """A POST to /graphql skips Starlette's router and middlewares (schema/app.py `App`, issue 9),
    doing their work itself. With CORS on, a request naming an Origin takes the whole stack: the two
    must answer with the same status, body and headers (CORS's own aside)."""
    app = create_app(platform=yibao_platform, origins=["https://portal.example"])
    big = '{ institutions(city: "zhongshan", first: 30) { edges { node { code name town } } } }'
    cases = [({"query": CITIES}, {}), ({"query": big}, {"Accept-Encoding": "gzip"}), ({"query": big}, {}),
             ({"query": "{ cities { code "}, {"Accept": GRJ}), ({"query": "{ cities { code "}, {}),
             ({"query": "mutation { revokeNothing }"}, {"Accept": GRJ}),
             ({"query": CITIES, "variables": "x"}, {}), ({"query": CITIES}, {"Accept": "text/plain"})]
    taken, lane_of = [], app._lane

    async def counted(scope, receive, send):  # type: ignore[no-untyped-def]
        taken.append(dict(scope["headers"]).get(b"origin"))
        await lane_of(scope, receive, send)

    app._lane = counted
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        for body, headers in cases:
            sent = {"X-Request-Id": "trace-1234abcd", **headers}
            lane = await http.post("/graphql", json=body, headers=sent)
            stack = await http.post("/graphql", json=body, headers={**sent, "Origin": "https://other.example"})
            assert (lane.status_code, lane.content) == (stack.status_code, stack.content), body
            cors = ("vary", "access-control-expose-headers")
            assert {k: v for k, v in lane.headers.items() if k not in cors} == \
                {k: v for k, v in stack.headers.items() if k not in cors}, body
            assert lane.headers.get("x-request-id") == "trace-1234abcd"
            if "gzip" in headers.get("Accept-Encoding", ""):
                assert lane.headers["content-encoding"] == "gzip" and "Accept-Encoding" in lane.headers["vary"]
    assert taken == [None] * len(cases)  # the lane took each request without an Origin, and only those


async def test_cors_is_off_by_default(yibao_client):
    preflight = await yibao_client.http.options("/graphql", headers={
        "Origin": "https://portal.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    simple = await yibao_client.http.post("/graphql", json={"query": CITIES}, headers={"Origin": "https://portal.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_preflight_for_a_configured_origin(yibao_platform):
    app = create_app(platform=yibao_platform, origins=["https://portal.example"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        preflight = await http.options("/graphql", headers={
            "Origin": "https://portal.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-business-date"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://portal.example"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "x-business-date" in preflight.headers["access-control-allow-headers"].lower()
        other = await http.options("/graphql", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
        simple = await http.post("/graphql", json={"query": CITIES}, headers={"Origin": "https://portal.example"})
        assert simple.headers["access-control-allow-origin"] == "https://portal.example"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_the_access_log_never_holds_an_id_number(yibao_client, caplog, new_id):
    """Issue 10: full ID numbers reached the access log through GET query strings (uvicorn's log is
    off; ours writes the path without its query string, and the correlation id)."""
    pid = new_id()
    caplog.set_level("INFO", logger="yibao.access")
    query = '{ person(idNumber: "%s") { name } }' % pid
    response = await yibao_client.http.get("/graphql", params={"query": query},
                                           headers={"Authorization": f"Bearer {yibao_client.token('admin')}"})
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "yibao.access"]
    assert len(lines) == 1 and " GET /graphql 200 " in lines[0], lines
    assert response.headers["x-request-id"] in lines[0]
    assert pid not in caplog.text and pid[6:14] not in caplog.text


async def test_refusals_before_execution_speak_the_callers_language(yibao_client):
    """Issue 14: `message` in the language asked for (Chinese by default), both texts in extensions,
    for the transport's own refusals too (syntax, malformed body, throttling share _error_answer)."""
    for accept_language, expected in ((None, "zh"), ("en-US,en;q=0.9", "en"), ("zh-CN", "zh")):
        extra = {"Accept-Language": accept_language} if accept_language else {}
        for body in ('{"query": "{ cities { code }"}', '"hello"'):
            response = await post(yibao_client.http, body, **extra)
            error = response.json()["errors"][0]
            assert error["message"] == error["extensions"]["message" if expected == "zh" else "messageEn"], error
            assert error["extensions"]["message"] != error["extensions"]["messageEn"]
