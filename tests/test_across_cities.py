"""Issue 12, cross-city queries: one connection over several cities, each city read by its own
single-city service (ID-2 masking and city checks as there), ordered by city code then key, with
cursors that cross the boundary between two cities without losing or repeating a row."""

from __future__ import annotations

from yibao.core.testkit.ids import make_id_number

from .support import City

ON = "2026-05-04"
ACROSS = """
query($cities: [String!]!, $first: Int, $after: String) {
  personsAcrossCities(cities: $cities, first: $first, after: $after) {
    edges { cursor node { id idNumber name city { code } } } pageInfo { hasNextPage endCursor } totalCount
  }
}"""
SINGLE = """
query($city: String!, $after: String) {
  persons(city: $city, first: 100, after: $after) { edges { node { id idNumber name city { code } } } pageInfo { hasNextPage } }
}"""
INSTITUTIONS_ACROSS = """
query($cities: [String!]!, $first: Int, $after: String, $search: String, $level: InstitutionLevel) {
  institutionsAcrossCities(cities: $cities, first: $first, after: $after, search: $search, level: $level) {
    edges { cursor node { code city { code } } } pageInfo { hasNextPage endCursor } totalCount
  }
}"""
INSTITUTIONS = """
query($city: String!, $after: String, $search: String, $level: InstitutionLevel) {
  institutions(city: $city, first: 100, after: $after, search: $search, level: $level) {
    edges { cursor node { code city { code } } } pageInfo { hasNextPage endCursor }
  }
}"""
REGIONS = {"jiangmen_kaiping": "440783", "shenzhen": "440304", "zhongshan": "442000"}


async def register_people(client, per_city: dict[str, int]) -> None:
    sequence = 100
    for code, n in per_city.items():
        city = City(client, code)
        for _ in range(n):
            sequence += 1
            await city.register(make_id_number(REGIONS[code], "19850302", sequence), "RESIDENT", on=ON,
                                name=f"{code}-{sequence}")


async def walk(client, query: str, root: str, variables: dict, token: str | None = None) -> list[list[dict]]:
    """Every page of a connection, following endCursor."""
    pages, after = [], None
    while True:
        result = await client(query, {**variables, "after": after}, token=token, today=ON)
        assert result.errors is None, result.errors
        conn = result.data[root]
        pages.append(conn["edges"])
        assert len(pages) < 100
        if not conn["pageInfo"]["hasNextPage"]:
            assert conn["pageInfo"]["endCursor"] == (conn["edges"][-1]["cursor"] if conn["edges"] else None)
            return pages
        after = conn["pageInfo"]["endCursor"]


async def single_city(client, city: str, token: str) -> list[dict]:
    result = await client(SINGLE, {"city": city}, token=token, today=ON)
    assert result.errors is None, result.errors
    assert result.data["persons"]["pageInfo"]["hasNextPage"] is False
    return [e["node"] for e in result.data["persons"]["edges"]]


async def test_persons_across_cities_pages_cross_city_boundaries_in_a_stable_order(yibao_client):
    await register_people(yibao_client, {"zhongshan": 4, "jiangmen_kaiping": 3, "shenzhen": 2})
    token = yibao_client.token("integrator")
    expected = [p for code in sorted(REGIONS) for p in await single_city(yibao_client, code, token)]
    assert [p["city"]["code"] for p in expected] == ["jiangmen_kaiping"] * 3 + ["shenzhen"] * 2 + ["zhongshan"] * 4

    for first in (1, 2, 3, 4, 9, 10):
        pages = await walk(yibao_client, ACROSS, "personsAcrossCities",
                           {"cities": ["zhongshan", "shenzhen", "jiangmen_kaiping"], "first": first}, token)
        nodes = [e["node"] for page in pages for e in page]
        # no row missing, none repeated, the same order whatever the page size
        assert nodes == expected, first
        assert all(len(page) == first for page in pages[:-1])
        assert len(pages) == -(-len(expected) // first)  # hasNextPage is false exactly at the end

    # the listing order and repeats of the cities do not change the connection (nor its cursors)
    listed = await yibao_client(ACROSS, {"cities": ["shenzhen", "zhongshan", "jiangmen_kaiping", "zhongshan"],
                                         "first": 4}, token=token, today=ON)
    sorted_ = await yibao_client(ACROSS, {"cities": sorted(REGIONS), "first": 4}, token=token, today=ON)
    assert listed.data == sorted_.data
    assert listed.data["personsAcrossCities"]["totalCount"] == 9
    # a cursor from the middle of one list continues on the same list in the other order
    cursor = sorted_.data["personsAcrossCities"]["pageInfo"]["endCursor"]  # the 4th row: shenzhen's first
    rest = await yibao_client(ACROSS, {"cities": ["zhongshan", "shenzhen", "jiangmen_kaiping"], "first": 100,
                                       "after": cursor}, token=token, today=ON)
    assert [e["node"] for e in rest.data["personsAcrossCities"]["edges"]] == expected[4:]

    # two cities of three: only theirs, still in city-code order
    two = await walk(yibao_client, ACROSS, "personsAcrossCities", {"cities": ["zhongshan", "shenzhen"], "first": 2},
                     token)
    assert [e["node"] for page in two for e in page] == expected[3:]


async def test_persons_across_cities_mask_per_role_and_admit_integrators_and_admins_only(yibao_client):
    await register_people(yibao_client, {"zhongshan": 1, "jiangmen_kaiping": 1})
    cities = ["zhongshan", "jiangmen_kaiping"]
    for role in ("integrator", "admin"):
        token = yibao_client.token(role)
        result = await yibao_client(ACROSS, {"cities": cities, "first": 10}, token=token, today=ON)
        assert result.errors is None, result.errors
        nodes = [e["node"] for e in result.data["personsAcrossCities"]["edges"]]
        # ID-2: neither role sees an ID number in full; each city's rows as its single-city query shows them
        assert [n["idNumber"] for n in nodes] == ["4407**********" + n["idNumber"][-4:] for n in nodes[:1]] + [
            "4420**********" + n["idNumber"][-4:] for n in nodes[1:]]
        assert nodes == [p for code in sorted(cities) for p in await single_city(yibao_client, code, token)]
    refused = {
        "agency": yibao_client.token("agency", city="zhongshan"),
        "institution": yibao_client.token("institution", city="zhongshan"),
        "person": yibao_client.token("person", person=make_id_number("442000", "19850302", 102)),
    }
    for role, token in refused.items():
        result = await yibao_client(ACROSS, {"cities": cities}, token=token, today=ON)
        assert result.data is None and result.error_codes() == ["FORBIDDEN"], role
    anonymous = await yibao_client(ACROSS, {"cities": cities}, today=ON)
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]


async def test_across_cities_refuse_unknown_cities_empty_lists_and_foreign_cursors(yibao_client):
    await register_people(yibao_client, {"zhongshan": 2})
    token = yibao_client.token("integrator")
    unknown = await yibao_client(ACROSS, {"cities": ["zhongshan", "atlantis"]}, token=token, today=ON)
    assert unknown.error_codes() == ["UNKNOWN_CITY"] and unknown.data is None
    assert "atlantis" in unknown.errors[0]["message"]
    inst_unknown = await yibao_client(INSTITUTIONS_ACROSS, {"cities": ["atlantis"]}, today=ON)
    assert inst_unknown.error_codes() == ["UNKNOWN_CITY"]
    empty = await yibao_client(ACROSS, {"cities": []}, token=token, today=ON)
    assert empty.error_codes() == ["BAD_ARGUMENT"]
    too_many = await yibao_client(ACROSS, {"cities": ["zhongshan"], "first": 101}, token=token, today=ON)
    assert too_many.error_codes() == ["PAGE_SIZE_OUT_OF_RANGE"]

    single = await yibao_client("query { persons(city: \"zhongshan\", first: 1) { pageInfo { endCursor } } }",
                                token=token, today=ON)
    foreign = single.data["persons"]["pageInfo"]["endCursor"]
    wrong_kind = await yibao_client(ACROSS, {"cities": ["zhongshan"], "after": foreign}, token=token, today=ON)
    assert wrong_kind.error_codes() == ["INVALID_CURSOR"]
    page = await yibao_client(ACROSS, {"cities": ["zhongshan"], "first": 1}, token=token, today=ON)
    cursor = page.data["personsAcrossCities"]["pageInfo"]["endCursor"]
    other_cities = await yibao_client(ACROSS, {"cities": ["shenzhen"], "after": cursor}, token=token, today=ON)
    assert other_cities.error_codes() == ["INVALID_CURSOR"]


async def test_institutions_across_cities_match_the_single_city_lists_page_by_page(yibao_client):
    cities = ["zhongshan", "jiangmen_kaiping", "shenzhen"]
    for filters in ({"level": "LEVEL_1_OR_BELOW"}, {"search": "zhongxin"}, {}):
        expected = []
        for code in sorted(cities):
            pages = await walk(yibao_client, INSTITUTIONS, "institutions", {"city": code, **filters})
            expected += [e["node"] for page in pages for e in page]
        assert {n["city"]["code"] for n in expected} == set(cities), filters  # every city contributes
        first = 100 if not filters else 3
        pages = await walk(yibao_client, INSTITUTIONS_ACROSS, "institutionsAcrossCities",
                           {"cities": cities, "first": first, **filters})  # anonymous: reference data
        nodes = [e["node"] for page in pages for e in page]
        assert nodes == expected, filters
        assert len({n["code"] for n in nodes}) == len(nodes)
        counted = await yibao_client(INSTITUTIONS_ACROSS, {"cities": cities, "first": 1, **filters}, today=ON)
        assert counted.data["institutionsAcrossCities"]["totalCount"] == len(expected)
