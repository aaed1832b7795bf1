"""一次性告知 with cases (SC-3, SC-5; seed 002 items 2 (三), 28, 29), through GraphQL on SQLite and
PostgreSQL: "病历资料（门诊）/出院记录（住院）" and "个人账户申办" are one of these, depending on the
case; the applicant names the case, and it decides both the materials and the time limit."""

from __future__ import annotations

import pytest

from .support import counts, submit

GD28 = ["身份证", "医院收费票据", "费用清单", "《信息采集表》"]
FORM = "《广东省医疗保障个账业务申请表》"
CASES = """query($code: String!) { serviceItem(code: $code) {
  cases { question options { code text timeLimit { kind days } materials } } } }"""


def codes(result) -> list[str]:
    assert result.errors is None, result.errors
    return [e["code"] for e in result.data["submitApplication"]["errors"]]


@pytest.fixture
async def employee(zhongshan, new_id) -> str:
    pid = new_id()
    await zhongshan.register(pid, "EMPLOYEE", on="2026-03-02")
    return pid


async def test_sc3_outpatient_or_inpatient_must_be_named_and_its_record_brought(zhongshan, yibao_platform, employee):
    rows = await counts(yibao_platform)
    body = await submit(zhongshan, employee, "GD-28", GD28, on="2026-03-03")  # neither record, no case
    assert codes(body) == ["CASE_REQUIRED"]
    assert "门诊" in body.data["submitApplication"]["errors"][0]["message"]
    both = await submit(zhongshan, employee, "GD-28", GD28, on="2026-03-03", details={"facts": ["outpatient", "inpatient"]})
    assert codes(both) == ["CASE_REQUIRED"]  # declaring facts does not bypass the case
    outpatient = await submit(zhongshan, employee, "GD-28", GD28, on="2026-03-03", details={"case": "outpatient"})
    assert codes(outpatient) == ["MATERIALS_MISSING"]
    assert "病历资料" in outpatient.data["submitApplication"]["errors"][0]["message"]
    assert await counts(yibao_platform) == rows
    inpatient = await submit(zhongshan, employee, "GD-28", [*GD28, "出院记录"], on="2026-03-03", details={"case": "住院"})
    assert codes(inpatient) == []


async def test_sc2_sc5_personal_account_opening_is_one_switch_for_materials_and_time_limit(zhongshan, employee):
    assert codes(await submit(zhongshan, employee, "GD-02-3", ["医保电子凭证", FORM], on="2026-03-03")) == ["CASE_REQUIRED"]
    opening = await submit(zhongshan, employee, "GD-02-3", ["医保电子凭证", FORM], on="2026-03-03",
                           details={"case": "personal_account_application"})
    assert codes(opening) == ["MATERIALS_MISSING"]  # 个人账户申办需凭有效身份证件办理
    assert "有效身份证件" in opening.data["submitApplication"]["errors"][0]["message"]
    ok = await submit(zhongshan, employee, "GD-02-3", ["身份证", FORM], on="2026-03-03",
                      details={"case": "个人账户申办"})
    assert codes(ok) == [] and ok.data["submitApplication"]["application"]["dueDate"] == "2026-03-13"  # 8 working days
    change = await submit(zhongshan, employee, "GD-02-3", ["医保电子凭证", FORM], on="2026-03-03",
                          details={"case": "personal_account_change"})
    assert codes(change) == [] and change.data["submitApplication"]["application"]["dueDate"] == "2026-04-15"  # 30


async def test_sc3_the_cases_are_visible_in_the_schema(yibao_client):
    item = (await yibao_client(CASES, {"code": "GD-02-3"})).data["serviceItem"]
    [case] = item["cases"]
    options = {o["code"]: o for o in case["options"]}
    assert options["personal_account_application"]["timeLimit"] == {"kind": "WORKING_DAYS", "days": 8}
    assert options["personal_account_application"]["materials"] == ["有效身份证件"]
    assert options["personal_account_change"]["timeLimit"]["days"] == 30
    visit = (await yibao_client(CASES, {"code": "GD-29"})).data["serviceItem"]["cases"][0]["options"]
    assert [(o["text"], o["materials"]) for o in visit] == [("门诊", ["病历资料"]), ("住院", ["出院记录"])]
    assert (await yibao_client(CASES, {"code": "GD-22"})).data["serviceItem"]["cases"] == []
