"""Fuzzing in the suite, bounded and seeded (issue 10): hypothesis-graphql generates operations over
the served schema, sent through the real ASGI app on SQLite and PostgreSQL, anonymously and as admin
(mutations too); plus raw malformed HTTP bodies. Zero 5xx and zero INTERNAL_ERROR; the figures are
printed (`pytest -s` shows them)."""

from __future__ import annotations

import functools
import random
from collections import Counter

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from yibao.schema.build import schema
from yibao.schema.limits import Limits

OPERATIONS = 2000  # per database
SCALARS = {
    "Date": st.dates().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "JSON": st.one_of(
        st.text(max_size=20).map(lambda t: graphql.StringValueNode(value=t)),
        st.integers(-10, 10**6).map(lambda n: graphql.IntValueNode(value=str(n))),
        st.just(graphql.ObjectValueNode(fields=())),
    ),
}


@functools.lru_cache(maxsize=1)  # generated once, sent to both databases
def generated(count: int) -> list[tuple[str, bool]]:
    """`count` operations (query text, run as admin), the same on every run (derandomized)."""
    sdl = schema.as_str()
    found: list[tuple[str, bool]] = []
    strategy = st.one_of(queries(sdl, custom_scalars=SCALARS), mutations(sdl, custom_scalars=SCALARS))

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy, st.booleans())
    def collect(query: str, admin: bool) -> None:
        found.append((query, admin))

    collect()
    return found[:count]


@pytest.mark.fuzz
async def test_generated_operations_never_fail_the_server(yibao_client, yibao_backend):
    operations = generated(OPERATIONS)
    assert len(operations) >= OPERATIONS * 0.9
    admin = yibao_client.token("admin")
    statuses, codes = Counter(), Counter()
    for query, as_admin in operations:
        headers = {"Accept": "application/graphql-response+json"}
        if as_admin:
            headers["Authorization"] = f"Bearer {admin}"
        response = await yibao_client.http.post("/graphql", json={"query": query}, headers=headers)
        statuses[response.status_code] += 1
        body = response.json()
        for error in body.get("errors", ()):
            codes[error["extensions"]["code"]] += 1
        assert response.status_code < 500, (query, body)
        assert codes["INTERNAL_ERROR"] == 0, (query, body)
        assert "extensions" in body or response.status_code >= 400
    print(f"\nfuzz [{yibao_backend}]: {len(operations)} generated operations; HTTP {dict(sorted(statuses.items()))}; "
          f"error codes {dict(codes.most_common())}")
    assert statuses[200] > len(operations) / 4  # most of them ran, not just refused


MALFORMED = [b"", b"null", b'"hello"', b"[]", b"{", b"\xff\xfe{}", b'{"query": null}', b'{"query": ""}',
             b'{"query": "{ cities { code } }", "variables": []}', b'{"query": "\\u0000"}',
             b'{"query": "' + b"{ cities { code } }" * 10 + b'"}']


async def test_malformed_http_never_fails_the_server(yibao_client, yibao_backend):
    rng = random.Random(20261123)
    bodies = list(MALFORMED)
    for _ in range(300):  # seeded byte noise around a valid request
        valid = bytearray(b'{"query": "{ institutions(city: \\"zhongshan\\", first: 2) { totalCount } }"}')
        for _ in range(rng.randint(1, 6)):
            valid[rng.randrange(len(valid))] = rng.randrange(256)
        bodies.append(bytes(valid))
    statuses = Counter()
    for body in bodies:
        for content_type in ("application/json", "text/plain"):
            response = await yibao_client.http.post("/graphql", content=body, headers={
                "Content-Type": content_type, "Accept": "application/graphql-response+json"})
            statuses[response.status_code] += 1
            assert response.status_code < 500, body
            assert all(e["extensions"]["code"] != "INTERNAL_ERROR" for e in response.json().get("errors", ())), body
    print(f"\nmalformed HTTP [{yibao_backend}]: {len(bodies) * 2} requests; HTTP {dict(sorted(statuses.items()))}")
    assert Limits().max_body_bytes > 0
