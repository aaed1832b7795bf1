"""RF-1 through GraphQL on SQLite and PostgreSQL: every type's materials (一次性告知), the dated
Kaiping exemption, validity, emergencies, referrals, maternity, destinations, and one filing at a time."""

from __future__ import annotations

import asyncio

import pytest

from .filing_support import (
    BEIJING,
    COMMITMENT,
    FILE,
    FORM,
    GUANGZHOU,
    HOUSEHOLD,
    IDENTITY,
    LONG_TERM,
    approved,
    codes,
    file,
    read,
)
from .support import counts

ITEM = """query($code: String!, $city: String) { serviceItem(code: $code, city: $city) {
  code materials { id text anyOf substitutes { name } condition { code } } localRules { city text } } }"""

# RF-1: per type, the requirements a person with nothing in hand is told about at once (seed 002).
PROVINCE_GAPS = {
    "RETIREE_RESETTLED": ("GD-14", ["有效身份证件", FORM, HOUSEHOLD]),
    "LONG_TERM_RESIDENT": ("GD-15", ["有效身份证件", FORM, "居住证"]),
    "STATIONED_WORKER": ("GD-16", ["有效身份证件", FORM, "参保地工作单位派出凭证"]),
    "REFERRAL": ("GD-17", ["有效身份证件", FORM, "参保地规定的定点医疗机构开具的转诊转院单"]),
    "TEMPORARY": ("GD-18", ["有效身份证件", FORM]),
    "MATERNITY": ("GD-19", ["有效身份证件", "《广东省异地就医生育保险登记备案表》"]),
}


@pytest.fixture
async def zs_person(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2023-01-05")
    return pid


@pytest.fixture
async def kp_person(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, on="2023-01-05")
    return pid


async def test_rf1_each_type_names_every_missing_material_at_once(zhongshan, yibao_platform, zs_person):
    rows = await counts(yibao_platform)
    for type_, (_item, names) in PROVINCE_GAPS.items():
        body = await file(zhongshan, zs_person, type_, GUANGZHOU, [], on="2026-03-02")
        assert body["filing"] is None and body["application"] is None
        assert codes(body) == ["MATERIALS_MISSING"] * len(names), (type_, body["errors"])
        for name, error in zip(names, body["errors"]):
            assert name in error["message"], (type_, name, error["message"])
    long_term = await file(zhongshan, zs_person, "LONG_TERM_RESIDENT", GUANGZHOU, [], on="2026-03-02")
    assert "个人承诺书" in long_term["errors"][2]["message"]  # the substitute is named too (SC-5)
    assert await counts(yibao_platform) == rows


async def test_rf1_each_type_is_accepted_with_its_materials_and_files_its_catalogue_item(zhongshan, zs_person):
    complete = {
        "RETIREE_RESETTLED": [IDENTITY, FORM, HOUSEHOLD],
        "LONG_TERM_RESIDENT": ["社会保障卡", FORM, "房产证"],  # 任选其一 on both requirements
        "STATIONED_WORKER": ["医保电子凭证", FORM, "异地工作劳动合同"],
        "REFERRAL": [IDENTITY, FORM, "参保地规定的定点医疗机构开具的转诊转院单"],
        "TEMPORARY": [IDENTITY, FORM],
        "MATERNITY": [IDENTITY, "《广东省异地就医生育保险登记备案表》"],
    }
    for type_, materials in complete.items():
        body = await file(zhongshan, zs_person, type_, BEIJING if type_ != "MATERNITY" else GUANGZHOU, materials,
                          on="2026-03-02")
        assert body["errors"] == [], (type_, body["errors"])
        assert body["filing"]["status"] == "SUBMITTED"
        assert body["filing"]["application"]["itemCode"] == PROVINCE_GAPS[type_][0]
        if type_ == "RETIREE_RESETTLED":  # one long-term filing at a time: cancel before the next
            assert (await zhongshan.client(
                "mutation($id: ID!) { cancelRemoteFiling(input: { filingId: $id }) { errors { code } } }",
                {"id": body["filing"]["id"]}, token=zhongshan.agency, today="2026-03-02",
            )).data["cancelRemoteFiling"]["errors"] == []
        if type_ == "LONG_TERM_RESIDENT":
            await zhongshan.client(
                "mutation($id: ID!) { cancelRemoteFiling(input: { filingId: $id }) { errors { code } } }",
                {"id": body["filing"]["id"]}, token=zhongshan.agency, today="2026-03-02")


async def test_rf1_kaiping_wording_overrides_the_province_items(yibao_client, kaiping, kp_person):
    province = (await yibao_client(ITEM, {"code": "GD-16"})).data["serviceItem"]
    local = (await yibao_client(ITEM, {"code": "GD-16", "city": "jiangmen_kaiping"})).data["serviceItem"]
    assert "参保地工作单位派出证明" not in province["materials"][2]["anyOf"]
    assert local["materials"][2]["anyOf"][:3] == ["参保地工作单位派出证明", "异地工作单位证明", "工作合同"]
    assert local["materials"][2]["substitutes"] == [{"name": "个人承诺书"}]
    assert local["localRules"][0]["city"] == "jiangmen_kaiping"
    temporary = (await yibao_client(ITEM, {"code": "GD-18", "city": "jiangmen_kaiping"})).data["serviceItem"]
    assert [m["condition"] for m in temporary["materials"]].count(None) == 1  # an ID only (seed 003)
    listed = (await yibao_client('{ serviceItems(city: "jiangmen_kaiping") { code materials { anyOf } } }')).data
    gd16 = next(i for i in listed["serviceItems"] if i["code"] == "GD-16")
    assert "工作合同" in gd16["materials"][2]["anyOf"]
    # Kaiping's wording is accepted when filing; a temporary cross-province filing needs only an ID.
    body = await file(kaiping, kp_person, "STATIONED_WORKER", BEIJING, [IDENTITY, FORM, "工作合同"], on="2026-03-02")
    assert body["errors"] == [] and body["filing"]["basis"] == "MATERIALS"
    referral = await file(kaiping, kp_person, "REFERRAL", BEIJING, [], on="2026-03-02")
    assert codes(referral) == ["MATERIALS_MISSING"] * 2  # ID and the referral certificate, no form
    assert "具有转诊资质的定点医疗机构开具的转诊转院证明材料" in referral["errors"][1]["message"]
    temporary_filed = await file(kaiping, kp_person, "TEMPORARY", BEIJING, ["社会保障卡"], on="2026-03-02")
    assert temporary_filed["errors"] == []


async def test_rf1_temporary_in_province_not_needed_in_kaiping_from_2023_07_01(kaiping, zhongshan, yibao_platform,
                                                                           kp_person, zs_person):
    rows = await counts(yibao_platform)
    body = await file(kaiping, kp_person, "TEMPORARY", GUANGZHOU, [IDENTITY], on="2023-07-01")
    assert codes(body) == ["FILING_NOT_NEEDED"] and body["filing"] is None
    assert "2023年7月1日" in body["errors"][0]["message"]
    later = await file(kaiping, kp_person, "TEMPORARY", GUANGZHOU, [IDENTITY], on="2023-06-20", startOn="2023-07-01")
    assert codes(later) == ["FILING_NOT_NEEDED"]  # judged as of the day the treatment starts
    assert await counts(yibao_platform) == rows
    before = await file(kaiping, kp_person, "TEMPORARY", GUANGZHOU, [IDENTITY], on="2023-06-30")
    assert before["errors"] == [] and before["filing"]["status"] == "SUBMITTED"
    # The exemption is Kaiping's (seed 003); the province's item GD-18 still applies to Zhongshan.
    zs = await file(zhongshan, zs_person, "TEMPORARY", GUANGZHOU, [IDENTITY, FORM], on="2023-07-03")
    assert zs["errors"] == []


async def test_rf1_cross_province_temporary_is_valid_six_months(zhongshan, zs_person):
    filing = await approved(zhongshan, zs_person, "TEMPORARY", BEIJING, [IDENTITY, FORM], on="2026-03-02")
    assert (filing["validFrom"], filing["validUntil"]) == ("2026-03-02", "2026-09-01")
    assert filing["lockedUntil"] is None and filing["basis"] is None
    assert (await read(zhongshan, filing["id"], on="2026-09-01"))["status"] == "ACTIVE"
    assert (await read(zhongshan, filing["id"], on="2026-09-02"))["status"] == "EXPIRED"  # computed from dates
    assert filing["benefitAdjustments"]["inpatientRatioPoints"] == 0  # RF-5: temporary changes nothing
    assert filing["benefitAdjustments"]["localGeneralOutpatient"] is True


async def test_rf1_an_emergency_is_deemed_filed_without_review(zhongshan, yibao_platform, zs_person):
    before = await counts(yibao_platform)
    body = await file(zhongshan, zs_person, "EMERGENCY", BEIJING, [], on="2026-03-02", startOn="2026-02-28")
    assert body["errors"] == []
    filing = body["filing"]
    assert (filing["status"], filing["deemed"], filing["application"]) == ("ACTIVE", True, None)
    assert filing["validFrom"] == "2026-02-28"
    assert [h["status"] for h in filing["history"]] == ["SUBMITTED", "DEEMED_FILED"]
    after = await counts(yibao_platform)
    assert after["applications"] == before["applications"]  # no application needed


async def test_rf1_a_referral_is_filed_by_the_institution_and_takes_effect(zhongshan, yibao_client, zs_person):
    staff = yibao_client.token("institution", city="zhongshan")
    certificate = "参保地规定的定点医疗机构开具的转诊转院单"
    body = await file(zhongshan, zs_person, "REFERRAL", BEIJING, [IDENTITY, FORM, certificate], on="2026-03-02",
                      token=staff, channel="INSTITUTION")
    assert body["errors"] == [] and body["filing"]["status"] == "ACTIVE"
    assert body["application"]["status"] == "APPROVED"
    other = await file(zhongshan, zs_person, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02",
                       token=staff, channel="INSTITUTION")
    assert codes(other) == ["FILING_ROLE_NOT_ALLOWED"]


async def test_rf1_maternity_across_provinces_is_refused(zhongshan, yibao_platform, zs_person):
    rows = await counts(yibao_platform)
    form = "《广东省异地就医生育保险登记备案表》"
    body = await file(zhongshan, zs_person, "MATERNITY", BEIJING, [IDENTITY, form], on="2026-03-02")
    assert codes(body) == ["MATERNITY_IN_PROVINCE_ONLY"] and body["filing"] is None
    assert await counts(yibao_platform) == rows
    inside = await file(zhongshan, zs_person, "MATERNITY", GUANGZHOU, [IDENTITY, form], on="2026-03-02")
    assert inside["errors"] == []


@pytest.mark.parametrize("destination, code", [
    ("12345", "INVALID_DESTINATION"), ("", "INVALID_DESTINATION"), ("x" * 6, "INVALID_DESTINATION"),
    ("999999", "UNKNOWN_DESTINATION"),  # a NUL: BAD_USER_INPUT for every string (test_nul_inputs.py)
    ("440724", "UNKNOWN_DESTINATION"),  # 开平县, withdrawn in 1993
    ("442000", "DESTINATION_IS_HOME"), ("440000", "DESTINATION_IS_HOME"),
])
async def test_rf1_a_bad_or_own_city_destination_is_refused(zhongshan, yibao_platform, zs_person, destination, code):
    rows = await counts(yibao_platform)
    body = await file(zhongshan, zs_person, "LONG_TERM_RESIDENT", destination, [], on="2026-03-02")
    assert code in codes(body) and "MATERIALS_MISSING" in codes(body)  # every reason at once
    assert await counts(yibao_platform) == rows


async def test_rf1_a_destination_longer_than_a_division_code_is_refused_before_the_service(zhongshan, yibao_platform,
                                                                                           zs_person):
    rows = await counts(yibao_platform)
    result = await zhongshan.client(FILE, {"input": {"idNumber": zs_person, "type": "LONG_TERM_RESIDENT",
                                                     "destination": "x" * 100_000, "materials": []}},
                                    token=zhongshan.agency, today="2026-03-02")
    assert result.error_codes() == ["INPUT_TOO_LONG"]  # issue 10: no longer than its column (6)
    assert result.errors[0]["extensions"]["field"] == ["input", "destination"]
    assert await counts(yibao_platform) == rows


async def test_rf1_kaiping_insured_area_is_jiangmen(kaiping, kp_person):
    for destination in ("440783", "440703", "440700"):  # Kaiping, 蓬江区, 江门市
        body = await file(kaiping, kp_person, "LONG_TERM_RESIDENT", destination, LONG_TERM, on="2026-03-02")
        assert codes(body) == ["DESTINATION_IS_HOME"], destination
    assert (await file(kaiping, kp_person, "LONG_TERM_RESIDENT", "440604", LONG_TERM, on="2026-03-02"))["errors"] == []


async def test_rf1_a_concurrent_double_filing_leaves_one(zhongshan, yibao_platform, zs_person):
    rows = await counts(yibao_platform)
    first, second = await asyncio.gather(
        file(zhongshan, zs_person, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02"),
        file(zhongshan, zs_person, "RETIREE_RESETTLED", GUANGZHOU, COMMITMENT, on="2026-03-02"),
    )
    outcomes = sorted([codes(first), codes(second)])
    assert outcomes == [[], ["FILING_EXISTS"]]
    after = await counts(yibao_platform)
    assert after["remote_filings"] == rows["remote_filings"] + 1
    assert after["applications"] == rows["applications"] + 1
