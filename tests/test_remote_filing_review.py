"""RF-2 (the lock) and RF-3 (proxies, online review, refusal reasons) through GraphQL, both backends."""

from __future__ import annotations

import pytest

from .filing_support import BEIJING, GUANGZHOU, LONG_TERM, approved, cancel, codes, decide, file, read
from .support import counts

PROXY_MATERIALS = [*LONG_TERM, "授权委托书", "委托人及代理人身份证件原件"]
QUEUE = """query($item: String) { applications(itemCode: $item, status: SUBMITTED) {
  totalCount edges { node { id itemCode filingId dueDate } } } }"""


@pytest.fixture
async def pid(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-05")
    return pid


async def test_rf2_a_long_term_filing_is_locked_until_six_months_after_approval(zhongshan, yibao_platform, pid):
    filing = await approved(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02")
    assert (filing["approvedOn"], filing["lockedUntil"]) == ("2026-03-02", "2026-09-02")
    rows = await counts(yibao_platform)
    early = await cancel(zhongshan, filing["id"], on="2026-09-01", token=zhongshan.person_token(pid))
    assert codes(early) == ["FILING_LOCKED"] and "2026-09-02" in early["errors"][0]["message"]
    assert "2026-09-02" in early["errors"][0]["messageEn"]
    change = await file(zhongshan, pid, "RETIREE_RESETTLED", GUANGZHOU, LONG_TERM, on="2026-09-01")
    assert "FILING_LOCKED" in codes(change)  # a change (another long-term filing) is refused alike
    assert await counts(yibao_platform) == rows
    assert (await read(zhongshan, filing["id"], on="2026-09-01"))["status"] == "ACTIVE"
    done = await cancel(zhongshan, filing["id"], on="2026-09-02", token=zhongshan.person_token(pid))
    assert done["errors"] == []
    assert (done["filing"]["status"], done["filing"]["cancelledOn"], done["filing"]["validUntil"]) == (
        "CANCELLED", "2026-09-02", "2026-09-01")
    again = await file(zhongshan, pid, "RETIREE_RESETTLED", GUANGZHOU,
                       ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"], on="2026-09-02")
    assert again["errors"] == []


async def test_rf2_a_pending_filing_may_be_withdrawn_and_a_refused_one_not_cancelled(zhongshan, pid):
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02")
    withdrawn = await cancel(zhongshan, body["filing"]["id"], on="2026-03-03")
    assert withdrawn["errors"] == [] and withdrawn["filing"]["application"]["status"] == "WITHDRAWN"
    twice = await cancel(zhongshan, body["filing"]["id"], on="2026-03-03")
    assert codes(twice) == ["FILING_NOT_CANCELLABLE"]


async def test_rf3_a_proxy_without_authorization_is_refused_on_both_paths(zhongshan, yibao_client, yibao_platform, pid):
    rows = await counts(yibao_platform)
    proxy = yibao_client.token("proxy", person=pid)
    online = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02", token=proxy)
    window = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02",
                        token=zhongshan.agency, proxy=True, channel="WINDOW")
    for body in (online, window):
        assert codes(body) == ["MATERIALS_MISSING", "MATERIALS_MISSING"]
        text = " ".join(e["message"] for e in body["errors"])
        assert "授权委托书" in text and "委托人及代理人身份证件原件" in text
    assert await counts(yibao_platform) == rows
    ok = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, PROXY_MATERIALS, on="2026-03-02", token=proxy)
    assert ok["errors"] == [] and ok["filing"]["status"] == "SUBMITTED" and ok["filing"]["byProxy"] is True


async def test_rf3_agency_at_the_window_records_a_proxy_and_completes_at_once(zhongshan, pid):
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, PROXY_MATERIALS, on="2026-03-02",
                      token=zhongshan.agency, proxy=True, channel="WINDOW")
    assert body["errors"] == []
    assert body["filing"]["status"] == "ACTIVE" and body["filing"]["byProxy"] is True  # 窗口即时办结
    assert body["application"]["dueDate"] == "2026-03-02"


async def test_rf3_online_review_is_due_in_two_working_days_and_a_refusal_shows_its_reason(zhongshan, yibao_client, pid):
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-09-30")
    assert body["application"]["dueDate"] == "2026-10-09"  # National Day holiday, then 2 working days
    queue = (await yibao_client(QUEUE, {"item": "GD-15"}, token=zhongshan.agency, today="2026-09-30")).data
    nodes = [e["node"] for e in queue["applications"]["edges"]]
    assert [n["filingId"] for n in nodes] == [body["filing"]["id"]]  # the agency's review queue holds filings
    refused = await decide(zhongshan, body["application"]["id"], "REJECT", on="2026-10-08", reason="居住证已过期")
    assert refused["errors"] == []
    filing = await read(zhongshan, body["filing"]["id"], on="2026-10-08")
    assert filing["status"] == "REJECTED"
    assert filing["history"][-1] == {"status": "REJECTED", "businessDate": "2026-10-08",
                                     "actor": filing["history"][-1]["actor"], "reason": "居住证已过期"}
    assert filing["application"]["events"][-1]["reason"] == "居住证已过期"  # 办事进度 shows why


async def test_rf3_a_returned_filing_is_supplemented_and_approved(zhongshan, yibao_client, pid):
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02")
    returned = await decide(zhongshan, body["application"]["id"], "RETURN", on="2026-03-03", reason="表格未签名",
                            missing=["《广东省异地就医登记备案表》"])
    assert returned["errors"] == []
    assert (await read(zhongshan, body["filing"]["id"], on="2026-03-03"))["status"] == "RETURNED"
    supplement = await yibao_client(
        "mutation($id: ID!) { supplementApplication(input: { applicationId: $id, "
        "materials: [\"《广东省异地就医登记备案表》\"] }) { errors { code } } }",
        {"id": body["application"]["id"]}, token=zhongshan.person_token(pid), today="2026-03-04")
    assert supplement.data["supplementApplication"]["errors"] == []
    assert (await read(zhongshan, body["filing"]["id"], on="2026-03-04"))["status"] == "SUBMITTED"
    await decide(zhongshan, body["application"]["id"], "APPROVE", on="2026-03-05")
    filing = await read(zhongshan, body["filing"]["id"], on="2026-03-05")
    assert (filing["status"], filing["lockedUntil"]) == ("ACTIVE", "2026-09-05")
    assert [h["status"] for h in filing["history"]] == ["SUBMITTED", "RETURNED", "SUBMITTED", "ACTIVE"]


async def test_rf_filings_are_read_by_person_and_node(zhongshan, yibao_client, pid):
    body = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02")
    mine = await yibao_client("query($id: String!) { person(idNumber: $id) { remoteFilings { id type status } } }",
                              {"id": pid}, token=zhongshan.person_token(pid), today="2026-03-02")
    assert mine.data["person"]["remoteFilings"] == [
        {"id": body["filing"]["id"], "type": "LONG_TERM_RESIDENT", "status": "SUBMITTED"}]
    node = await yibao_client("query($id: ID!) { node(id: $id) { ... on RemoteFiling { destination } } }",
                              {"id": body["filing"]["id"]}, token=zhongshan.agency, today="2026-03-02")
    assert node.data["node"] == {"destination": BEIJING}
    other = yibao_client.token("agency", city="jiangmen_kaiping")
    denied = await yibao_client("query($id: ID!) { remoteFiling(id: $id) { id } }", {"id": body["filing"]["id"]},
                                token=other, today="2026-03-02")
    assert denied.errors is None and denied.data == {"remoteFiling": None}  # as a missing one: no oracle
