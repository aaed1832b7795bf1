"""Issue 12, federation: with YIBAO_FEDERATION=1 the schema is an Apollo Federation v2 subgraph
(CONTRACT: `_service { sdl }`, `_entities`) with City, Institution (by code) and Person (by
`idHash`, the keyed hash of the ID number) as entities. Without the variable nothing changes.

The composition test runs Apollo's own composition (npm `@apollo/composition`, with Node) over
schema/subgraph.graphql and a small "hospital" subgraph that extends Institution and references
Person. Node and the package come from .ci/run into ~/.cache/yibao-ci/node (YIBAO_NODE_DIR
overrides); outside CI their absence skips the test, in CI (CI set) it fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import httpx
import pytest
from graphql import parse
from sqlalchemy import select, update

from yibao.core.auth import ANONYMOUS, Role, actor_from_header, issue_token
from yibao.core.call import Call
from yibao.core.errors import Forbidden, NotAuthenticated
from yibao.core.platform import Platform, Settings
from yibao.core.storage.statements import StatementCounter
from yibao.core.storage.tables import PersonRow
from yibao.core.testkit.client import GraphQLClient
from yibao.core.testkit.ids import make_id_number
from yibao.core.testkit.server import running_server
from yibao.schema.app import create_app
from yibao.schema.build import schema
from yibao.schema.fastpath import plan_for
from yibao.schema.federation import subgraph

from .support import PERSON, City

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPH = ROOT / "schema" / "subgraph.graphql"
COMPOSE = Path(__file__).parent / "js" / "compose.mjs"
KEY = "federation-test-key-shared-with-integrators-0123456789"
ON = "2026-05-04"
SHIQI_CENTRE = "H44200110001"

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on City { code name divisionCode }
    ... on Institution { code name city { code } }
    ... on Person { idHash idNumber name city { code } }
  }
}"""

HOSPITAL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])

"A hospital system's own subgraph: beds per institution, admissions of persons."
type Institution @key(fields: "code") {
  code: String!
  bedCount: Int
}

type Person @key(fields: "idHash", resolvable: false) {
  idHash: String
}

type City @key(fields: "code", resolvable: false) {
  code: String!
}

type Admission @key(fields: "id") {
  id: ID!
  patient: Person!
  hospital: Institution!
  city: City!
}

type Query {
  admissions: [Admission!]!
}
"""


def integrator_hash(id_number: str, key: str = KEY) -> str:
    """docs/federation.md's recipe, written as an integrator would: no yibao code."""
    return hmac.new(key.encode("utf-8"), "".join(id_number.split()).upper().encode("utf-8"),
                    hashlib.sha256).hexdigest()


# -- the schema files ----------------------------------------------------------------------------

def test_committed_subgraph_sdl_is_current():
    assert SUBGRAPH.read_text("utf-8") == subgraph.as_str() + "\n", \
        "schema/subgraph.graphql is stale: run `yibao schema --federation > schema/subgraph.graphql`"


def test_the_normal_schema_is_unchanged_by_the_subgraph():
    sdl = schema.as_str()  # the subgraph is built (imported above): its keys must not leak here
    assert (ROOT / "schema" / "schema.graphql").read_text("utf-8") == sdl + "\n"
    for federation_only in ("@key", "@link", "_entities", "_service", "_Any", "_Entity"):
        assert federation_only not in sdl, federation_only
    fed = subgraph.as_str()
    for entity, key in (("City", "code"), ("Institution", "code"), ("Person", "idHash")):
        assert f'type {entity} implements Node @key(fields: "{key}"' in fed
    assert "union _Entity = City | Institution | Person" in fed
    assert "idNumber" not in fed.split("union _Entity")[0].split("type Person implements Node")[1].split("\n")[0]


def test_the_fast_path_leaves_federation_fields_to_strawberry():
    gql = subgraph._schema
    for query in ("{ _service { sdl } }", ENTITIES, "{ cities { code } _service { sdl } }"):
        assert plan_for(parse(query), None, gql) is None, query
    assert plan_for(parse("{ cities { code } }"), None, gql) is not None  # it still answers the rest


# -- composition with a second subgraph (Node) ---------------------------------------------------

def node_dir() -> Path:
    return Path(os.environ.get("YIBAO_NODE_DIR") or Path.home() / ".cache" / "yibao-ci" / "node")


def node_and_modules() -> tuple[str, Path] | None:
    modules = node_dir() / "node_modules"
    node = modules / ".bin" / "node"
    executable = str(node) if node.exists() else shutil.which("node")
    if executable and (modules / "@apollo" / "composition").is_dir() and (modules / "graphql").is_dir():
        return executable, modules
    return None


def compose(tmp_path: Path, subgraphs: dict[str, str]) -> dict:
    found = node_and_modules()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"Node and @apollo/composition are missing from {node_dir()} (.ci/run installs them)")
        pytest.skip(f"Node and @apollo/composition are not installed in {node_dir()} (.ci/run installs them)")
    node, modules = found
    args = []
    for name, sdl in subgraphs.items():
        (tmp_path / f"{name}.graphql").write_text(sdl, "utf-8")
        args.append(f"{name}={tmp_path / f'{name}.graphql'}")
    run = subprocess.run([node, str(COMPOSE), *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "NODE_PATH": str(modules)})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_subgraph_composes_with_a_hospital_subgraph(tmp_path):
    result = compose(tmp_path, {"yibao": SUBGRAPH.read_text("utf-8"), "hospital": HOSPITAL})
    assert result["errors"] == []
    supergraph = result["supergraphSdl"]
    institution = supergraph.split("type Institution implements Node")[1].split("\n}")[0]
    assert '@join__type(graph: YIBAO, key: "code"' in institution
    assert '@join__type(graph: HOSPITAL, key: "code")' in institution
    assert "bedCount: Int @join__field(graph: HOSPITAL)" in institution
    person = supergraph.split("type Person implements Node")[1].split("\n}")[0]
    assert '@join__type(graph: YIBAO, key: "idHash"' in person
    city = supergraph.split("type City implements Node")[1].split("\n}")[0]
    assert '@join__type(graph: YIBAO, key: "code"' in city
    assert "admissions: [Admission!]! @join__field(graph: HOSPITAL)" in supergraph


def test_composition_reports_a_broken_second_subgraph(tmp_path):  # positive control for the check above
    broken = HOSPITAL.replace("bedCount: Int", "level: Int")  # yibao's Institution.level is an enum
    result = compose(tmp_path, {"yibao": SUBGRAPH.read_text("utf-8"), "hospital": broken})
    assert result["errors"] and result["supergraphSdl"] is None
    assert any("level" in e for e in result["errors"])


# -- _entities over HTTP -------------------------------------------------------------------------

@pytest.fixture
async def federated(yibao_platform):
    """The app with YIBAO_FEDERATION=1 settings over the test database, and its platform."""
    settings = Settings(database_url=yibao_platform.settings.database_url, secret=yibao_platform.secret,
                        training=True, federation=True, federation_key=KEY)
    platform = Platform(settings, plugins=yibao_platform.plugins)
    await platform.start(migrate=False, load_reference=False)
    app = create_app(platform=platform)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        yield GraphQLClient(http, platform)
    await platform.stop()


async def test_service_sdl_is_the_committed_subgraph(federated, yibao_client):
    result = await federated("{ _service { sdl } }")
    assert result.errors is None
    assert result.data["_service"]["sdl"] + "\n" == SUBGRAPH.read_text("utf-8")
    normal = await yibao_client("{ _service { sdl } }")  # without the variable: no such field
    assert normal.error_codes() == ["GRAPHQL_VALIDATION_FAILED"]


async def test_city_and_institution_references_resolve_like_their_roots(federated):
    reps = [{"__typename": "Institution", "code": SHIQI_CENTRE}, {"__typename": "City", "code": "jiangmen_kaiping"},
            {"__typename": "Institution", "code": "H00000000000"}, {"__typename": "City", "code": "atlantis"}]
    result = await federated(ENTITIES, {"representations": reps})  # anonymous: reference data
    assert result.errors is None, result.errors
    institution, city, no_institution, no_city = result.data["_entities"]
    root = await federated("query($c: String!) { institution(code: $c) { code name city { code } } }",
                           {"c": SHIQI_CENTRE})
    assert institution == {"__typename": "Institution", **root.data["institution"]}
    cities = await federated("{ cities { code name divisionCode } }")
    assert city == {"__typename": "City", **next(c for c in cities.data["cities"] if c["code"] == "jiangmen_kaiping")}
    assert (no_institution, no_city) == (None, None)
    bad_token = await federated(ENTITIES, {"representations": reps[:1]}, token="not-a-token")
    assert bad_token.error_codes() == ["INVALID_TOKEN"]  # as every root: a bad token fails the request


async def test_person_references_need_what_person_needs(federated, new_id):
    zs = City(federated, "zhongshan")
    number, other = new_id(), new_id()
    await zs.register(number, "EMPLOYEE", on=ON, name="联邦测试")
    await zs.register(other, "EMPLOYEE", on=ON)
    id_hash = integrator_hash(number)
    assert id_hash == federated.platform.persons.id_hash(number) and len(id_hash) == 64
    tokens = {
        "anonymous": None,
        "integrator": federated.token("integrator"),
        "admin": federated.token("admin"),
        "agency": federated.token("agency", city="zhongshan"),
        "other_city_agency": federated.token("agency", city="jiangmen_kaiping"),
        "institution": federated.token("institution", city="zhongshan"),
        "self": federated.token("person", person=number),
        "other_person": federated.token("person", person=other),
        "proxy": federated.token("proxy", person=number),
    }
    outcomes = {}
    for who, token in tokens.items():
        entity = await federated(ENTITIES, {"representations": [{"__typename": "Person", "idHash": id_hash}]},
                                 token=token, today=ON)
        root = await federated(PERSON, {"id": number}, token=token, today=ON)
        # the same gate, the same checks, the same masking as person(idNumber:)
        assert entity.error_codes() == root.error_codes(), who
        if root.errors:
            assert entity.data == {"_entities": [None]}, who
            outcomes[who] = entity.error_codes()[0]
            continue
        found = entity.data["_entities"][0]
        if root.data["person"] is None:  # out of scope reads as unregistered (no existence oracle)
            assert found is None, who
            outcomes[who] = "null"
            continue
        assert found["idNumber"] == root.data["person"]["idNumber"], who
        assert (found["name"], found["city"]["code"], found["idHash"]) == ("联邦测试", "zhongshan", id_hash), who
        outcomes[who] = "masked" if "*" in found["idNumber"] else "full"
    assert outcomes == {"anonymous": "UNAUTHENTICATED", "integrator": "masked", "admin": "masked",
                        "agency": "full", "other_city_agency": "null", "institution": "masked",
                        "self": "full", "other_person": "FORBIDDEN", "proxy": "full"}
    # a person token may not probe other hashes, existing or not: refused before any lookup
    probe = await federated(ENTITIES, {"representations": [{"__typename": "Person", "idHash": "0" * 64}]},
                            token=tokens["self"], today=ON)
    assert probe.error_codes() == ["FORBIDDEN"]
    unknown = await federated(ENTITIES, {"representations": [{"__typename": "Person", "idHash": "0" * 64}]},
                              token=tokens["integrator"], today=ON)
    assert unknown.errors is None and unknown.data == {"_entities": [None]}
    assert integrator_hash(number, key="another key") != id_hash  # keyed: no key, no hash
    for malformed in ({"__typename": "Person"}, {"__typename": "Person", "idHash": 7},
                      {"__typename": "Institution", "name": "x"}):
        bad = await federated(ENTITIES, {"representations": [malformed]}, token=tokens["integrator"], today=ON)
        assert bad.error_codes() == ["BAD_ARGUMENT"] and bad.data == {"_entities": [None]}, malformed


async def test_id_hash_is_shown_only_where_it_reveals_nothing(federated, new_id):
    zs = City(federated, "zhongshan")
    number = new_id()
    await zs.register(number, "RESIDENT", on=ON)
    query = "query($id: String!) { person(idNumber: $id) { idNumber idHash } }"
    agency = await federated(query, {"id": number}, token=federated.token("agency", city="zhongshan"), today=ON)
    assert agency.data["person"] == {"idNumber": number, "idHash": integrator_hash(number)}
    # an integrator holding the key could try the ~3.6 million numbers a mask leaves open
    integrator = await federated(query, {"id": number}, token=federated.token("integrator"), today=ON)
    assert "*" in integrator.data["person"]["idNumber"] and integrator.data["person"]["idHash"] is None
    listed = await federated('{ personsAcrossCities(cities: ["zhongshan"]) { edges { node { idHash } } } }',
                             token=federated.token("integrator"), today=ON)
    assert [e["node"]["idHash"] for e in listed.data["personsAcrossCities"]["edges"]] == [None]


async def test_a_changed_key_rehashes_and_old_hashes_stop_resolving(federated, yibao_platform, new_id):
    zs = City(federated, "zhongshan")
    number = new_id()
    await zs.register(number, "EMPLOYEE", on=ON)
    token = federated.token("integrator")
    reps = {"representations": [{"__typename": "Person", "idHash": integrator_hash(number)}]}
    assert (await federated(ENTITIES, reps, token=token, today=ON)).data["_entities"][0]["name"]
    rotated = Platform(Settings(database_url=yibao_platform.settings.database_url, secret=yibao_platform.secret,
                                training=True, federation=True, federation_key="a rotated key of enough length!!"),
                       plugins=yibao_platform.plugins)
    await rotated.start(migrate=False, load_reference=False)  # sees hashes of the old key: forgets them
    try:
        app = create_app(platform=rotated)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
            client = GraphQLClient(http, rotated)
            old = await client(ENTITIES, reps, token=token, today=ON)
            new = await client(ENTITIES, {"representations": [{
                "__typename": "Person", "idHash": integrator_hash(number, "a rotated key of enough length!!")}]},
                token=token, today=ON)
    finally:
        await rotated.stop()
    assert old.errors is None and old.data == {"_entities": [None]}
    assert new.errors is None and new.data["_entities"][0]["idHash"] == integrator_hash(
        number, "a rotated key of enough length!!")


@pytest.mark.yibao_backends("sqlite")
def test_yibao_serve_with_the_variable_resolves_every_entity_kind(tmp_path, yibao_backend):
    env = {"YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fed.db'}", "YIBAO_FEDERATION": "1",
           "YIBAO_FEDERATION_KEY": KEY, "YIBAO_SECRET": "federation-serve-test-secret-0123456789abcdef",
           "YIBAO_TRAINING": "1"}
    number = make_id_number("442000", "19900101", 321)
    agency = issue_token(env["YIBAO_SECRET"], Role.AGENCY, city="zhongshan")
    integrator = issue_token(env["YIBAO_SECRET"], Role.INTEGRATOR)
    with running_server(env) as base:
        def post(query: str, variables: dict | None = None, token: str | None = None) -> dict:
            headers = {"X-Business-Date": ON, **({"Authorization": f"Bearer {token}"} if token else {})}
            response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                                  headers=headers, timeout=30)
            assert response.status_code == 200, response.text
            return response.json()

        registered = post("mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { errors { code } } }",
                          {"i": {"idNumber": number, "name": "服务测试", "city": "zhongshan", "scheme": "EMPLOYEE"}},
                          agency)
        assert registered["data"]["registerPerson"]["errors"] == []
        body = post(ENTITIES, {"representations": [
            {"__typename": "City", "code": "zhongshan"},
            {"__typename": "Institution", "code": SHIQI_CENTRE},
            {"__typename": "Person", "idHash": integrator_hash(number)}]}, integrator)
        sdl = post("{ _service { sdl } }")
    assert "errors" not in body, body
    city, institution, person = body["data"]["_entities"]
    assert (city["__typename"], city["code"]) == ("City", "zhongshan")
    assert (institution["__typename"], institution["code"], institution["city"]["code"]) == (
        "Institution", SHIQI_CENTRE, "zhongshan")
    assert (person["__typename"], person["name"], person["idHash"]) == ("Person", "服务测试", integrator_hash(number))
    assert person["idNumber"] != number and person["idNumber"].endswith(number[-4:])  # ID-2: masked for integrators
    assert sdl["data"]["_service"]["sdl"] + "\n" == SUBGRAPH.read_text("utf-8")


async def test_registration_writes_the_hash_and_a_miss_fills_rows_other_writers_left_empty(federated, new_id):
    zs = City(federated, "zhongshan")
    registered, imported = new_id(), new_id()
    await zs.register(registered, "EMPLOYEE", on=ON)
    await zs.register(imported, "EMPLOYEE", on=ON)
    db = federated.platform.db
    async with db.write(None) as session:  # as an import or a row older than the column leaves it
        await session.execute(update(PersonRow).where(PersonRow.id_number == imported).values(id_hash=None))
    async with db.read() as session:
        stored = dict((await session.execute(select(PersonRow.id_number, PersonRow.id_hash))).all())
    assert stored[registered] == integrator_hash(registered) and stored[imported] is None
    token = federated.token("integrator")
    found = await federated(ENTITIES, {"representations": [{"__typename": "Person", "idHash": integrator_hash(imported)}]},
                            token=token, today=ON)
    assert found.errors is None and found.data["_entities"][0]["idHash"] == integrator_hash(imported)
    async with db.read() as session:
        assert await session.scalar(select(PersonRow.id_hash).where(PersonRow.id_number == imported)) == \
            integrator_hash(imported)


# -- Person references in one batch (issue 12's leftover) ---------------------------------------

def person_ref(id_number: str) -> dict:
    return {"__typename": "Person", "idHash": integrator_hash(id_number)}


PERSON_BATCH_STATEMENTS = 4
"""`_entities` with Person references, whatever their number: the hashes' ids, the persons, their
scheme periods, their categories (Persons.get_many_by_id_hash)."""


async def _entity_statements(client, reps: list, token: str):
    await client(ENTITIES, {"representations": reps}, token=token, today=ON)  # warm: connections, caches
    with StatementCounter() as counter:
        result = await client(ENTITIES, {"representations": reps}, token=token, today=ON)
    assert result.errors is None, result.errors
    return counter, result


async def test_person_references_are_resolved_in_one_batch(federated, new_id):
    zs = City(federated, "zhongshan")
    numbers = [new_id() for _ in range(20)]
    for number in numbers:
        await zs.register(number, "EMPLOYEE", on=ON)
    token = federated.token("integrator")
    one, result = await _entity_statements(federated, [person_ref(numbers[0])], token)
    assert result.data["_entities"][0]["idHash"] == integrator_hash(numbers[0])
    many, result = await _entity_statements(federated, [person_ref(n) for n in numbers], token)
    assert [p["idHash"] for p in result.data["_entities"]] == [integrator_hash(n) for n in numbers]
    assert one.count == many.count == PERSON_BATCH_STATEMENTS, f"1: {one.count}, 20: {many.count}\n{many.text()}"
    # an unknown hash among them: one more statement (are there rows without a hash to fill?), once
    unknown = {"__typename": "Person", "idHash": "0" * 64}
    one, _ = await _entity_statements(federated, [unknown, person_ref(numbers[1])], token)
    many, result = await _entity_statements(federated, [unknown] + [person_ref(n) for n in numbers[1:]], token)
    assert result.data["_entities"][0] is None and all(result.data["_entities"][1:])
    assert one.count == many.count == PERSON_BATCH_STATEMENTS + 1, f"1: {one.count}, 20: {many.count}\n{many.text()}"


def _per_reference(result, n: int) -> list[tuple]:
    """Each reference's entity and the errors at its path (code and message)."""
    errors: dict[int, list] = {}
    for e in result.errors or ():
        assert e["path"][0] == "_entities", e
        errors.setdefault(e["path"][1], []).append((e["extensions"]["code"], e["message"]))
    return [(result.data["_entities"][i], errors.get(i, [])) for i in range(n)]


async def test_a_batch_of_references_answers_as_each_reference_alone(federated, new_id):
    zs, kp = City(federated, "zhongshan"), City(federated, "jiangmen_kaiping")
    mine, neighbour, far = new_id(), new_id(), new_id("440783")
    await zs.register(mine, "EMPLOYEE", on=ON, name="本人")
    await zs.register(neighbour, "RESIDENT", on=ON, name="邻居")
    await kp.register(far, "EMPLOYEE", on=ON, name="开平")
    reps = [person_ref(mine), person_ref(far), {"__typename": "Person", "idHash": "0" * 64},
            {"__typename": "Person"}, person_ref(neighbour), {"__typename": "Person", "idHash": 7},
            {"__typename": "Person", "idHash": integrator_hash(mine).upper()}, person_ref(mine),
            {"__typename": "City", "code": "zhongshan"}]
    tokens = {"integrator": federated.token("integrator"), "agency": federated.token("agency", city="zhongshan"),
              "person": federated.token("person", person=mine), "anonymous": None}
    seen = {}
    for who, token in tokens.items():
        batch = await federated(ENTITIES, {"representations": reps}, token=token, today=ON)
        alone = []
        for rep in reps:
            single = await federated(ENTITIES, {"representations": [rep]}, token=token, today=ON)
            alone += _per_reference(single, 1)
        assert _per_reference(batch, len(reps)) == alone, who
        seen[who] = [codes[0][0] if codes else ("null" if entity is None else entity.get("name", entity["__typename"]))
                     for entity, codes in alone]
    bad = "BAD_ARGUMENT"
    assert seen == {
        "integrator": ["本人", "开平", "null", bad, "邻居", bad, "本人", "本人", "中山市"],
        "agency": ["本人", "null", "null", bad, "邻居", bad, "本人", "本人", "中山市"],  # another city's: as unknown
        "person": ["本人", "FORBIDDEN", "FORBIDDEN", bad, "FORBIDDEN", bad, "本人", "本人", "中山市"],
        "anonymous": ["UNAUTHENTICATED"] * 8 + ["中山市"],  # the role gate comes before the key's check
    }


async def test_the_batched_lookup_does_the_checks_of_the_single_one(federated, new_id):
    zs, kp = City(federated, "zhongshan"), City(federated, "jiangmen_kaiping")
    mine, neighbour, far = new_id(), new_id(), new_id("440783")
    await zs.register(mine, "EMPLOYEE", on=ON)
    await zs.register(neighbour, "RESIDENT", on=ON)
    await kp.register(far, "EMPLOYEE", on=ON)
    persons = federated.platform.persons
    hashes = [persons.id_hash(n) for n in (mine, far, neighbour)] + ["0" * 64, " " + persons.id_hash(mine).upper()]

    def call(role: str, **kw) -> Call:
        actor = actor_from_header(federated.platform.secret, f"Bearer {federated.token(role, **kw)}")
        return Call(actor=actor, today=date.fromisoformat(ON))

    for c in (call("integrator"), call("admin"), call("agency", city="zhongshan"),
              call("institution", city="zhongshan"), call("agency", city="jiangmen_kaiping")):
        for with_selections in (False, True):
            batch = await persons.get_many_by_id_hash(c, hashes, with_selections=with_selections)
            alone = [await persons.get_by_id_hash(c, h, with_selections=with_selections) for h in hashes]
            assert batch == alone, c.actor
    own = call("person", person=mine)
    assert await persons.get_many_by_id_hash(own, [hashes[0], hashes[-1]]) == \
        [await persons.get_by_id_hash(own, hashes[0], with_selections=False)] * 2
    with pytest.raises(Forbidden):  # another person's hash, existing or not: refused before any lookup
        await persons.get_many_by_id_hash(own, [hashes[0], "0" * 64])
    with pytest.raises(NotAuthenticated):
        await persons.get_many_by_id_hash(Call(actor=ANONYMOUS, today=date.fromisoformat(ON)), hashes[:1])
    assert await persons.get_many_by_id_hash(own, []) == []


async def test_a_batch_fills_the_hashes_other_writers_left_empty(federated, new_id):
    zs = City(federated, "zhongshan")
    registered, imported, also_imported = new_id(), new_id(), new_id()
    for number in (registered, imported, also_imported):
        await zs.register(number, "EMPLOYEE", on=ON)
    db = federated.platform.db
    async with db.write(None) as session:
        await session.execute(update(PersonRow).where(PersonRow.id_number.in_([imported, also_imported]))
                              .values(id_hash=None))
    reps = [person_ref(n) for n in (registered, imported, also_imported)] + [
        {"__typename": "Person", "idHash": "0" * 64}]
    found = await federated(ENTITIES, {"representations": reps}, token=federated.token("integrator"), today=ON)
    assert found.errors is None
    assert [p and p["idHash"] for p in found.data["_entities"]] == [
        integrator_hash(registered), integrator_hash(imported), integrator_hash(also_imported), None]
    async with db.read() as session:
        stored = dict((await session.execute(select(PersonRow.id_number, PersonRow.id_hash))).all())
    assert stored[imported] == integrator_hash(imported) and stored[also_imported] == integrator_hash(also_imported)
