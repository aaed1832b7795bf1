"""Limits computed before execution (cost, depth, aliases, tokens), the execution timeout,
backpressure and rate limits: refused with a code and the figures (issue 10: no limits at all)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from graphql import parse

from yibao.schema.app import create_app
from yibao.schema.build import schema
from yibao.schema.limits import Limits, measure
from yibao.schema.pressure import Pressure, Rate, RateLimiter
from yibao.core.testkit.server import running_server

GRJ = "application/graphql-response+json"
PAGE = 'institutions(city: "zhongshan", first: 100) { edges { node { code name } } }'


def codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", ())]


def cost_of(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    return measure(schema._schema, {}, document.definitions[0], variables).cost


def test_cost_multiplies_connections_by_first():
    assert cost_of("{ cities { code } }") == 1
    assert cost_of('{ institutions(city: "zhongshan") { edges { node { code } } } }') == 1 + 20 * 2  # default page
    assert cost_of(f"{{ {PAGE} }}") == 1 + 100 * 2
    assert cost_of('query($n: Int) { institutions(city: "zhongshan", first: $n) { edges { node { code } } } }',
                   {"n": 5}) == 1 + 5 * 2
    persons = "{ persons(city: \"zhongshan\", first: 50) { edges { node { selections { institution { name } } } } } }"
    assert cost_of(persons) == 1 + 50 * (1 + 1 + 1 + 1)
    assert cost_of("{ __schema { types { name fields { name } } } }") == 0  # introspection reads the static schema


async def test_a_thousand_aliases_of_a_page_are_refused_with_the_figures(yibao_client):
    query = "{ " + " ".join(f"a{i}: {PAGE}" for i in range(1000)) + " }"
    response = await yibao_client.http.post("/graphql", json={"query": query}, headers={"Accept": GRJ})
    body = response.json()
    assert response.status_code == 400 and "data" not in body
    assert codes(body) == ["TOO_MANY_TOKENS"]  # the cheapest refusal first: parsing stops at the token limit
    few = "{ " + " ".join(f"a{i}: {PAGE}" for i in range(10)) + " }"
    body = (await yibao_client.http.post("/graphql", json={"query": few}, headers={"Accept": GRJ})).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["requested"] == 10 * 201 and error["extensions"]["limit"] == Limits().max_cost
    assert "2010" in error["message"]


async def test_depth_aliases_and_tokens(yibao_client):
    nested = ('{ persons(city: "zhongshan", first: 1) { edges { node { '
              'selections { application { events { status } } } } } } }')
    assert "QUERY_TOO_DEEP" not in (await yibao_client(nested)).error_codes()  # 7 levels: under the default 12
    limits = Limits(max_depth=3, max_aliases=2, max_tokens=50)
    result = await _with(yibao_client, limits, nested)
    assert codes(result) == ["QUERY_TOO_DEEP"] and result["errors"][0]["extensions"]["limit"] == 3
    aliases = "{ a: cities { code } b: cities { code } c: cities { code } }"
    result = await _with(yibao_client, limits, aliases)
    assert codes(result) == ["TOO_MANY_ALIASES"] and result["errors"][0]["extensions"]["requested"] == 3
    result = await _with(yibao_client, limits, "{ " + "cities { code } " * 20 + "}")
    assert codes(result) == ["TOO_MANY_TOKENS"]


async def _with(yibao_client, limits: Limits, query: str, **pressure) -> dict:
    app = create_app(platform=yibao_client.platform, limits=limits, pressure=Pressure(**pressure) if pressure else None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        return (await http.post("/graphql", json={"query": query}, headers={"Accept": GRJ})).json()


async def test_every_response_reports_its_cost(yibao_client):
    for query in ("{ cities { code } }", f"{{ {PAGE} }}", '{ institutions(city: "nowhere") { totalCount } }'):
        body = (await yibao_client.http.post("/graphql", json={"query": query})).json()
        assert body["extensions"]["cost"]["limit"] == Limits().max_cost
        assert body["extensions"]["cost"]["requested"] == cost_of(query)


async def test_an_execution_over_its_time_is_503(yibao_client):
    """The time limit cuts an execution at its next wait (here its database read): a limit of 0 s
    lets nothing that waits finish."""
    app = create_app(platform=yibao_client.platform, limits=Limits(timeout_seconds=0))
    query = '{ institutions(city: "zhongshan") { totalCount } }'
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        response = await http.post("/graphql", json={"query": query}, headers={"Accept": GRJ})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert codes(response.json()) == ["EXECUTION_TIMEOUT"]


async def test_beyond_the_concurrent_bound_the_answer_is_503_at_once(yibao_client):
    app = create_app(platform=yibao_client.platform, pressure=Pressure(max_concurrent=2))
    gate = app.state.http.gate
    assert gate.try_enter() and gate.try_enter()  # two requests executing
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        busy = await http.post("/graphql", json={"query": "{ cities { code } }"}, headers={"Accept": GRJ})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert codes(busy.json()) == ["SERVICE_UNAVAILABLE"] and busy.json()["errors"][0]["extensions"]["limit"] == 2
        gate.leave()
        assert (await http.post("/graphql", json={"query": "{ cities { code } }"})).status_code == 200
    assert gate.busy == 1


async def test_rate_limits_per_address_and_per_token_including_invalid_tokens(yibao_client):
    app = create_app(platform=yibao_client.platform,
                     pressure=Pressure(per_address=Rate(5, 60), per_token=Rate(3, 60)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.0.0.1", 1)),
                                 base_url="http://yibao.test") as http:
        forged = {"Authorization": "Bearer forged.token.value"}
        answers = [await http.post("/graphql", json={"query": "{ cities { code } }"}, headers=forged) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [codes(a.json()) for a in answers[:3]] == [["INVALID_TOKEN"]] * 3
        throttled = answers[3]
        assert codes(throttled.json()) == ["THROTTLED"] and int(throttled.headers["retry-after"]) >= 1
        assert throttled.json()["errors"][0]["extensions"]["retryAfter"] == int(throttled.headers["retry-after"])
        anonymous = [await http.post("/graphql", json={"query": "{ cities { code } }"}) for _ in range(2)]
        assert [a.status_code for a in anonymous] == [200, 429]  # the address's 5 are spent


def test_the_bucket_refills():
    now = [0.0]
    bucket = RateLimiter(Rate(2, 10), clock=lambda: now[0])
    assert [bucket.take("k"), bucket.take("k")] == [0, 0]
    assert bucket.take("k") == 5
    now[0] = 5.0
    assert bucket.take("k") == 0 and bucket.take("k") == 5


@pytest.mark.yibao_backends("sqlite")
async def test_the_websocket_path_refuses_with_the_same_codes(yibao_backend, tmp_path):
    env = {"YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ws.db'}", "YIBAO_MAX_DEPTH": "2"}
    with running_server(env) as base:
        async with websockets.connect(base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
            found = {}
            for n, query in enumerate(["subscription { applicationEvents(", "subscription { nothing }",
                                       'subscription { applicationEvents(applicationId: "x") { status } }',
                                       'subscription($id: ID!) { applicationEvents(applicationId: $id) { status } }']):
                await ws.send(json.dumps({"id": str(n), "type": "subscribe", "payload": {"query": query}}))
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                found[n] = [e.get("extensions", {}).get("code") for e in message["payload"]] \
                    if message["type"] == "error" else message["payload"].get("errors")
    assert found[0] == ["GRAPHQL_PARSE_FAILED"]
    assert found[1] == ["GRAPHQL_VALIDATION_FAILED"]
    assert found[3] == ["BAD_USER_INPUT"]
    assert found[2] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("fast_path", [True, False])
async def test_a_request_holds_one_database_connection_at_a_time(yibao_client, new_id, fast_path):
    """Issue 10: each alias held its own database session, so a few aliased requests exhausted the
    pool for everyone. Root fields now run one after another (as a mutation's do), on both paths."""
    from sqlalchemy import event

    engine = yibao_client.platform.db.engine.sync_engine
    held = {"now": 0, "peak": 0}

    def out(*_):  # type: ignore[no-untyped-def]
        held["now"] += 1
        held["peak"] = max(held["peak"], held["now"])

    def back(*_):  # type: ignore[no-untyped-def]
        held["now"] -= 1

    aliases = " ".join(f'p{i}: person(idNumber: "{new_id()}") {{ name }} '
                       f'i{i}: institutions(city: "zhongshan", first: 2) {{ totalCount }}' for i in range(8))
    app = create_app(platform=yibao_client.platform, fast_path=fast_path)
    event.listen(engine, "checkout", out)
    event.listen(engine, "checkin", back)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
            response = await http.post("/graphql", json={"query": "{ %s }" % aliases}, headers={
                "Accept": GRJ, "Authorization": f"Bearer {yibao_client.token('admin')}"})
    finally:
        event.remove(engine, "checkout", out)
        event.remove(engine, "checkin", back)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    assert body["data"]["p0"] is None and body["data"]["i7"]["totalCount"] > 0
    assert held["peak"] == 1, held


def test_only_query_texts_of_a_bounded_size_are_kept_for_the_next_request():
    """A repeated query is found again by its text (schema/prepare.py), its plan and input sites by
    its document; a body may be 1 MB, so caches of 512 could hold 512 MB each. A text over
    KEPT_TEXT is prepared each time, kept by none of them."""
    from yibao.schema import fastpath, prepare as prep, string_inputs
    from yibao.schema.limits import KEPT_TEXT

    small = "{ cities { code } }"
    large = "{ cities { code } }" + " " * (KEPT_TEXT + 1)  # white space is no token
    documents = {}
    for text in (small, large):
        prepared = prep.prepare(schema._schema, text, None, None, limits=Limits(), policy=prep.Policy())
        documents[text] = prepared.document
        fastpath.plan_for(prepared.document, None, schema._schema)
        string_inputs.validate(schema._schema, prepared.document, None)
    assert {key[1] for key in prep._KNOWN} >= {small} and large not in {key[1] for key in prep._KNOWN}
    for cache in (fastpath._PLANS, string_inputs._CACHE):
        held = [entry[0] for entry in cache.values()]
        assert any(d is documents[small] for d in held) and not any(d is documents[large] for d in held)
    parsed, validated = prep._parse_kept.cache_info().currsize, prep._validate_kept.cache_info().currsize
    prep.prepare(schema._schema, large + " ", None, None, limits=Limits(), policy=prep.Policy())
    assert (prep._parse_kept.cache_info().currsize, prep._validate_kept.cache_info().currsize) == (parsed, validated)
