"""Reviewed selection channels (ZS-3, ZS-4, ZS-6, SE-3, SE-5): a request sent through 广东政务服务网
is judged as of the day the person applied, through GraphQL, on SQLite and PostgreSQL.

Dating an approval (seed 000: "自办理变更手续的次月1日生效"; SE-3): the person 办理s the change on
the day they apply, so a change approved later still takes effect on the 1st of the month after
the application month, even when staff approve it after that day (the record is then dated back).
A first choice (ZS-2, "首次选点立即生效") takes effect on the application day.
"""

from __future__ import annotations

import pytest

from .support import APPLICATION_FIELDS, DONGQU_CENTRE, SHIQI_CENTRE, counts, snapshot

XIQU_CENTRE = "H44200110004"  # 中山市西区街道社区卫生服务中心

PORTAL_SELECT = f"""mutation($input: SelectInstitutionInput!) {{ selectInstitution(input: $input) {{
    selection {{ id }} application {{ {APPLICATION_FIELDS} selectionRequest {{ kind appliedOn status reason slot
      institution {{ code }} replaces }} }} errors {{ code field message messageEn }} }} }}"""

WITHDRAW_APPLICATION = f"""mutation($id: ID!) {{ withdrawApplication(input: {{ applicationId: $id }}) {{
    application {{ {APPLICATION_FIELDS} selectionRequest {{ status }} }} errors {{ code field message messageEn }} }} }}"""


REVIEW = f"""mutation($input: ReviewApplicationInput!) {{ reviewApplication(input: $input) {{
    application {{ {APPLICATION_FIELDS} selectionRequest {{ status reason appliedOn decidedOn }} }}
    errors {{ code field message messageEn }} }} }}"""


async def review(city, application_id: str, decision: str, *, on: str):
    return await city.client(REVIEW, {"input": {"applicationId": application_id, "decision": decision}},
                             token=city.agency, today=on)


async def portal(zhongshan, pid: str, code: str, *, on: str, replaces: str | None = None) -> dict:
    payload = {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": code, "channel": "GD_GOV_PORTAL"}
    if replaces:
        payload["replacesSelectionId"] = replaces
    result = await zhongshan.client(PORTAL_SELECT, {"input": payload}, token=zhongshan.person_token(pid), today=on)
    assert result.errors is None, result.errors
    return result.data["selectInstitution"]


@pytest.fixture
async def selected(zhongshan, new_id) -> tuple[str, dict]:
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-05")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-01-05"))["selection"]
    return pid, first


async def test_zs3_se3_portal_change_is_dated_from_the_application_day(zhongshan, selected):
    pid, first = selected
    sent = await portal(zhongshan, pid, DONGQU_CENTRE, on="2026-02-20")
    assert sent["errors"] == [] and sent["application"]["status"] == "SUBMITTED"
    request = sent["application"]["selectionRequest"]  # the typed record behind the application
    assert (request["appliedOn"], request["status"], request["institution"]["code"], request["replaces"]) == (
        "2026-02-20", "PENDING", DONGQU_CENTRE, first["id"])

    # staff approve in March, after the 1st of the month following the application month
    approved = (await review(zhongshan, sent["application"]["id"], "APPROVE", on="2026-03-03")).data["reviewApplication"]
    assert approved["errors"] == [] and approved["application"]["status"] == "APPROVED"
    history = {s["institution"]["code"]: s for s in await zhongshan.selections(pid, on="2026-03-03", history=True)}
    assert history[DONGQU_CENTRE]["effectiveFrom"] == "2026-03-01"  # ZS-3 from February's application, not April
    assert history[SHIQI_CENTRE]["effectiveTo"] == "2026-02-28"


async def test_zs2_se3_portal_first_choice_takes_effect_on_the_application_day(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-09-01")
    sent = await portal(zhongshan, pid, SHIQI_CENTRE, on="2026-09-29")
    await review(zhongshan, sent["application"]["id"], "APPROVE", on="2026-09-30")
    [sel] = await zhongshan.selections(pid, on="2026-09-30")
    assert (sel["effectiveFrom"], sel["application"]["id"]) == ("2026-09-29", sent["application"]["id"])


async def test_zs4_a_pending_portal_change_counts_as_this_months_change(zhongshan, yibao_platform, selected):
    pid, _ = selected
    assert (await portal(zhongshan, pid, DONGQU_CENTRE, on="2026-02-10"))["errors"] == []
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    body = await zhongshan.select(pid, XIQU_CENTRE, on="2026-02-12")  # 粤医保, same month
    assert "CHANGE_LIMIT_REACHED" in [e["code"] for e in body["errors"]]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state


async def test_zs4_a_person_may_withdraw_a_pending_portal_application(zhongshan, yibao_client, selected):
    pid, first = selected
    sent = await portal(zhongshan, pid, DONGQU_CENTRE, on="2026-02-10")
    app_id = sent["application"]["id"]
    other = yibao_client.token("person", person="442000199001011233")
    forbidden = await yibao_client(WITHDRAW_APPLICATION, {"id": app_id}, token=other, today="2026-02-11")
    assert forbidden.errors is None  # another person's application answers as a missing one (no oracle by id)
    assert [e["code"] for e in forbidden.data["withdrawApplication"]["errors"]] == ["NOT_FOUND"]
    done = await yibao_client(WITHDRAW_APPLICATION, {"id": app_id}, token=zhongshan.person_token(pid), today="2026-02-11")
    body = done.data["withdrawApplication"]
    assert body["errors"] == []
    assert body["application"]["status"] == "WITHDRAWN" and body["application"]["selectionRequest"]["status"] == "WITHDRAWN"
    # withdrawn, it no longer counts toward ZS-4: a change through 粤医保 the same month is accepted
    change = await zhongshan.select(pid, XIQU_CENTRE, on="2026-02-12")
    assert change["errors"] == [] and change["selection"]["replaces"] == first["id"]
    again = await yibao_client(WITHDRAW_APPLICATION, {"id": app_id}, token=zhongshan.person_token(pid), today="2026-02-12")
    assert [e["code"] for e in again.data["withdrawApplication"]["errors"]] == ["NOT_PENDING"]
    # nor can staff approve a withdrawn application
    late = (await review(zhongshan, app_id, "APPROVE", on="2026-02-13")).data["reviewApplication"]
    assert [e["code"] for e in late["errors"]] == ["NOT_UNDER_REVIEW"]


async def test_se3_an_older_portal_request_never_replaces_a_newer_choice(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    sent = await portal(zhongshan, pid, SHIQI_CENTRE, on="2026-05-04")  # first choice, waiting for review
    newer = (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-05"))["selection"]  # then 粤医保, at once
    assert newer["status"] == "EFFECTIVE"
    state = await snapshot(yibao_platform)

    reviewed = (await review(zhongshan, sent["application"]["id"], "APPROVE", on="2026-05-06")).data["reviewApplication"]
    # a refusal meant for the person ends the application with its reason; the reviewer is not refused
    assert reviewed["errors"] == []
    app = reviewed["application"]
    assert app["status"] == "REJECTED" and app["selectionId"] is None
    assert app["selectionRequest"]["status"] == "REJECTED"
    reason = app["events"][-1]["reason"]
    assert app["events"][-1]["status"] == "REJECTED" and "中山市东区街道社区卫生服务中心" in reason
    assert "REQUEST_SUPERSEDED" not in reason and "_" not in reason  # words, not codes (point 11)
    assert await snapshot(yibao_platform) == state  # the newer choice stands
    current = await zhongshan.selections(pid, on="2026-05-06")
    assert [s["institution"]["code"] for s in current] == [DONGQU_CENTRE]


async def test_se3_a_portal_change_whose_record_was_ended_is_rejected_with_its_reason(zhongshan, selected):
    pid, first = selected
    sent = await portal(zhongshan, pid, DONGQU_CENTRE, on="2026-02-10")
    ended = await zhongshan.end(first["id"], "参保关系转出", on="2026-02-11")
    assert ended.data["endSelection"]["errors"] == []
    reviewed = (await review(zhongshan, sent["application"]["id"], "APPROVE", on="2026-02-12")).data["reviewApplication"]
    assert reviewed["errors"] == [] and reviewed["application"]["status"] == "REJECTED"
    assert reviewed["application"]["selectionRequest"]["reason"]
    assert await zhongshan.selections(pid, on="2026-03-01") == []


async def test_zs4_a_change_staff_rejected_no_longer_counts(zhongshan, selected):
    pid, first = selected
    sent = await portal(zhongshan, pid, DONGQU_CENTRE, on="2026-02-10")
    result = await zhongshan.client(REVIEW, {"input": {"applicationId": sent["application"]["id"], "decision": "REJECT",
                                                       "reason": "选定表填写不完整"}}, token=zhongshan.agency, today="2026-02-11")
    body = result.data["reviewApplication"]
    assert body["application"]["status"] == "REJECTED"
    assert (body["application"]["selectionRequest"]["status"], body["application"]["selectionRequest"]["reason"]) == (
        "REJECTED", "选定表填写不完整")
    change = await zhongshan.select(pid, XIQU_CENTRE, on="2026-02-12")  # 粤医保, same month
    assert change["errors"] == [] and change["selection"]["replaces"] == first["id"]
