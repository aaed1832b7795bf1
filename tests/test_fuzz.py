"""Fuzzing in the suite, bounded and seeded (issue 10): hypothesis-graphql generates operations over
the served schema (each query and mutation field of the root types), sent through the real ASGI app
on SQLite and PostgreSQL, anonymously and as admin; plus the malformed HTTP of issue 10's "Why"
and seeded byte noise. Zero 5xx and zero INTERNAL_ERROR; the figures are printed (`pytest -s`).

The operations are derandomized, so every run generates the same ones; they are kept in a file in
the temporary folder (keyed by the schema and the generator's versions) so the second database does not pay for
generating them again.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from yibao.schema.app import create_app
from yibao.schema.build import schema
from yibao.schema.limits import Limits
from yibao.schema.pressure import Pressure

OPERATIONS = 2000  # distinct operations per database
EXAMPLES = 2400  # drawn (a few repeat)
SCALARS = {
    "Date": st.dates().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "JSON": st.one_of(
        st.text(max_size=20).map(lambda t: graphql.StringValueNode(value=t)),
        st.integers(-10, 10**6).map(lambda n: graphql.IntValueNode(value=str(n))),
        st.just(graphql.ObjectValueNode(fields=())),
    ),
}
GRJ = "application/graphql-response+json"


def generate(count: int) -> list[list]:
    """`count` drawn operations [query text, run as admin], the same on every run (derandomized).
    One strategy per root field: smaller documents than whole-schema ones, and every field drawn."""
    gql = schema._schema
    per_field = [queries(gql, fields=[f], custom_scalars=SCALARS) for f in gql.query_type.fields]
    per_field += [mutations(gql, fields=[f], custom_scalars=SCALARS) for f in gql.mutation_type.fields]
    found: list[list] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(*per_field), st.booleans())
    def collect(query: str, admin: bool) -> None:
        found.append([query, admin])

    collect()
    return found


@pytest.fixture(scope="session")
def generated() -> list[list]:
    key = hashlib.sha256(f"{schema.as_str()}|{version('hypothesis')}|{version('hypothesis-graphql')}|{EXAMPLES}"
                         .encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"yibao-fuzz-{key}.json"
    if not path.exists():
        # In a fresh interpreter: under pytest every module of the hypothesis distribution is
        # assertion-rewritten and the suite's assertion-pass hook formats each of hypothesis's own
        # passing asserts, which makes generation some twenty times slower.
        subprocess.run([sys.executable, "-m", "tests.test_fuzz", str(path)], check=True, timeout=600,
                       cwd=Path(__file__).parents[1])
    cached = json.loads(path.read_text("utf-8"))
    distinct = list({q: (q, a) for q, a in cached}.values())
    return distinct[:OPERATIONS]


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "x" for c in text)


class _Printable(graphql.Visitor):
    def enter_string_value(self, node: graphql.StringValueNode, *_args):  # type: ignore[no-untyped-def]
        cleaned = _printable(node.value)
        return None if cleaned == node.value else graphql.StringValueNode(value=cleaned, block=False)


def printable_variant(query: str) -> str | None:
    """The same operation with every control character in its strings replaced by "x", or None when
    it has none: most generated strings carry one, and the input layer refuses those before any
    service runs (INPUT_CONTROL_CHARACTER), so without this variant the fuzz would mostly test that
    layer. The variants carry the generated values past it, into the services."""
    edited = graphql.visit(graphql.parse(query), _Printable())
    printed = graphql.print_ast(edited)
    return None if printed == graphql.print_ast(graphql.parse(query)) else printed


@pytest.fixture(scope="session")
def past_the_input_layer(generated) -> list[list]:
    seen = {q for q, _ in generated}
    out = []
    for query, admin in generated:
        variant = printable_variant(query)
        if variant is not None and variant not in seen:
            seen.add(variant)
            out.append([variant, admin])
    return out


@pytest.fixture
async def http(yibao_platform):
    """The served app without rate limits (they are tested in test_limits.py): every request reaches GraphQL."""
    app = create_app(platform=yibao_platform, pressure=Pressure(per_address=None, per_token=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as client:
        yield client


@pytest.mark.fuzz
@pytest.mark.parametrize("which", ["as generated", "past the input layer"])
async def test_generated_operations_never_fail_the_server(http, yibao_client, yibao_backend, generated,
                                                           past_the_input_layer, which):
    if which == "as generated":
        assert len(generated) == OPERATIONS
    else:
        generated = past_the_input_layer
        assert len(generated) > OPERATIONS / 4  # a third of the generated operations carry a control character
    admin = yibao_client.token("admin")
    statuses, codes, fields = Counter(), Counter(), set()
    for query, as_admin in generated:
        headers = {"Accept": GRJ, "X-Business-Date": "2026-03-02"}
        if as_admin:
            headers["Authorization"] = f"Bearer {admin}"
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        statuses[response.status_code] += 1
        body = response.json()
        for error in body.get("errors", ()):
            codes[error["extensions"]["code"]] += 1
        assert response.status_code < 500, (query, body)
        assert codes["INTERNAL_ERROR"] == 0, (query, body)
        assert "extensions" in body or response.status_code >= 400, (query, body)
        if response.status_code == 200 and body.get("data"):
            fields.update(body["data"])
    print(f"\nfuzz [{yibao_backend}, {which}]: {len(generated)} generated operations; HTTP {dict(sorted(statuses.items()))}; "
          f"root fields answered {len(fields)}; error codes {dict(codes.most_common())}")
    assert statuses[200] > len(generated) / 4  # most of them ran, not just refused
    # answers came from across the schema, not one corner of it (the variants: a third of the operations)
    assert len(fields) >= (15 if which == "as generated" else 10)


MALFORMED = [b"", b"null", b'"hello"', b"[]", b"{", b"\xff\xfe{}", b'{"query": null}', b'{"query": ""}',
             b'{"query": "{ cities { code } }", "variables": []}', b'{"query": "\\u0000"}',
             b'{"query": "' + b"{ cities { code } }" * 10 + b'"}']


async def test_malformed_http_never_fails_the_server(http, yibao_backend):
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
            response = await http.post("/graphql", content=body, headers={
                "Content-Type": content_type, "Accept": GRJ})
            statuses[response.status_code] += 1
            assert response.status_code < 500, body
            assert all(e["extensions"]["code"] != "INTERNAL_ERROR" for e in response.json().get("errors", ())), body
    print(f"\nmalformed HTTP [{yibao_backend}]: {len(bodies) * 2} requests; HTTP {dict(sorted(statuses.items()))}")
    assert statuses[400] > len(bodies) / 2


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


@pytest.mark.parametrize("body, status, code", [
    (b'"hello"', 400, "BAD_REQUEST"),  # a JSON string: was HTTP 500
    (b"null", 400, "BAD_REQUEST"),  # JSON null: was HTTP 500
    (b'{"query": "{ cities { name } }", "x": "\xff\xfe"}', 400, "BAD_REQUEST"),  # not UTF-8: was HTTP 500
    (b'{"query": "query A { cities { code } } query B { cities { name } }"}', 400, "OPERATION_NAME_REQUIRED"),
    (b'{"query": "{ cities { code }"}', 400, "GRAPHQL_PARSE_FAILED"),  # syntax error: had no code
    (b'{"query": "{ cities { nope } }"}', 400, "GRAPHQL_VALIDATION_FAILED"),
])
async def test_issue_10_malformed_cases_are_coded_client_errors(http, body, status, code):
    """Issue 10 "Why": each of these was a 500, ran the first operation, or carried no code."""
    response = await http.post("/graphql", content=body, headers={"Content-Type": "application/json", "Accept": GRJ})
    assert response.status_code == status, response.text
    assert set(_codes(response)) == {code}, response.text
    assert "data" not in response.json()  # refused before execution: nothing ran


async def test_a_10_mb_body_is_refused_unread(http):
    """Issue 10: 10 MB bodies were accepted; the body limit answers 413 with the figure."""
    body = b'{"query": "{ cities { code } }", "variables": {"pad": "' + b"x" * 10_000_000 + b'"}}'
    response = await http.post("/graphql", content=body, headers={"Content-Type": "application/json", "Accept": GRJ})
    assert response.status_code == 413 and _codes(response) == ["PAYLOAD_TOO_LARGE"]
    assert str(Limits().max_body_bytes) in response.json()["errors"][0]["message"]


if __name__ == "__main__":  # the generated() fixture's subprocess: write the operations to the file named
    target = Path(sys.argv[1])
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(generate(EXAMPLES)), "utf-8")
    partial.replace(target)
