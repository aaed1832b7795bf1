"""The role policy (core/policy.py): declared for every operation, documented, and enforced alike
on every path to an object; no existence oracle across cities (issue 10, issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLObjectType

from yibao.core import policy, policydocs
from yibao.core.fhir.service import READABLE as FHIR_TYPES
from yibao.core.services.exports import KINDS as EXPORT_KINDS
from yibao.schema import globalid
from yibao.schema.build import schema
from yibao.schema.permissions import policy_for

from .support import IDENTITY, SHIQI_CENTRE, submit

ROOT = Path(__file__).resolve().parents[1]
GD14 = [IDENTITY, "《广东省异地就医登记备案表》", "居民户口簿（户口簿首页和本人常住人口登记卡）"]
PERSON_NODE = "query($id: ID!) { node(id: $id) { id ... on Person { name } } }"
PERSON = "query($id: String!) { person(idNumber: $id) { id name } }"
COVERAGE = "query($id: String!) { coverage(idNumber: $id) { code } }"
APPLICATION = "query($id: ID!) { application(id: $id) { id status } }"
APP_NODE = "query($id: ID!) { node(id: $id) { id ... on Application { status } } }"
APPLICATIONS = ("query($city: String, $id: String) { applications(city: $city, idNumber: $id) "
                "{ totalCount edges { node { id } } } }")


def _served_roots():
    s = schema._schema
    for kind, root in (("query", s.query_type), ("mutation", s.mutation_type), ("subscription", s.subscription_type)):
        for name, field in root.fields.items():
            yield kind, name, field


def test_every_root_field_and_node_type_has_a_declared_rule():
    """Walks the served schema: a root field or Node type without a rule in the table, or whose
    permission classes are not the ones the table generates, fails here."""
    undeclared, mismatched = [], []
    for kind, name, field in _served_roots():
        operation = f"{kind}.{name}"
        if operation not in policy.RULES:
            undeclared.append(operation)
            continue
        definition = field.extensions["strawberry-definition"]
        if list(definition.permission_classes) != policy_for(operation):
            mismatched.append(operation)
    nodes = [t.name for t in schema._schema.type_map.values()
             if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)]
    assert len(nodes) >= 7
    undeclared += [f"Node.{t}" for t in nodes if f"Node.{t}" not in policy.RULES]
    assert undeclared == [], f"declare these in core/policy.py: {undeclared}"
    assert mismatched == [], f"declare permission_classes=policy_for(...) on: {mismatched}"
    served = {f"{k}.{n}" for k, n, _ in _served_roots()} | {f"Node.{t}" for t in nodes}
    # Served over plain HTTP beside GraphQL: bulk exports (/export/{kind}) and FHIR (/fhir/{type}).
    http = {f"export.{k}" for k in EXPORT_KINDS} | {f"fhir.{t}" for t in FHIR_TYPES} | {"fhir.$export"}
    assert sorted(http - set(policy.RULES)) == [], "declare the HTTP operations in core/policy.py"
    # Besides the operations: who may introspect the schema in production (schema/context.py).
    stale = sorted(op for op in policy.RULES if op.split(".")[0] != "cli" and op not in served | http
                   and op != "schema.introspection")
    assert stale == [], f"rules for operations the schema does not serve: {stale}"


def test_every_rule_covers_every_role_with_a_reason_in_both_languages():
    for r in policy.operations():
        assert set(r.grants) == set(policy.ROLE_NAMES), r.operation
        for name, grant in r.grants.items():
            assert grant.reason.strip() and grant.reason_en.strip(), (r.operation, name)
            assert grant.reason != grant.reason_en, (r.operation, name)


def test_every_path_to_a_persons_records_has_one_rule():
    """A person's data is reached by `person`, `node`, `application(id:)`, `applications`, the
    subscription, `remoteFiling` and nested fields (Person.remoteFilings, Selection.application):
    the roles and scopes are the same on each, so no path reads what another refuses."""
    paths = ["query.person", "query.application", "query.remoteFiling", "query.coverage", "query.coverageExplained",
             "subscription.applicationEvents", "query.applications",
             "Node.Person", "Node.Selection", "Node.Application", "Node.RemoteFiling"]
    scopes = {op: {name: g.scope for name, g in policy.rule(op).grants.items()} for op in paths}
    assert all(s == scopes["query.person"] for s in scopes.values()), scopes


def test_docs_permissions_is_current():
    committed = (ROOT / "docs" / "permissions.md").read_text("utf-8")
    assert committed == policydocs.render(), "run `yibao docs permissions --write docs/permissions.md`"


def test_who_may_introspect_in_production_is_a_rule_of_the_table():
    """Production mode's introspection (and suggestions) follow `schema.introspection`, not a role
    set of their own: the roles that build against the schema, and nobody without a token."""
    from yibao.core.access import may_introspect
    from yibao.core.auth import Actor, Role

    rule = policy.rule("schema.introspection")
    assert rule.roles == {Role.ADMIN, Role.INTEGRATOR, Role.AGENCY} and not rule.anonymous
    for role in Role:
        assert may_introspect(Actor(role=role, city="zhongshan")) is (role in rule.roles)
    assert may_introspect(Actor(role=None)) is False


def test_the_cli_prints_the_matrix(capsys):
    from yibao.schema.cli import main

    assert main(["docs", "permissions"]) == 0
    out = capsys.readouterr().out
    assert "| `query.persons` | — | — | — | — | own city | any | any |" in out


def test_the_services_refuse_what_the_table_refuses():
    from yibao.core.auth import Actor, Role
    from yibao.core.errors import Forbidden, NotAuthenticated

    with pytest.raises(NotAuthenticated):
        policy.require(Actor(None), "query.person")
    with pytest.raises(Forbidden):
        policy.require(Actor(Role.INTEGRATOR), "mutation.selectInstitution")
    with pytest.raises(Forbidden):
        policy.claim(Actor(Role.PERSON, person="442000199001011006"), "query.person", "442000199001011014")
    assert policy.in_scope(Actor(Role.AGENCY, city="zhongshan"), "query.person", "zhongshan", "x")
    assert not policy.in_scope(Actor(Role.AGENCY, city="shenzhen"), "query.person", "zhongshan", "x")


@pytest.fixture
async def registered(zhongshan, new_id):
    """A Zhongshan person with a selection and an application; returns (id number, ids)."""
    pid = new_id()
    person = await zhongshan.register(pid, on="2026-04-01")
    selection = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-04-01"))["selection"]
    app = (await submit(zhongshan, pid, "GD-14", GD14, on="2026-04-02")).data["submitApplication"]["application"]
    return pid, {"Person": person["id"], "Selection": selection["id"], "Application": app["id"]}


@pytest.mark.parametrize("role,city", [("agency", "shenzhen"), ("institution", "jiangmen_kaiping")])
async def test_no_existence_oracle_across_cities(yibao_client, registered, new_id, role, city):
    """Issue 10: another city's staff get the same answer whether or not the person (or the id)
    exists: null / empty, never FORBIDDEN for one and null for the other."""
    pid, ids = registered
    unknown = new_id()
    token = yibao_client.token(role, city=city)

    async def ask(query: str, variables: dict) -> tuple:
        r = await yibao_client(query, variables, token=token, today="2026-04-03")
        return r.status, r.data, r.error_codes()

    assert await ask(PERSON, {"id": pid}) == await ask(PERSON, {"id": unknown}) == (200, {"person": None}, [])
    assert await ask(COVERAGE, {"id": pid}) == await ask(COVERAGE, {"id": unknown})
    for type_name, gid in ids.items():
        query = APPLICATION if type_name == "Application" else PERSON_NODE
        missing = globalid.encode(type_name, 999999)
        assert await ask(query, {"id": gid}) == await ask(query, {"id": missing}), type_name
        assert (await ask(query, {"id": gid}))[2] == []
    assert await ask(APP_NODE, {"id": ids["Application"]}) == (200, {"node": None}, [])


async def test_the_owning_city_still_reads(yibao_client, zhongshan, registered):
    """Positive control for the test above: the agency of the person's city reads every path."""
    pid, ids = registered
    token = zhongshan.agency
    assert (await yibao_client(PERSON, {"id": pid}, token=token)).data["person"]["id"] == ids["Person"]
    for type_name, gid in ids.items():
        query = APPLICATION if type_name == "Application" else PERSON_NODE
        data = (await yibao_client(query, {"id": gid}, token=token, today="2026-04-03")).data
        assert next(iter(data.values()))["id"] == gid


async def test_the_integrator_reads_applications_alike_on_every_path(yibao_client, registered):
    """Issue 10: the integrator read any application through `application(id:)` and `node` while
    `applications` refused it. The table now says: read-only in every city, on every path."""
    pid, ids = registered
    token = yibao_client.token("integrator")
    one = await yibao_client(APPLICATION, {"id": ids["Application"]}, token=token, today="2026-04-03")
    node = await yibao_client(APP_NODE, {"id": ids["Application"]}, token=token, today="2026-04-03")
    listed = await yibao_client(APPLICATIONS, {"city": "zhongshan", "id": pid}, token=token, today="2026-04-03")
    assert one.errors is None and one.data["application"]["id"] == ids["Application"]
    assert node.errors is None and node.data["node"]["id"] == ids["Application"]
    agency = await yibao_client(APPLICATIONS, {"id": pid}, token=yibao_client.token("agency", city="zhongshan"))
    assert listed.errors is None and listed.data == agency.data  # the selection's and the GD-14 application
    assert ids["Application"] in [e["node"]["id"] for e in listed.data["applications"]["edges"]]


async def test_an_institution_does_not_browse_the_citys_queue(yibao_client, zhongshan, registered, new_id):
    """Issue 13: an institution read its whole city's application queue. The queue is the
    agency's (经办机构 processes applications); an institution on site names the person."""
    pid, ids = registered
    other = new_id()
    await zhongshan.register(other, on="2026-04-01")
    await submit(zhongshan, other, "GD-14", GD14, on="2026-04-02")
    token = yibao_client.token("institution", city="zhongshan")
    queue = await yibao_client(APPLICATIONS, {}, token=token, today="2026-04-03")
    assert queue.error_codes() == ["FORBIDDEN"]
    named = await yibao_client(APPLICATIONS, {"id": pid}, token=token, today="2026-04-03")
    agency_named = await yibao_client(APPLICATIONS, {"id": pid}, token=zhongshan.agency, today="2026-04-03")
    assert named.errors is None and named.data == agency_named.data
    assert ids["Application"] in [e["node"]["id"] for e in named.data["applications"]["edges"]]
    agency = await yibao_client(APPLICATIONS, {}, token=zhongshan.agency, today="2026-04-03")
    assert agency.data["applications"]["totalCount"] == named.data["applications"]["totalCount"] + 1  # and other's
    elsewhere = yibao_client.token("institution", city="jiangmen_kaiping")
    theirs = await yibao_client(APPLICATIONS, {"id": pid}, token=elsewhere, today="2026-04-03")
    assert theirs.errors is None and theirs.data["applications"]["totalCount"] == 0
