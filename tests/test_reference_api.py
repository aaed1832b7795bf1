"""Reference data through GraphQL: cities, institutions (IN-2), agencies (IN-3), plugins, node."""

from __future__ import annotations

import pytest

SEARCH = """query($city: String!, $search: String, $town: String, $level: InstitutionLevel, $first: Int, $after: String) {
  institutions(city: $city, search: $search, town: $town, level: $level, first: $first, after: $after) {
    totalCount edges { cursor node { id code name town level category city { code } } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_cities(yibao_client):
    result = await yibao_client("{ cities { code name divisionCode towns { name code } } }")
    cities = {c["code"]: c for c in result.data["cities"]}
    assert set(cities) == {"zhongshan", "jiangmen_kaiping", "shenzhen"}
    assert (cities["zhongshan"]["name"], cities["zhongshan"]["divisionCode"]) == ("中山市", "442000")
    assert cities["jiangmen_kaiping"]["divisionCode"] == "440783"
    # ZS-7: the 23 镇街 with their 2023 codes
    towns = {t["name"]: t["code"] for t in cities["zhongshan"]["towns"]}
    assert len(towns) == 23 and towns["石岐街道"] == "442000001" and towns["小榄镇"] == "442000118"
    assert len(cities["jiangmen_kaiping"]["towns"]) == 16  # KP-8


@pytest.mark.parametrize("term", ["石岐", "shiqi", "ShiQi", "sq", "shi qi"])
async def test_in2_search_by_hanzi_pinyin_and_initials(yibao_client, term):
    result = await yibao_client(SEARCH, {"city": "zhongshan", "search": term})
    names = {e["node"]["name"] for e in result.data["institutions"]["edges"]}
    assert "中山市石岐街道社区卫生服务中心" in names, (term, names)


async def test_in2_filters_by_town_and_level(yibao_client):
    town = await yibao_client(SEARCH, {"city": "zhongshan", "town": "石岐街道"})
    assert {e["node"]["name"] for e in town.data["institutions"]["edges"]} == {
        "中山市石岐街道社区卫生服务中心", "中山市苏华赞医院"}
    b_group = await yibao_client(SEARCH, {"city": "jiangmen_kaiping", "level": "LEVEL_2"})
    assert {e["node"]["name"] for e in b_group.data["institutions"]["edges"]} == {
        "开平市中心医院", "开平市中医院", "开平市第二人民医院"}


async def test_pagination_walks_every_institution_once(yibao_client):
    seen, after, pages = [], None, 0
    while True:
        result = await yibao_client(SEARCH, {"city": "jiangmen_kaiping", "first": 7, "after": after})
        conn = result.data["institutions"]
        seen += [e["node"]["code"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert conn["totalCount"] == 30 == len(seen) == len(set(seen))  # seed 001: 30 institutions
    assert pages == 5 and seen == sorted(seen)


async def test_in3_kaiping_agencies_with_phones_and_hours(yibao_client):
    result = await yibao_client('{ agencies(city: "jiangmen_kaiping") { name phones hours town contacts { number purpose } } }')
    agencies = {a["name"]: a for a in result.data["agencies"]}
    assert agencies["开平市医疗保障事业管理中心"]["phones"] == ["0750-2256983", "0750-2259876"]  # KP-7, with the area code
    assert "8:30" in agencies["开平市医疗保障事业管理中心"]["hours"] and "17:30" in agencies["开平市医疗保障事业管理中心"]["hours"]
    tangkou = {c["number"]: c["purpose"] for c in agencies["塘口镇党群服务中心"]["contacts"]}
    assert tangkou == {"0750-2671063": "报销业务", "0750-2676188": "参保业务"}
    assert len(agencies) == 17


async def test_plugins_lists_three_cities_with_their_hooks(yibao_client):
    result = await yibao_client("{ plugins { name version city hooks ruleSets { id rules } } }")
    plugins = {p["city"]: p for p in result.data["plugins"]}
    assert {"zhongshan", "jiangmen_kaiping", "shenzhen", None} == set(plugins)
    assert {"yibao_city", "yibao_reference_data", "yibao_selection_slots", "yibao_validate_selection",
            "yibao_change_effective_date", "yibao_coverage"} <= set(plugins["zhongshan"]["hooks"])
    assert plugins["zhongshan"]["ruleSets"][0]["rules"][:2] == ["ZS-1", "ZS-2"]
    assert plugins[None]["name"] == "province-defaults"
    assert all(p["version"] for p in result.data["plugins"])


async def test_node_fetches_by_global_id(yibao_client):
    first = await yibao_client(SEARCH, {"city": "zhongshan", "search": "sq", "first": 1})
    node = first.data["institutions"]["edges"][0]["node"]
    fetched = await yibao_client("query($id: ID!) { node(id: $id) { id ... on Institution { code } } }", {"id": node["id"]})
    assert fetched.data["node"] == {"id": node["id"], "code": node["code"]}
    city = await yibao_client('{ node(id: "Q2l0eTp6aG9uZ3NoYW4") { ... on City { code } } }')
    assert city.data["node"] == {"code": "zhongshan"}


async def test_unknown_city_is_a_clear_error(yibao_client):
    result = await yibao_client(SEARCH, {"city": "guangzhou"})
    assert result.error_codes() == ["UNKNOWN_CITY"]
