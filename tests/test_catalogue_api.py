"""The catalogue through GraphQL (SC-1), and a city overriding items through a hook."""

from __future__ import annotations

import dataclasses
import types

import pytest

from yibao.core.catalogue.items import ProcessKind
from yibao.core.domain import CityInfo
from yibao.core.hookspecs import hookimpl

ITEM = """query($code: String!, $city: String) { serviceItem(code: $code, city: $city) {
  code name serves parentCode subItemCodes processKind fee evaluation notes accepting: acceptingUnits
  legalBasis { title documentNumber articles }
  channels { window online }
  timeLimit { kind days text }
  materials { id text anyOf substitutes { name consequence } condition { code text } }
  localRules { city text processKind steps } process } }"""


def five_step_city() -> types.ModuleType:
    """A city written in the test: follows seed 002's five steps for GD-12 and adds a note."""
    city = types.ModuleType("fivestep_city")

    @hookimpl
    def yibao_city():
        return CityInfo(code="fivestep", name="五步市", division_code="449901")

    @hookimpl
    def yibao_service_item(item):
        if item.code != "GD-12":
            return item
        steps = ("申请", "受理", "审核", "拨付", "办结")
        return dataclasses.replace(item, process=steps, process_kind=ProcessKind.APPLY_ACCEPT_REVIEW_PAY_CLOSE,
                                   notes=(*item.notes, "本市按当地规定执行（测试）"))

    city.yibao_city, city.yibao_service_item = yibao_city, yibao_service_item
    return city


@pytest.fixture
def yibao_extra_plugins():
    return [five_step_city()]


async def test_sc1_every_item_is_served(yibao_client):
    result = await yibao_client("{ serviceItems { code name timeLimit { kind days } materials { anyOf } } }")
    codes = [i["code"] for i in result.data["serviceItems"]]
    assert {f"GD-{n:02d}" for n in range(1, 36)} <= set(codes)
    assert {"GD-02-1", "GD-02-2", "GD-02-3", "GD-02-4"} <= set(codes)


async def test_sc1_an_item_with_every_field(yibao_client):
    item = (await yibao_client(ITEM, {"code": "GD-22"})).data["serviceItem"]
    assert item["name"] == "普通门诊定点医疗机构选定"
    assert item["timeLimit"] == {"kind": "WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS", "days": 2, "text": "窗口即时办结/线上不超过2个工作日"}
    assert item["legalBasis"][0]["documentNumber"] == "粤府办发〔2021〕56号"
    identity = item["materials"][0]
    assert identity["anyOf"] == ["有效身份证件", "医保电子凭证", "社会保障卡"]  # 任选其一
    proxy = [m for m in item["materials"] if m["condition"] and m["condition"]["code"] == "proxy"]
    assert {m["anyOf"][0] for m in proxy} == {"授权委托书", "委托人及代理人身份证件原件"}


async def test_sc5_substitutes_are_served(yibao_client):
    item = (await yibao_client(ITEM, {"code": "GD-14"})).data["serviceItem"]
    assert any(s["name"] == "个人承诺书" for m in item["materials"] for s in m["substitutes"])


async def test_search_by_name(yibao_client):
    result = await yibao_client('{ serviceItems(search: "备案") { code name } }')
    names = [i["name"] for i in result.data["serviceItems"]]
    assert "异地安置退休人员备案" in names and all("备案" in n for n in names)


async def test_a_city_overrides_an_item_through_the_hook(yibao_client):
    provincial = (await yibao_client(ITEM, {"code": "GD-12"})).data["serviceItem"]
    local = (await yibao_client(ITEM, {"code": "GD-12", "city": "fivestep"})).data["serviceItem"]
    other = (await yibao_client(ITEM, {"code": "GD-12", "city": "zhongshan"})).data["serviceItem"]
    assert local["process"] == ["申请", "受理", "审核", "拨付", "办结"]
    assert local["processKind"] == "APPLY_ACCEPT_REVIEW_PAY_CLOSE"
    assert local["notes"][-1] == "本市按当地规定执行（测试）"
    assert provincial == other and provincial["process"] != local["process"]
    assert provincial["localRules"] == []  # the province's data names no city's rule (issue 8)


async def test_yibao_service_item_is_an_adjusting_hook_listed_by_plugins(yibao_client):
    plugins = (await yibao_client("{ plugins { city hooks } }")).data["plugins"]
    assert "yibao_service_item" in next(p for p in plugins if p["city"] == "fivestep")["hooks"]
