"""RF-4 (outpatient choices at the destination), RF-5 (benefits back home, computed) and RF-6
(unsettled costs) through GraphQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from .filing_support import (
    BEIJING,
    COMMITMENT,
    EXPLAINED,
    LONG_TERM,
    COMPLETE,
    approved,
    cancel,
    codes,
    decide,
    file,
    read,
)
from .support import SHIQI_CENTRE, counts

KP_A = "H44078300002"  # 开平市三埠街道办事处社区卫生服务中心 (一级及以下)
KP_A2 = "H44078300001"  # 开平市水口医院门诊部 (一级及以下)
KP_B = "H44078300101"  # 开平市中心医院 (二级)
KAIPING = "440783"


async def register(city, new_id, scheme="EMPLOYEE"):
    pid = new_id()
    await city.register(pid, scheme, on="2026-01-05")
    return pid


async def test_rf4_employee_choices_become_remote_selections_when_approved(zhongshan, yibao_platform, new_id):
    pid = await register(zhongshan, new_id)
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", KAIPING, LONG_TERM, on="2026-03-02",
                      outpatientInstitutionCodes=[KP_A, KP_B])
    assert body["errors"] == []
    assert await zhongshan.selections(pid, on="2026-03-02", kind="REMOTE") == []  # not before approval
    await decide(zhongshan, body["application"]["id"], "APPROVE", on="2026-03-03")
    filing = await read(zhongshan, body["filing"]["id"], on="2026-03-03")
    assert [(c["institutionCode"], c["level"]) for c in filing["outpatientChoices"]] == [
        (KP_A, "LEVEL_1_OR_BELOW"), (KP_B, "LEVEL_2")]
    remote = await zhongshan.selections(pid, on="2026-03-03", kind="REMOTE")
    assert sorted((s["institution"]["code"], s["slot"], s["status"], s["effectiveFrom"]) for s in remote) == [
        (KP_A, "REMOTE_LEVEL_1", "EFFECTIVE", "2026-03-03"), (KP_B, "REMOTE_LEVEL_2_3", "EFFECTIVE", "2026-03-03")]
    assert all(c["selectionId"] for c in filing["outpatientChoices"])
    covered = await zhongshan.coverage(pid, on="2026-03-03", kind="REMOTE")  # treated there under the filing
    assert [i["code"] for i in covered] == [KP_A, KP_B]
    # RF-4: the selections end when the filing ends (cancelled once the RF-2 lock has passed).
    assert (await cancel(zhongshan, filing["id"], on="2026-09-03"))["errors"] == []
    assert await zhongshan.selections(pid, on="2026-09-03", kind="REMOTE") == []
    ended = await zhongshan.selections(pid, on="2026-09-03", kind="REMOTE", history=True)
    assert {(s["status"], s["effectiveTo"]) for s in ended} == {("ENDED", "2026-09-02")}


@pytest.mark.parametrize("scheme, chosen, ok", [
    ("EMPLOYEE", [KP_A], True), ("EMPLOYEE", [KP_A, KP_B], True), ("EMPLOYEE", [KP_A, KP_A2], False),
    ("EMPLOYEE", [KP_B], False), ("RESIDENT", [KP_A], True), ("RESIDENT", [KP_A, KP_B], False),
    ("RESIDENT", [KP_B], False),
])
async def test_rf4_choices_by_scheme(zhongshan, yibao_platform, new_id, scheme, chosen, ok):
    pid = await register(zhongshan, new_id, scheme)
    rows = await counts(yibao_platform)
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", KAIPING, LONG_TERM, on="2026-03-02",
                      outpatientInstitutionCodes=chosen)
    if ok:
        assert body["errors"] == []
    else:
        assert codes(body) == ["REMOTE_CHOICE_NOT_ALLOWED"]
        assert await counts(yibao_platform) == rows


async def test_rf4_elsewhere_a_name_with_its_level_and_served_cities_by_code(zhongshan, new_id):
    pid = await register(zhongshan, new_id)
    named = [{"name": "北京市东城区社区卫生服务中心", "level": "LEVEL_1_OR_BELOW"},
             {"name": "北京协和医院", "level": "LEVEL_3"}]
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02", outpatientChoices=named)
    assert body["errors"] == []
    assert [(c["name"], c["institutionCode"]) for c in body["filing"]["outpatientChoices"]] == [
        ("北京市东城区社区卫生服务中心", None), ("北京协和医院", None)]
    other = await register(zhongshan, new_id)
    refused = await file(zhongshan, other, "LONG_TERM_RESIDENT", KAIPING, LONG_TERM, on="2026-03-02",
                         outpatientChoices=[{"name": "某医院", "level": "LEVEL_2"}],
                         outpatientInstitutionCodes=[SHIQI_CENTRE, "H00000000000"])
    assert sorted(codes(refused)) == ["INSTITUTION_CODE_REQUIRED", "NOT_FOUND", "REMOTE_CHOICE_OUTSIDE_DESTINATION"]
    temporary = await file(zhongshan, other, "TEMPORARY", KAIPING, ["有效身份证件", "《广东省异地就医登记备案表》"],
                           on="2026-03-02", outpatientInstitutionCodes=[KP_A])
    assert codes(temporary) == ["REMOTE_CHOICE_NOT_ALLOWED"]  # only a long-term filing carries choices


async def test_rf4_select_institution_remote_points_to_the_filing(zhongshan, new_id):
    pid = await register(zhongshan, new_id)
    body = await zhongshan.select(pid, KP_A, on="2026-03-02", kind="REMOTE")
    error = next(e for e in body["errors"] if e["code"] == "USE_REMOTE_FILING")
    assert "fileRemoteTreatment" in error["message"] and "fileRemoteTreatment" in error["messageEn"]


async def test_rf5_commitment_costs_20_points_and_home_outpatient_until_completed(zhongshan, yibao_client, new_id):
    pid = await register(zhongshan, new_id)
    assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-01-05"))["errors"] == []
    assert await zhongshan.coverage(pid, on="2026-03-01") != []
    filing = await approved(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, COMMITMENT, on="2026-03-02")
    assert filing["basis"] == "COMMITMENT"
    assert filing["application"]["itemCode"] == "GD-15"
    adj = filing["benefitAdjustments"]
    assert (adj["inpatientRatioPoints"], adj["localGeneralOutpatient"], adj["since"]) == (-20, False, "2026-03-02")
    assert await zhongshan.coverage(pid, on="2026-03-02") == []  # no general outpatient back home
    why = (await yibao_client(EXPLAINED, {"id": pid, "on": "2026-03-02"}, token=zhongshan.agency,
                              today="2026-03-02")).data["coverageExplained"]
    assert why["institutions"] == [] and [r["code"] for r in why["reasons"]] == ["REMOTE_FILING_COMMITMENT"]
    assert "20个百分点" in why["reasons"][0]["message"]
    # RF-5: the missing materials arrive on 2026-04-01; the upgrade dates from that day.
    missing = (await yibao_client(COMPLETE, {"id": filing["id"], "materials": []}, token=zhongshan.person_token(pid),
                                  today="2026-04-01")).data["completeRemoteFilingMaterials"]
    assert codes(missing) == ["MATERIALS_MISSING"] and "居住证" in missing["errors"][0]["message"]
    done = (await yibao_client(COMPLETE, {"id": filing["id"], "materials": ["居住证"]},
                               token=zhongshan.person_token(pid), today="2026-04-01")).data["completeRemoteFilingMaterials"]
    assert done["errors"] == [] and done["filing"]["materialsCompletedOn"] == "2026-04-01"
    after = await read(zhongshan, filing["id"], on="2026-04-01", later="2026-03-31")
    assert after["benefitAdjustments"] == {**after["benefitAdjustments"], "inpatientRatioPoints": -10,
                                           "localGeneralOutpatient": True, "since": "2026-04-01"}
    assert (after["later"]["inpatientRatioPoints"], after["later"]["localGeneralOutpatient"]) == (-20, False)
    assert after["history"][-1]["status"] == "MATERIALS_COMPLETED"
    assert [i["code"] for i in await zhongshan.coverage(pid, on="2026-04-01")] != []
    assert await zhongshan.coverage(pid, on="2026-03-31") == []  # judged as of the day asked
    again = (await yibao_client(COMPLETE, {"id": filing["id"], "materials": ["居住证"]},
                                token=zhongshan.agency, today="2026-04-02")).data["completeRemoteFilingMaterials"]
    assert codes(again) == ["NOT_BY_COMMITMENT"]


async def test_rf5_materials_cost_10_points_and_keep_home_outpatient(zhongshan, yibao_client, new_id):
    pid = await register(zhongshan, new_id)
    assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-01-05"))["errors"] == []
    filing = await approved(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02",
                            basis="MATERIALS")
    adj = filing["benefitAdjustments"]
    assert (filing["basis"], adj["inpatientRatioPoints"], adj["localGeneralOutpatient"]) == ("MATERIALS", -10, True)
    assert SHIQI_CENTRE in [i["code"] for i in await zhongshan.coverage(pid, on="2026-03-02")]
    why = (await yibao_client(EXPLAINED, {"id": pid, "on": "2026-03-02"}, token=zhongshan.agency,
                              today="2026-03-02")).data["coverageExplained"]
    assert why["reasons"] == []


async def test_rf5_a_basis_that_does_not_match_the_materials_is_refused(zhongshan, new_id):
    pid = await register(zhongshan, new_id)
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, COMMITMENT, on="2026-03-02", basis="MATERIALS")
    assert codes(body) == ["BASIS_MISMATCH"] and "居住证" in body["errors"][0]["message"]
    temporary = await file(zhongshan, pid, "TEMPORARY", BEIJING, ["有效身份证件", "《广东省异地就医登记备案表》"],
                           on="2026-03-02", basis="COMMITMENT")
    assert codes(temporary) == ["BASIS_NOT_APPLICABLE"]


async def test_rf6_unsettled_costs_point_to_manual_reimbursement(zhongshan, new_id):
    pid = await register(zhongshan, new_id)
    filing = await approved(zhongshan, pid, "TEMPORARY", BEIJING, ["有效身份证件", "《广东省异地就医登记备案表》"],
                            on="2026-03-02")
    costs = filing["unsettledCosts"]
    assert costs["itemCodes"] == ["GD-23", "GD-24"] and "手工（零星）报销" in costs["message"]
    assert [i["name"] for i in costs["items"]] == ["门诊费用报销", "住院费用报销"]
