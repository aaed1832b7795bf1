"""Shenzhen's 社康 binding (SZ-1..4) through GraphQL, each test on SQLite and PostgreSQL.

Shipped data (plugins/shenzhen/data): 香港大学深圳医院 (H44030000004) heads a SETTLEMENT_HOSPITAL
network with its 华为荔枝苑社康中心 (H44030000022); 深圳市罗湖医院集团长岭社区健康服务中心
(H44030302178) has no settlement hospital in the data. Institutions the shipped data lacks (a level-2
hospital, more 社康) are imported here the way an operator would (`yibao institutions import`).
"""

from __future__ import annotations

import pytest

from yibao.core.reference import institution_from_dict
from yibao.core.testkit.ids import make_id_number

from .support import City, counts, snapshot

HKU = "H44030000004"  # 香港大学深圳医院 (LEVEL_3, settlement hospital)
HKU_SHEKANG = "H44030000022"  # 香港大学深圳医院华为荔枝苑社康中心
CHANGLING = "H44030302178"  # 深圳市罗湖医院集团长岭社区健康服务中心
CHILDRENS = "H44030000008"  # 深圳市儿童医院 (LEVEL_3)
NANSHAN_PEOPLES = "H44030000011"  # 深圳市南山区人民医院 (settlement hospital)
# imported in the tests (test data, not shipped):
LEVEL_2 = "H44039900001"
HKU_SHEKANG_2 = "H44039900002"
NANSHAN_SHEKANG = "H44039900003"

IMPORTED = [
    {"code": LEVEL_2, "name": "测试区第二医院", "level": "LEVEL_2", "category": "医院", "division_code": "440306",
     "town": "宝安区", "services": ["GENERAL_OUTPATIENT"]},
    {"code": HKU_SHEKANG_2, "name": "测试港大第二社康", "level": "LEVEL_1_OR_BELOW", "category": "社区健康服务中心",
     "division_code": "440304", "town": "福田区",
     "networks": [{"kind": "SETTLEMENT_HOSPITAL", "id": HKU, "name": "香港大学深圳医院"}]},
    {"code": NANSHAN_SHEKANG, "name": "测试南山社康", "level": "LEVEL_1_OR_BELOW", "category": "社区健康服务中心",
     "division_code": "440305", "town": "南山区",
     "networks": [{"kind": "SETTLEMENT_HOSPITAL", "id": NANSHAN_PEOPLES, "name": "深圳市南山区人民医院"}]},
]


@pytest.fixture
async def sz(yibao_client, yibao_platform) -> City:
    items = [institution_from_dict(r, "shenzhen") for r in IMPORTED]
    assert await yibao_platform.institutions.import_institutions("shenzhen", items, source="import:test") == 3
    return City(yibao_client, "shenzhen")


SEQ = iter(range(100, 1000))


def pid(born: str = "19900101") -> str:
    return make_id_number("440303", born, next(SEQ))


def codes(result: dict) -> list[str]:
    return [e["code"] for e in result["errors"]]


async def bind(city: City, person: str, code: str, on: str) -> dict:
    return await city.select(person, code, on=on)


# --- SZ-1 / SZ-2: tier I need not bind and is covered everywhere -------------------------------

INSTITUTIONS_TOTAL = '{ institutions(city: "shenzhen", first: 1) { totalCount } }'


async def test_sz2_tier_one_is_covered_everywhere_without_binding_and_need_not_bind(sz):
    person = pid()
    await sz.register(person, "EMPLOYEE", tier=1, on="2026-05-04")
    covered = await sz.coverage(person, on="2026-05-04")
    total = (await sz.client(INSTITUTIONS_TOTAL)).data["institutions"]["totalCount"]
    assert len(covered) == total and {HKU, CHANGLING, LEVEL_2} <= {i["code"] for i in covered}
    refused = await bind(sz, person, CHANGLING, "2026-05-04")
    assert codes(refused) == ["SELECTION_NOT_REQUIRED"] and refused["selection"] is None
    # a tier II employee has no coverage before binding
    second = pid()
    await sz.register(second, "EMPLOYEE", tier=2, on="2026-05-04")
    assert await sz.coverage(second, on="2026-05-04") == []


async def test_sz1_tiers_are_checked_at_registration(sz):
    from .support import REGISTER

    answer = await sz.client(REGISTER, {"input": {"idNumber": pid(), "name": "档次", "city": "shenzhen",
                                                  "scheme": "EMPLOYEE", "tier": 3}}, token=sz.agency, today="2026-05-04")
    assert codes(answer.data["registerPerson"]) == ["INVALID_TIER"]


# --- SZ-2: one 社康; children under 14 also a hospital of level 2 or below ---------------------

async def test_sz2_a_child_binds_a_level_2_hospital_and_an_adult_is_refused_saying_why(sz, yibao_platform):
    child = pid("20180601")
    await sz.register(child, "RESIDENT", on="2026-05-04")
    done = await bind(sz, child, LEVEL_2, "2026-05-04")
    assert done["errors"] == [] and done["selection"]["institution"]["code"] == LEVEL_2
    assert done["selection"]["effectiveFrom"] == "2026-05-04"  # SZ-4: a first binding at once

    adult = pid("19900101")
    await sz.register(adult, "EMPLOYEE", tier=2, on="2026-05-04")
    before, rows = await counts(yibao_platform), await snapshot(yibao_platform)
    refused = await bind(sz, adult, LEVEL_2, "2026-05-04")
    assert codes(refused) == ["COMMUNITY_CENTRE_ONLY"]
    message = refused["errors"][0]
    assert "14周岁" in message["message"] and "36周岁" in message["message"] and "社康" in message["message"]
    assert "from age 14 only a 社康" in message["messageEn"] and "36" in message["messageEn"]
    assert await counts(yibao_platform) == before and await snapshot(yibao_platform) == rows

    # a child is refused a level-3 hospital, with the level as the reason
    level_3 = await bind(sz, child, CHILDRENS, "2026-05-04")
    assert codes(level_3) == ["HOSPITAL_LEVEL_TOO_HIGH"] and "三级医院" in level_3["errors"][0]["message"]


async def test_sz2_exactly_one_binding_a_second_choice_changes_it(sz):
    person = pid()
    await sz.register(person, "RESIDENT", on="2026-05-04")
    first = await bind(sz, person, CHANGLING, "2026-05-04")
    second = await bind(sz, person, HKU_SHEKANG, "2026-05-04")
    assert first["errors"] == [] and second["errors"] == []
    assert second["selection"]["replaces"] == first["selection"]["id"]


async def test_sz2_sz4_a_14th_birthday(sz):
    # born 2012-03-15: 13 on 2026-03-14, 14 on 2026-03-15 (age from the ID number's birth date)
    younger, older = pid("20120315"), pid("20120315")
    await sz.register(younger, "RESIDENT", on="2026-03-01")
    await sz.register(older, "RESIDENT", on="2026-03-01")
    assert (await bind(sz, younger, LEVEL_2, "2026-03-14"))["errors"] == []
    refused = await bind(sz, older, LEVEL_2, "2026-03-15")
    assert codes(refused) == ["COMMUNITY_CENTRE_ONLY"] and "14周岁" in refused["errors"][0]["message"]
    # SZ-4: the day before the birthday a child's change is immediate; on it, the cut-off applies
    change_young = await bind(sz, younger, CHANGLING, "2026-03-14")
    assert change_young["selection"]["effectiveFrom"] == "2026-03-14"
    assert (await bind(sz, older, CHANGLING, "2026-03-15"))["errors"] == []
    change_old = await bind(sz, older, HKU_SHEKANG, "2026-03-15")
    assert change_old["selection"]["effectiveFrom"] == "2026-04-01"


# --- SZ-4: the 20th --------------------------------------------------------------------------

async def test_sz4_both_sides_of_the_20th(sz):
    on_20th, on_21st = pid(), pid()
    for person in (on_20th, on_21st):
        await sz.register(person, "EMPLOYEE", tier=2, on="2026-05-04")
        assert (await bind(sz, person, CHANGLING, "2026-05-04"))["selection"]["effectiveFrom"] == "2026-05-04"
    by_20th = await bind(sz, on_20th, HKU_SHEKANG, "2026-05-20")
    after_20th = await bind(sz, on_21st, HKU_SHEKANG, "2026-05-21")
    assert by_20th["selection"]["effectiveFrom"] == "2026-06-01"
    assert after_20th["selection"]["effectiveFrom"] == "2026-07-01"
    history = await sz.selections(on_21st, on="2026-05-21", history=True)
    old = next(s for s in history if s["institution"]["code"] == CHANGLING)
    assert old["effectiveTo"] == "2026-06-30"  # the old binding runs until the change takes effect
    december = pid()
    await sz.register(december, "RESIDENT", on="2026-12-01")
    await bind(sz, december, CHANGLING, "2026-12-01")
    assert (await bind(sz, december, HKU_SHEKANG, "2026-12-28"))["selection"]["effectiveFrom"] == "2027-02-01"


RECORD = """
mutation($input: RecordPersonCategoryInput!) { recordPersonCategory(input: $input) { errors { code } } }"""


async def test_sz4_a_students_change_is_immediate(sz):
    student, other = pid("20050101"), pid("20050101")
    for person in (student, other):
        await sz.register(person, "RESIDENT", on="2026-05-04")
        await bind(sz, person, CHANGLING, "2026-05-04")
    recorded = await sz.client(RECORD, {"input": {"idNumber": student, "category": "STUDENT", "validFrom": "2026-05-01",
                                                  "validTo": "2026-07-31"}}, token=sz.agency, today="2026-05-04")
    assert recorded.data["recordPersonCategory"]["errors"] == []
    assert (await bind(sz, student, HKU_SHEKANG, "2026-05-25"))["selection"]["effectiveFrom"] == "2026-05-25"
    assert (await bind(sz, other, HKU_SHEKANG, "2026-05-25"))["selection"]["effectiveFrom"] == "2026-07-01"


# --- SZ-3: coverage through the settlement hospital --------------------------------------------

async def test_sz3_coverage_is_the_shekang_its_settlement_hospital_and_every_shekang_under_it(sz):
    person = pid()
    await sz.register(person, "EMPLOYEE", tier=2, on="2026-05-04")
    await bind(sz, person, HKU_SHEKANG, "2026-05-04")
    covered = {i["code"] for i in await sz.coverage(person, on="2026-05-04")}
    assert covered == {HKU_SHEKANG, HKU, HKU_SHEKANG_2}  # not the 南山 社康 of another settlement hospital
    # a 社康 whose settlement hospital is not in the data covers itself only (a stated data gap)
    alone = pid()
    await sz.register(alone, "RESIDENT", on="2026-05-04")
    await bind(sz, alone, CHANGLING, "2026-05-04")
    assert {i["code"] for i in await sz.coverage(alone, on="2026-05-04")} == {CHANGLING}
    # a child's hospital covers that hospital
    child = pid("20200101")
    await sz.register(child, "RESIDENT", on="2026-05-04")
    await bind(sz, child, LEVEL_2, "2026-05-04")
    assert {i["code"] for i in await sz.coverage(child, on="2026-05-04")} == {LEVEL_2}


NETWORK = """{ institutions(city: "shenzhen", network: {kind: SETTLEMENT_HOSPITAL, id: "H44030000004"}, first: 20) {
  edges { node { code networks { kind id name } } } } }"""


async def test_sz3_the_settlement_network_is_served_by_the_api(sz):
    members = (await sz.client(NETWORK)).data["institutions"]["edges"]
    assert [m["node"]["code"] for m in members] == [HKU, HKU_SHEKANG, HKU_SHEKANG_2]
    assert members[1]["node"]["networks"] == [{"kind": "SETTLEMENT_HOSPITAL", "id": HKU, "name": "香港大学深圳医院"}]


# --- SZ-4 settings: changed by configuration, without a code edit -------------------------------

@pytest.fixture
def cutoff_25(monkeypatch):
    monkeypatch.setenv("YIBAO_SETTING_SHENZHEN_CHANGE_CUTOFF_DAY", "25")
    monkeypatch.setenv("YIBAO_SETTING_SHENZHEN_IMMEDIATE_CHANGE_FOR_STUDENTS", "false")


PLUGINS = "{ plugins { city settings { name value source environmentVariable } } }"


async def test_sz4_a_setting_changed_by_configuration_changes_the_dates(cutoff_25, sz):
    shown = {p["city"]: p["settings"] for p in (await sz.client(PLUGINS)).data["plugins"]}["shenzhen"]
    assert {s["name"]: (s["value"], s["source"]) for s in shown} == {
        "change_cutoff_day": ("25", "ENVIRONMENT"), "immediate_change_under_age": ("14", "DEFAULT"),
        "immediate_change_for_students": ("false", "ENVIRONMENT")}
    person, student = pid(), pid("20050101")
    for p in (person, student):
        await sz.register(p, "RESIDENT", on="2026-05-04")
        await bind(sz, p, CHANGLING, "2026-05-04")
    await sz.client(RECORD, {"input": {"idNumber": student, "category": "STUDENT"}}, token=sz.agency, today="2026-05-04")
    # the 21st is now on or before the cut-off: next month, not the month after
    assert (await bind(sz, person, HKU_SHEKANG, "2026-05-21"))["selection"]["effectiveFrom"] == "2026-06-01"
    # students are no longer exempt: their change follows the cut-off too
    assert (await bind(sz, student, HKU_SHEKANG, "2026-05-26"))["selection"]["effectiveFrom"] == "2026-07-01"


def test_sz4_a_wrong_setting_stops_the_start_up(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'sz.db'}"
    env["YIBAO_SETTING_SHENZHEN_CHANGE_CUTOFF_DAY"] = "twentieth"
    out = subprocess.run([sys.executable, "-m", "yibao.schema.cli", "db", "upgrade"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "YIBAO_SETTING_SHENZHEN_CHANGE_CUTOFF_DAY: setting 'change_cutoff_day' must be an integer" in out.stderr
    assert "Traceback" not in out.stderr
