"""Applications (SC-2..5, SE-5, ZS-6) through GraphQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from .support import IDENTITY, SHIQI_CENTRE, counts, review, submit

FILING_FORM = "《广东省异地就医登记备案表》"
HOUSEHOLD = "居民户口簿（户口簿首页和本人常住人口登记卡）"
APPLICATIONS = """query($status: ApplicationStatus, $item: String, $overdue: Boolean, $city: String) {
  applications(status: $status, itemCode: $item, overdue: $overdue, city: $city) {
    totalCount edges { node { id itemCode status overdue dueDate } } } }"""


@pytest.fixture
async def pid(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-05")
    return pid


async def test_sc3_every_missing_material_is_named_at_once(zhongshan, yibao_platform, pid):
    rows = await counts(yibao_platform)
    result = await submit(zhongshan, pid, "GD-14", [], on="2026-03-02")
    body = result.data["submitApplication"]
    assert body["application"] is None
    assert [e["code"] for e in body["errors"]] == ["MATERIALS_MISSING"] * 3  # 一次性告知
    messages = " ".join(e["message"] for e in body["errors"])
    for name in ("有效身份证件", "医保电子凭证", "社会保障卡", FILING_FORM, "个人承诺书"):
        assert name in messages, name
    assert all(e["messageEn"].startswith("missing material") for e in body["errors"])
    assert await counts(yibao_platform) == rows


async def test_sc5_alternatives_are_accepted(zhongshan, pid):
    for identity in ("社会保障卡", "医保电子凭证"):  # 任选其一
        body = (await submit(zhongshan, pid, "GD-14", [identity, FILING_FORM, HOUSEHOLD], on="2026-03-02")).data
        assert body["submitApplication"]["errors"] == []


async def test_sc5_a_commitment_letter_substitutes_and_is_recorded(zhongshan, pid):
    body = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, "个人承诺书"], on="2026-03-02")).data
    app = body["submitApplication"]["application"]
    assert body["submitApplication"]["errors"] == []
    assert [s["substitute"] for s in app["substitutions"]] == ["个人承诺书"]


async def test_sc4_a_proxy_without_authorization_is_refused(zhongshan, yibao_client, yibao_platform, pid):
    proxy = yibao_client.token("proxy", person=pid)
    rows = await counts(yibao_platform)
    body = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-03-02",
                         token=proxy)).data["submitApplication"]
    missing = " ".join(e["message"] for e in body["errors"])
    assert "授权委托书" in missing and "委托人及代理人身份证件原件" in missing
    assert await counts(yibao_platform) == rows
    ok = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD, "授权委托书", "委托人及代理人身份证件原件"],
                       on="2026-03-02", token=proxy)).data["submitApplication"]
    assert ok["errors"] == [] and ok["application"]["status"] == "SUBMITTED"


async def test_sc4_a_first_payment_needs_the_bank_account(zhongshan, pid):
    materials = [IDENTITY, "医药机构收费票据", "门急诊费用清单", "病历资料"]
    first = (await submit(zhongshan, pid, "GD-23", materials, on="2026-03-02",
                          details={"firstPayment": True})).data["submitApplication"]
    assert [e["code"] for e in first["errors"]] == ["MATERIALS_MISSING"]
    assert "参保人银行账户信息" in first["errors"][0]["message"]
    assert (await submit(zhongshan, pid, "GD-23", materials, on="2026-03-02")).data["submitApplication"]["errors"] == []


async def test_sc2_due_date_across_the_2026_national_day_holiday(zhongshan, pid):
    online = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-09-30")).data
    assert online["submitApplication"]["application"]["dueDate"] == "2026-10-09"  # 10-01..07 off, 2 working days
    window = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-09-30",
                           channel="WINDOW", token=zhongshan.agency)).data
    assert window["submitApplication"]["application"]["dueDate"] == "2026-09-30"  # 窗口即时办结


async def test_sc2_due_date_across_the_2026_spring_festival_with_an_adjusted_working_day(zhongshan, pid):
    body = (await submit(zhongshan, pid, "GD-02-2", [IDENTITY], on="2026-02-12", channel="WINDOW",
                         token=zhongshan.agency)).data["submitApplication"]
    # 5 working days: 02-13, 02-14 (Saturday, 调休), then 02-15..23 off, 02-24, 02-25, 02-26
    assert body["application"]["dueDate"] == "2026-02-26"
    assert body["application"]["calendarFallback"] is False


async def test_sc2_january_2027_falls_back_to_weekdays_and_says_so(zhongshan, pid):
    body = (await submit(zhongshan, pid, "GD-02-2", [IDENTITY], on="2026-12-30")).data["submitApplication"]
    app = body["application"]
    assert app["dueDate"] == "2027-01-06"  # 12-31, then 2027 counted Monday-Friday: 01-01, 01-04, 01-05, 01-06
    assert app["calendarFallback"] is True and "2027" in app["dueDateNote"]


async def test_sc2_an_operator_loaded_schedule_is_used(zhongshan, yibao_platform, pid):
    from datetime import date

    from yibao.core.auth import Actor, Role
    from yibao.core.catalogue.calendar import YearSchedule
    from yibao.core.platform import Call

    schedule = YearSchedule(year=2027, holidays=frozenset({date(2027, 1, 1)}), workdays=frozenset(),
                            source="测试用安排（非官方）")
    await yibao_platform.catalogue.load_schedule(Call(Actor(Role.ADMIN), date(2026, 12, 1)), schedule)
    app = (await submit(zhongshan, pid, "GD-02-2", [IDENTITY], on="2026-12-30")).data["submitApplication"]["application"]
    assert (app["dueDate"], app["calendarFallback"]) == ("2027-01-07", False)


async def test_review_approve_reject_and_return_with_every_missing_material(zhongshan, yibao_client, pid):
    app = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-03-02")).data
    app_id = app["submitApplication"]["application"]["id"]
    no_reason = (await review(zhongshan, app_id, "REJECT", on="2026-03-03")).data["reviewApplication"]
    assert [e["code"] for e in no_reason["errors"]] == ["REASON_REQUIRED"]
    unknown = (await review(zhongshan, app_id, "RETURN", on="2026-03-03", missing=["不存在的材料"])).data
    assert [e["code"] for e in unknown["reviewApplication"]["errors"]] == ["UNKNOWN_MATERIAL"]

    returned = (await review(zhongshan, app_id, "RETURN", on="2026-03-03",
                             missing=["授权委托书", FILING_FORM])).data["reviewApplication"]["application"]
    assert returned["status"] == "RETURNED"
    assert returned["events"][-1]["missingMaterials"] == ["授权委托书", FILING_FORM]
    assert returned["events"][-1]["actor"].startswith("agency:zhongshan")

    from .support import SUPPLEMENT

    partial = await yibao_client(SUPPLEMENT, {"input": {"applicationId": app_id, "materials": ["授权委托书"]}},
                                 token=zhongshan.person_token(pid), today="2026-03-04")
    assert [e["code"] for e in partial.data["supplementApplication"]["errors"]] == ["MATERIALS_MISSING"]
    again = await yibao_client(SUPPLEMENT, {"input": {"applicationId": app_id, "materials": ["授权委托书", FILING_FORM]}},
                               token=zhongshan.person_token(pid), today="2026-03-04")
    assert again.data["supplementApplication"]["application"]["status"] == "SUBMITTED"

    approved = (await review(zhongshan, app_id, "APPROVE", on="2026-03-05")).data["reviewApplication"]["application"]
    assert [e["status"] for e in approved["events"]] == ["SUBMITTED", "RETURNED", "SUBMITTED", "APPROVED"]
    twice = (await review(zhongshan, app_id, "REJECT", on="2026-03-06", reason="x")).data["reviewApplication"]
    assert [e["code"] for e in twice["errors"]] == ["NOT_UNDER_REVIEW"]


async def test_another_citys_agency_cannot_review(zhongshan, yibao_client, yibao_platform, pid):
    app_id = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-03-02")).data[
        "submitApplication"]["application"]["id"]
    rows = await counts(yibao_platform)
    # a person may not review at all: FORBIDDEN whatever the id
    assert (await review(zhongshan, app_id, "APPROVE", on="2026-03-03",
                         token=zhongshan.person_token(pid))).error_codes() == ["FORBIDDEN"]
    # another city's agency: answered exactly as an application that does not exist (no existence oracle)
    kaiping = yibao_client.token("agency", city="jiangmen_kaiping")
    theirs = await review(zhongshan, app_id, "APPROVE", on="2026-03-03", token=kaiping)
    missing = await review(zhongshan, "QXBwbGljYXRpb246OTk5OTk5", "APPROVE", on="2026-03-03", token=kaiping)
    assert theirs.errors is None and theirs.data == missing.data
    assert [e["code"] for e in theirs.data["reviewApplication"]["errors"]] == ["NOT_FOUND"]
    assert await counts(yibao_platform) == rows


async def test_queues_filter_by_status_item_and_overdue(zhongshan, yibao_client, pid, new_id):
    await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-03-02")
    await submit(zhongshan, pid, "GD-23", [IDENTITY, "医药机构收费票据", "门急诊费用清单", "病历资料"], on="2026-03-02")
    other = new_id()
    await zhongshan.register(other, on="2026-01-05")
    await submit(zhongshan, other, "GD-14", [IDENTITY, FILING_FORM, HOUSEHOLD], on="2026-03-10")

    agency = zhongshan.agency
    everything = await yibao_client(APPLICATIONS, {}, token=agency, today="2026-03-06")
    assert everything.data["applications"]["totalCount"] == 3
    filings = await yibao_client(APPLICATIONS, {"item": "GD-14"}, token=agency, today="2026-03-06")
    assert filings.data["applications"]["totalCount"] == 2
    late = await yibao_client(APPLICATIONS, {"overdue": True}, token=agency, today="2026-03-06")
    assert [(n["node"]["itemCode"], n["node"]["overdue"]) for n in late.data["applications"]["edges"]] == [("GD-14", True)]
    own = await yibao_client(APPLICATIONS, {}, token=zhongshan.person_token(other), today="2026-03-10")
    assert own.data["applications"]["totalCount"] == 1
    kaiping = await yibao_client(APPLICATIONS, {"city": "zhongshan"}, token=yibao_client.token("agency", city="jiangmen_kaiping"))
    assert kaiping.error_codes() == ["FORBIDDEN"]


async def test_zs6_portal_selection_is_an_application_whose_approval_creates_it(zhongshan, yibao_client, pid):
    from .support import APPLICATION_FIELDS

    result = await yibao_client(f"""mutation($input: SelectInstitutionInput!) {{ selectInstitution(input: $input) {{
        selection {{ id }} application {{ {APPLICATION_FIELDS} }} errors {{ code }} }} }}""",
                                {"input": {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": SHIQI_CENTRE,
                                           "channel": "GD_GOV_PORTAL", "idempotencyKey": "portal-1"}},
                                token=zhongshan.person_token(pid), today="2026-09-29")
    app = result.data["selectInstitution"]["application"]
    assert result.data["selectInstitution"]["selection"] is None
    assert (app["itemCode"], app["status"], app["dueDate"]) == ("GD-22", "SUBMITTED", "2026-10-08")  # 09-30, then 10-08 after 国庆
    assert result.data["selectInstitution"]["errors"] == []
    assert await zhongshan.selections(pid, on="2026-09-29") == []  # nothing takes effect before review
    repeat = await yibao_client("""mutation($input: SelectInstitutionInput!) { selectInstitution(input: $input) {
        application { id } } }""", {"input": {"idNumber": pid, "kind": "GENERAL_OUTPATIENT",
                                                  "institutionCode": SHIQI_CENTRE, "channel": "GD_GOV_PORTAL",
                                                  "idempotencyKey": "portal-1"}},
                                token=zhongshan.person_token(pid), today="2026-09-29")
    assert repeat.data["selectInstitution"]["application"]["id"] == app["id"]

    kaiping = await review(zhongshan, app["id"], "APPROVE", on="2026-09-30",
                           token=yibao_client.token("agency", city="jiangmen_kaiping"))
    assert [e["code"] for e in kaiping.data["reviewApplication"]["errors"]] == ["NOT_FOUND"]  # not its city's
    approved = (await review(zhongshan, app["id"], "APPROVE", on="2026-09-30")).data["reviewApplication"]
    assert approved["errors"] == []
    assert approved["application"]["status"] == "APPROVED" and approved["application"]["selectionId"]
    current = await zhongshan.selections(pid, on="2026-09-30")
    assert [(s["institution"]["code"], s["effectiveFrom"], s["application"]["id"]) for s in current] == [
        (SHIQI_CENTRE, "2026-09-29", app["id"])]  # ZS-2 on the day applied (SE-3), not the approval day
