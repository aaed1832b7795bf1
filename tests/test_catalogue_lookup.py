"""Catalogue look-up (SC-1, IN-3), through GraphQL on SQLite and PostgreSQL: item codes are
case-insensitive; search matches what people type (选点, 备案, 报销) across names, descriptions and
aliases, in 汉字 and pinyin; Zhongshan's public service points are listed."""

from __future__ import annotations

import pytest

from .support import submit

SEARCH = """query($s: String) { serviceItems(search: $s) { code } }"""


async def codes(yibao_client, term: str) -> set[str]:
    result = await yibao_client(SEARCH, {"s": term})
    assert result.errors is None, result.errors
    return {i["code"] for i in result.data["serviceItems"]}


async def test_sc1_item_codes_are_case_insensitive(yibao_client, zhongshan, new_id):
    item = (await yibao_client('{ serviceItem(code: " gd-22 ") { code name } }')).data["serviceItem"]
    assert item == {"code": "GD-22", "name": "普通门诊定点医疗机构选定"}
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    body = await submit(zhongshan, pid, "gd-20", ["身份证", "《门诊特定病种待遇认定申请表》", "病历资料"], on="2026-03-02")
    assert body.data["submitApplication"]["errors"] == []
    assert body.data["submitApplication"]["application"]["itemCode"] == "GD-20"


@pytest.mark.parametrize("term, expected", [
    ("选点", {"GD-21", "GD-22", "GD-25"}),
    ("xuandian", {"GD-21", "GD-22", "GD-25"}),
    ("备案", {"GD-14", "GD-15", "GD-16", "GD-17", "GD-18", "GD-19"}),
    ("beian", {"GD-14", "GD-15", "GD-16", "GD-17", "GD-18", "GD-19"}),
    ("报销", {"GD-23", "GD-24", "GD-31"}),
    ("baoxiao", {"GD-23", "GD-24", "GD-31"}),
    ("门特", {"GD-20", "GD-21"}),
])
async def test_sc1_search_finds_what_people_type(yibao_client, term, expected):
    found = await codes(yibao_client, term)
    assert expected <= found, (term, found)
    assert len(found) < 15  # a term narrows the catalogue


async def test_sc1_search_still_narrows_and_misses(yibao_client):
    assert await codes(yibao_client, "不存在的事项") == set()
    assert await codes(yibao_client, "zzzz") == set()


async def test_in3_zhongshan_service_points_are_listed(yibao_client):
    result = await yibao_client('{ agencies(city: "zhongshan") { name town kind phones } }')
    agencies = result.data["agencies"]
    names = {a["name"] for a in agencies}
    assert "中山市政务服务中心医保服务区" in names  # seed 000
    assert len([a for a in agencies if a["kind"] == "镇街医保经办窗口"]) == 23  # one per 镇街 (ZS-7)
    assert {a["town"] for a in agencies if a["town"]} >= {"石岐街道", "小榄镇"}
