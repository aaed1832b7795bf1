"""Deadlines (SC-2), through GraphQL on SQLite and PostgreSQL: the clock stops while an application
is returned to the applicant (补正材料的时间不计入办理时限) and runs again, in full, from the day the
missing materials arrive; a period of natural days ending on a rest day ends on the next working
day (民法典 第二百零三条)."""

from __future__ import annotations

import dataclasses
import types
from datetime import date

import pytest

from yibao.core.catalogue.due_dates import due_date
from yibao.core.catalogue.items import TimeLimit, TimeLimitKind
from yibao.core.domain import CityInfo
from yibao.core.hookspecs import hookimpl

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


def ninety_day_city() -> types.ModuleType:
    """A city written in the test whose local rule gives GD-23 a limit of 90 natural days."""
    city = types.ModuleType("ninety_day_city")

    @hookimpl
    def yibao_city():
        return CityInfo(code="ninetyday", name="九十日市", division_code="449902")

    @hookimpl
    def yibao_service_item(item):
        if item.code != "GD-23":
            return item
        return dataclasses.replace(item, time_limit=TimeLimit(TimeLimitKind.NATURAL_DAYS, 90, "不超过90个自然日"))

    city.yibao_city, city.yibao_service_item = yibao_city, yibao_service_item
    return city


@pytest.fixture
def yibao_extra_plugins():
    return [ninety_day_city()]


async def test_sc2_ninety_natural_days_through_graphql(yibao_client, new_id):
    from .support import City

    city = City(yibao_client, "ninetyday")
    pid = new_id("449902")
    await city.register(pid, "EMPLOYEE", on="2026-07-04")
    body = (await submit(city, pid, "GD-23", [IDENTITY, "医药机构收费票据", "门急诊费用清单", "病历资料"],
                         on="2026-07-04")).data["submitApplication"]
    assert body["errors"] == []
    assert body["application"]["dueDate"] == "2026-10-08"  # 10-02 falls in 国庆: 民法典 第二百零三条
    assert "顺延" in body["application"]["dueDateNote"]
