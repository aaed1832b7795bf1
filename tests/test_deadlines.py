"""Deadlines (SC-2), through GraphQL on SQLite and PostgreSQL: the clock stops while an application
is returned to the applicant (补正材料的时间不计入办理时限) and runs again, in full, from the day the
missing materials arrive; a period of natural days ending on a rest day ends on the next working
day (民法典 第二百零三条)."""

from __future__ import annotations

from datetime import date

from yibao.core.catalogue.due_dates import due_date
from yibao.core.catalogue.items import TimeLimit, TimeLimitKind

from .support import IDENTITY, review, submit

APPLICATIONS = """query($overdue: Boolean) { applications(overdue: $overdue) { totalCount edges { node { id status overdue dueDate } } } }"""
SUPPLEMENT = """mutation($input: SupplementApplicationInput!) { supplementApplication(input: $input) {
  application { status dueDate overdue } errors { code message } } }"""
GD12 = [IDENTITY, "《职工基本医疗保险个人账户一次性支取申请表》"]


async def test_sc2_the_clock_stops_while_returned_and_restarts_in_full(zhongshan, yibao_client, new_id):
    pid = new_id()
    await zhongshan.register(pid, "EMPLOYEE", on="2026-03-02")
    sent = await submit(zhongshan, pid, "GD-12", GD12, on="2026-03-02")  # 15 working days
    body = sent.data["submitApplication"]
    assert body["errors"] == [], body["errors"]
    app = body["application"]
    assert app["dueDate"] == "2026-03-23"
    returned = await review(zhongshan, app["id"], "RETURN", on="2026-03-05", missing=["银行卡"], reason="请补充银行卡")
    assert returned.data["reviewApplication"]["application"]["status"] == "RETURNED"
    # a month later the applicant still has not come back: not overdue against the agency
    late = await yibao_client(APPLICATIONS, {"overdue": True}, token=zhongshan.agency, today="2026-04-10")
    assert late.data["applications"]["totalCount"] == 0
    mine = await yibao_client(APPLICATIONS, {}, token=zhongshan.agency, today="2026-04-10")
    assert [e["node"]["overdue"] for e in mine.data["applications"]["edges"]] == [False]
    # the materials arrive on 2026-04-13 (Monday): 15 working days run again from then
    result = await yibao_client(SUPPLEMENT, {"input": {"applicationId": app["id"], "materials": ["银行卡"]}},
                                token=zhongshan.person_token(pid), today="2026-04-13")
    back = result.data["supplementApplication"]
    assert back["errors"] == [] and back["application"]["status"] == "SUBMITTED"
    assert back["application"]["dueDate"] == "2026-05-07"  # 04-14 … 04-30 (13), 05-06, 05-07: 劳动节 skipped
    assert back["application"]["overdue"] is False


async def test_sc2_ninety_natural_days_ending_on_a_holiday_move_to_the_next_working_day(yibao_platform):
    calendar = await yibao_platform.catalogue.calendar()
    limit = TimeLimit(TimeLimitKind.NATURAL_DAYS, 90)
    # 2026-07-04 + 90 days = 2026-10-02, inside 国庆 (10-01..10-07): the period ends on 10-08 (民法典 第二百零三条)
    assert due_date(limit, date(2026, 7, 4), online=True, calendar=calendar).date == date(2026, 10, 8)
    # a Saturday or a Sunday moves to Monday; a Friday stays
    assert due_date(limit, date(2026, 5, 10), online=True, calendar=calendar).date == date(2026, 8, 10)
    assert due_date(limit, date(2026, 5, 11), online=True, calendar=calendar).date == date(2026, 8, 10)
    assert due_date(limit, date(2026, 5, 9), online=True, calendar=calendar).date == date(2026, 8, 7)


async def test_sc2_natural_days_through_graphql(zhongshan, yibao_client, new_id):
    # GD-32 (医疗机构申请定点协议管理, 90 natural days) takes no person's application (SC-1); the
    # limit is served in the catalogue, and the due-date rule is the function above.
    item = await yibao_client("""{ serviceItem(code: "GD-32") { timeLimit { kind days } } }""")
    assert item.data["serviceItem"]["timeLimit"] == {"kind": "NATURAL_DAYS", "days": 90}
