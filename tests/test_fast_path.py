"""Issue 9: the fast read path answers exactly what graphql-core answers, in constant statements.

Every comparison sends the same request to two apps over one database: the served app (fast path
in front) and the reference app (`create_app(fast_path=False)`, strawberry/graphql-core only),
and compares the whole bodies (data and errors). Hand-written cases cover the four workloads with
each role's ID-2 masking; a seeded, bounded hypothesis-graphql run covers generated operations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import insert
from starlette.datastructures import Headers

from yibao.core.storage.statements import StatementCounter
from yibao.core.storage.tables import PersonRow, SchemePeriodRow
from yibao.core.testkit.ids import make_id_number
from yibao.schema import fastpath
from yibao.schema.app import create_app
from yibao.schema.context import Context
from yibao.schema.fastpath.http import document
from yibao.schema.types import City as CityType

from .support import DONGQU_CENTRE, SHIQI_CENTRE

A_SANBU = "H44078300002"  # 开平市三埠街道办事处社区卫生服务中心 (KP-1 group A)
TODAY = "2026-03-20"

PERSONS_PAGE = """query($city: String!, $first: Int, $after: String) { persons(city: $city, first: $first, after: $after) {
  totalCount edges { cursor node { id idNumber name scheme tier insuredSince documentType city { code name }
    schemeHistory { scheme validFrom validTo }
    selections { id kind slot status effectiveFrom effectiveTo channel scheme createdOn replaces endReason
      institution { id code name town level category tags specialties services divisionCode } } } }
  pageInfo { hasNextPage endCursor } } }"""
PERSONS_LEAN = """query($city: String!, $first: Int) { persons(city: $city, first: $first) {
  edges { node { idNumber selections { status institution { code name town level } } } } pageInfo { hasNextPage endCursor } } }"""
SEARCH = """query($q: String, $after: String) { institutions(city: "zhongshan", search: $q, first: 5, after: $after) {
  totalCount edges { cursor node { __typename id code name town level category city { code divisionCode } } }
  pageInfo { hasNextPage endCursor } } }"""
COVERAGE = """query($id: String!, $on: Date) { coverage(idNumber: $id, on: $on) { code name town category tags } }"""
FRAGMENTS = """query P($city: String!) { ...Root persons(city: $city, first: 3) { edges { node { ...Who ... on Person {
  latest: selections(includeHistory: true) { status institution { code } } } } } } }
fragment Root on Query { cities { code towns { name kind } } }
fragment Who on Node { id ... on Person { idNumber name } }"""


class Pair:
    """The served app and the reference app over one platform."""

    def __init__(self, client, fast: httpx.AsyncClient, slow: httpx.AsyncClient):
        self.client, self.fast, self.slow = client, fast, slow

    def headers(self, token: str | None) -> dict[str, str]:
        sent = {"X-Business-Date": TODAY}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        return sent

    async def both(self, query: str, variables: dict | None = None, token: str | None = None) -> tuple[dict, dict]:
        payload = {"query": query, "variables": variables or {}}
        fast = await self.fast.post("/graphql", json=payload, headers=self.headers(token))
        slow = await self.slow.post("/graphql", json=payload, headers=self.headers(token))
        assert fast.status_code == slow.status_code
        assert fast.content == slow.content  # byte for byte, `extensions.cost` included
        return fast.json(), slow.json()

    async def direct(self, query: str, variables: dict | None = None, token: str | None = None):
        """The fast path's own answer (NOT_COVERED when it leaves the request to graphql-core)."""
        platform = self.client.platform
        context = Context(platform=platform, headers=Headers(self.headers(token)),
                          cities=CityType.directory(platform.plugins))
        return await fastpath.execute(document(query), variables, None, context)

    async def same(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        """Asserts the fast path answered and matches graphql-core exactly; returns the data."""
        answered = await self.direct(query, variables, token)
        assert answered is not fastpath.NOT_COVERED
        fast, slow = await self.both(query, variables, token)
        assert "errors" not in slow, slow
        # the transport adds the operation's cost to both (CONTRACT: every response's extensions.cost)
        assert fast == slow == {"data": answered, "extensions": {"cost": slow["extensions"]["cost"]}}
        return answered


@pytest.fixture
async def pair(yibao_client, zhongshan, kaiping, new_id):
    platform = yibao_client.platform
    slow_app = create_app(platform=platform, fast_path=False)
    # Persons with history: a first choice, a pending change (ZS-3), a person without a selection,
    # a scheme change (ID-3) and a Kaiping person (another city's masking).
    changed, plain, kp = new_id(), new_id(), new_id("440783")
    await zhongshan.register(changed, on="2026-01-05", since="2025-06-01")
    first = (await zhongshan.select(changed, SHIQI_CENTRE, on="2026-01-06"))["selection"]
    await zhongshan.select(changed, DONGQU_CENTRE, on=TODAY, replaces=first["id"])
    await zhongshan.register(plain, "RESIDENT", on="2026-02-01")
    await zhongshan.change_scheme(plain, "EMPLOYEE", on="2026-03-01", effective_on="2026-03-01")
    await kaiping.register(kp, "RESIDENT", on="2026-01-05")
    await kaiping.select(kp, A_SANBU, on="2026-01-06")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=slow_app), base_url="http://slow.test") as slow:
        p = Pair(yibao_client, yibao_client.http, slow)
        p.ids = {"changed": changed, "plain": plain, "kp": kp}  # type: ignore[attr-defined]
        yield p


def roles(client, ids: dict) -> dict[str, str | None]:
    return {
        "anonymous": None,
        "integrator": client.token("integrator"),
        "admin": client.token("admin"),
        "agency-zhongshan": client.token("agency", city="zhongshan"),
        "agency-kaiping": client.token("agency", city="jiangmen_kaiping"),
        "institution-zhongshan": client.token("institution", city="zhongshan"),
        "person": client.token("person", person=ids["changed"]),
        "proxy-kp": client.token("proxy", person=ids["kp"]),
    }


async def test_persons_page_masks_per_role_and_matches_graphql_core(pair):
    """ID-2: integrator and admin see masked numbers, Zhongshan's agency sees them in full."""
    tokens = roles(pair.client, pair.ids)
    for role in ("integrator", "admin", "agency-zhongshan"):
        data = await pair.same(PERSONS_PAGE, {"city": "zhongshan", "first": 20}, tokens[role])
        shown = [e["node"]["idNumber"] for e in data["persons"]["edges"]]
        if role == "agency-zhongshan":
            assert sorted(shown) == sorted([pair.ids["changed"], pair.ids["plain"]])
        else:
            assert len(shown) == 2 and all(n[4:14] == "**********" for n in shown), shown
        nodes = data["persons"]["edges"]
        changed = next(e["node"] for e in nodes if e["node"]["schemeHistory"][0]["validFrom"] == "2025-06-01")
        # SE-2/ZS-3 on the business date: the first choice is in effect, the change pending
        assert [s["status"] for s in changed["selections"]] == ["EFFECTIVE", "PENDING"]
        plain = next(e["node"] for e in nodes if len(e["node"]["schemeHistory"]) == 2)
        assert plain["scheme"] == "EMPLOYEE"  # ID-3: the period in force on the business date
    # roles that may not list persons, or another city's agency: graphql-core answers the error
    for role in ("anonymous", "person", "institution-zhongshan", "agency-kaiping"):
        assert await pair.direct(PERSONS_PAGE, {"city": "zhongshan"}, tokens[role]) is fastpath.NOT_COVERED
        fast, slow = await pair.both(PERSONS_PAGE, {"city": "zhongshan"}, tokens[role])
        assert fast == slow and slow["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")


async def test_persons_pages_follow_cursors_like_graphql_core(pair):
    token = pair.client.token("integrator")
    after, seen = None, []
    while True:
        data = await pair.same(PERSONS_PAGE, {"city": "zhongshan", "first": 1, "after": after}, token)
        seen += [e["node"]["id"] for e in data["persons"]["edges"]]
        if not data["persons"]["pageInfo"]["hasNextPage"]:
            break
        after = data["persons"]["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 2
    for bad in ({"first": 0}, {"first": 101}, {"after": "bm9wZQ"}):
        fast, slow = await pair.both(PERSONS_PAGE, {"city": "zhongshan", **bad}, token)
        assert fast == slow and "errors" in slow


async def test_institutions_search_and_coverage_match_graphql_core(pair):
    tokens = roles(pair.client, pair.ids)
    for term in ("shiqi", "sq", "石岐", "", "100_%"):
        data = await pair.same(SEARCH, {"q": term})
        if term == "shiqi":
            assert data["institutions"]["edges"] and data["institutions"]["totalCount"] >= 1
    data = await pair.same(SEARCH, {"q": None})
    await pair.same(SEARCH, {"q": None, "after": data["institutions"]["pageInfo"]["endCursor"]})
    for role in ("agency-zhongshan", "person", "integrator", "admin"):
        found = await pair.same(COVERAGE, {"id": pair.ids["changed"], "on": TODAY}, tokens[role])
        assert SHIQI_CENTRE in {i["code"] for i in found["coverage"]}  # ZS-5 via the city's coverage hook
    await pair.same(COVERAGE, {"id": pair.ids["kp"]}, tokens["proxy-kp"])
    for role in ("anonymous", "agency-kaiping"):  # refused: graphql-core's errors, unchanged
        fast, slow = await pair.both(COVERAGE, {"id": pair.ids["changed"]}, tokens[role])
        assert fast == slow and "errors" in slow


NETWORK = """query($network: NetworkInput, $first: Int) { institutions(city: "shenzhen", network: $network, first: $first) {
  totalCount edges { node { code name level networks { kind id name } } } pageInfo { hasNextPage endCursor } } }"""


async def test_institutions_by_network_match_graphql_core(pair):
    """IN-2 with a network filter (SZ-3's settlement hospitals, a hospital group) on the fast path."""
    for network, size in ((("SETTLEMENT_HOSPITAL", "H44030000004"), 2), ((" MEDICAL_GROUP", " luohu-hospital-group "), 1),
                          (("MEDICAL_ALLIANCE", "none"), 5)):
        kind, nid = network
        data = await pair.same(NETWORK, {"network": {"kind": kind.strip(), "id": nid}, "first": size})
        codes = [e["node"]["code"] for e in data["institutions"]["edges"]]
        if nid == "none":
            assert codes == [] and data["institutions"]["totalCount"] == 0
        else:
            assert data["institutions"]["totalCount"] == 2 and len(codes) == size
            assert all(any(n["id"] == nid.strip() for n in e["node"]["networks"]) for e in data["institutions"]["edges"])
    literal = NETWORK.replace("$network: NetworkInput, ", "").replace(
        "$network", '{kind: SETTLEMENT_HOSPITAL, id: "H44030000004"}')
    assert (await pair.same(literal, {"first": 5}))["institutions"]["totalCount"] == 2


async def test_fragments_aliases_and_typename_match_graphql_core(pair):
    await pair.same(FRAGMENTS, {"city": "zhongshan"}, pair.client.token("admin"))
    await pair.same("{ __typename a: cities { code } b: cities { name code } }")
    # not covered (introspection, directives, mutations): strawberry answers, identically
    for query in ("{ __schema { queryType { name } } }", '{ cities @include(if: true) { code } }',
                  '{ plugins { name } }'):
        assert await pair.direct(query) is fastpath.NOT_COVERED
        fast, slow = await pair.both(query)
        assert fast == slow


async def test_statements_per_workload_are_constant_in_page_size(pair, yibao_platform):
    """Persons page: 1 statement (2 with totalCount); search: 1; coverage: 2; whatever the page size."""
    now = datetime.now(UTC)
    async with yibao_platform.db.write(None) as session:
        people = [dict(id_number=make_id_number("442000", "19800101", n), name=f"批量{n}", city="zhongshan",
                       created_at=now, created_by="test") for n in range(200, 230)]
        ids = (await session.scalars(insert(PersonRow).returning(PersonRow.id), people)).all()
        await session.execute(insert(SchemePeriodRow), [
            dict(person_id=i, scheme="EMPLOYEE", valid_from=date(2020, 1, 1), valid_to=date(2099, 12, 31),
                 recorded_at=now, recorded_by="test") for i in ids])
    token = pair.client.token("integrator")
    counted: dict[tuple[str, int], int] = {}
    for size in (2, 20):
        for name, query in (("page", PERSONS_PAGE), ("lean", PERSONS_LEAN)):
            with StatementCounter() as c:
                r = await pair.client(query, {"city": "zhongshan", "first": size}, token=token, today=TODAY)
            assert r.errors is None and len(r.data["persons"]["edges"]) == size
            counted[(name, size)] = c.count
    assert counted == {("page", 2): 2, ("page", 20): 2, ("lean", 2): 1, ("lean", 20): 1}
    with StatementCounter() as c:
        r = await pair.client(SEARCH.replace("totalCount", ""), {"q": "shiqi"}, today=TODAY)
    assert r.errors is None and c.count == 1
    with StatementCounter() as c:
        r = await pair.client(COVERAGE, {"id": pair.ids["changed"]}, token=token, today=TODAY)
    # the person with periods, categories, selections with institutions (networks: SZ-3) and the
    # remote filings (RF-5 may take home coverage away) in one statement; the candidates in another
    assert r.errors is None and r.data["coverage"] and c.count == 2, c.text()


@pytest.mark.yibao_backends("postgresql")
async def test_a_dead_connection_is_replaced_on_use(pair, yibao_platform):
    """No pre-ping: a pooled connection killed under the server is noticed on use and replaced."""
    from sqlalchemy import text

    await pair.same(SEARCH, {"q": "shiqi"})  # a pooled connection now exists
    async with yibao_platform.db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    await pair.same(SEARCH, {"q": "shiqi"})


def generated_operations(ids: dict, count: int) -> list[tuple[str, str]]:
    """`count` (query, role) pairs from hypothesis-graphql over the served schema's covered query
    fields, argument values drawn from meaningful ones (cities, persons, terms, page sizes and bad
    values); seeded (derandomize) and bounded."""
    import graphql
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis_graphql import queries

    from yibao.schema.build import schema

    dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
    values = {
        "city": st.sampled_from(["zhongshan", "zhongshan", "jiangmen_kaiping", "shenzhen", "nowhere", ""]),
        "idNumber": st.sampled_from([*ids.values(), ids["changed"].lower(), "123", ""]),
        "first": st.sampled_from([1, 2, 5, 20, 100, 0, 101, None]),
        "after": st.sampled_from([None, None, "bm9wZQ", "cGVyc29uOjE", "aW5zdGl0dXRpb246SDQ0MjAwMTEwMDAx"]),
        "search": st.sampled_from(["shiqi", "sq", "石岐", "zhongxin", "", None, "%", "h4420"]),
        "town": st.sampled_from(["石岐街道", "东区街道", None, "nowhere"]),
        "category": st.sampled_from(["社区卫生服务中心", "医院", None]),
        "on": dates.map(date.isoformat),
    }

    def literal(value: object) -> graphql.ValueNode:
        if value is None:
            return graphql.NullValueNode()
        if isinstance(value, int):
            return graphql.IntValueNode(value=str(value))
        return graphql.StringValueNode(value=value)

    out: list[tuple[str, str]] = []
    strategy = queries(schema._schema, fields=["persons", "institutions", "coverage", "cities"],
                       custom_scalars={"Date": dates.map(lambda d: graphql.StringValueNode(value=d.isoformat()))},
                       print_ast=lambda doc: doc)

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(doc=strategy, data=st.data())
    def collect(doc, data) -> None:  # type: ignore[no-untyped-def]
        class Arguments(graphql.Visitor):
            def enter_argument(self, node, *_):  # type: ignore[no-untyped-def]
                drawn = values.get(node.name.value)
                if drawn is None:
                    return None
                return graphql.ArgumentNode(name=node.name, value=literal(data.draw(drawn)))

        query = graphql.print_ast(graphql.visit(doc, Arguments()))
        role = data.draw(st.sampled_from(["anonymous", "integrator", "admin", "agency-zhongshan", "agency-kaiping",
                                          "institution-zhongshan", "person", "proxy-kp"]))
        out.append((query, role))

    collect()
    return out


async def test_generated_operations_match_graphql_core(pair):
    """Differential: hypothesis-graphql operations, each role; bodies (data and errors) identical."""
    tokens = roles(pair.client, pair.ids)
    covered = 0
    operations = generated_operations(pair.ids, 80)
    for query, role in operations:
        answered = await pair.direct(query, None, tokens[role])
        fast, slow = await pair.both(query, None, tokens[role])
        assert fast == slow, query
        if answered is not fastpath.NOT_COVERED:
            covered += 1
            assert slow == {"data": answered, "extensions": {"cost": slow["extensions"]["cost"]}}, query
    assert covered >= len(operations) // 4, covered  # the comparison exercised the fast path itself


async def test_a_first_choice_sends_a_bounded_number_of_statements(yibao_client, zhongshan, new_id, yibao_backend):
    """selectInstitution (first choice): issue 9 asks for at most 8 statements."""
    from .support import SELECT

    pid = new_id()
    await zhongshan.register(pid, on=TODAY)
    payload = {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": SHIQI_CENTRE, "channel": "YUEYIBAO"}
    with StatementCounter() as c:
        r = await yibao_client(SELECT, {"input": payload}, token=zhongshan.person_token(pid), today=TODAY)
    assert r.errors is None and r.data["selectInstitution"]["errors"] == []
    # the person with everything the rules read (one statement; PostgreSQL locks the person first,
    # in its own statement, so that the read after it sees what a concurrent request committed),
    # the application, its two events (with their pg_notify), the selection, its event, and the
    # audit row (issue 10: one INSERT before COMMIT)
    assert c.count == {"sqlite": 6, "postgresql": 7}[yibao_backend], c.text()
