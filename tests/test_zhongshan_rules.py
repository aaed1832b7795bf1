"""Zhongshan (seed 000): ZS-1..5 and SE-1, through GraphQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from .support import DONGQU_CENTRE, SHIQI_CENTRE, SUHUAZAN, counts, snapshot, station

BOAI = "H44200100009"  # 中山市博爱医院, offers PRENATAL

# Test stations, imported the way `yibao institutions import` does (the shipped data has no
# station list: see plugins/zhongshan/data/institutions.json).
SHIQI_STATION = station("H44200199001", "测试用石岐街道第一社区卫生服务站", "石岐街道")
SHIQI_STATION_2 = station("H44200199002", "测试用石岐街道第二社区卫生服务站", "石岐街道")
DONGQU_STATION = station("H44200199003", "测试用东区街道社区卫生服务站", "东区街道")


@pytest.fixture
async def stations(yibao_platform):
    await yibao_platform.institutions.import_institutions(
        "zhongshan", [SHIQI_STATION, SHIQI_STATION_2, DONGQU_STATION], source="test")


async def test_zs2_first_selection_takes_effect_the_same_day(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    body = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-10")
    assert body["errors"] == []
    sel = body["selection"]
    assert (sel["status"], sel["effectiveFrom"], sel["effectiveTo"]) == ("EFFECTIVE", "2026-03-10", "2099-12-31")
    assert sel["slot"] == "COMMUNITY"
    # SE-5: the request left an application record, done at once through 粤医保
    assert sel["application"]["itemCode"] == "GD-22"
    assert [e["status"] for e in sel["application"]["events"]] == ["SUBMITTED", "APPROVED"]


async def test_zs3_change_takes_effect_on_the_first_of_next_month(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-01")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02"))["selection"]
    body = await zhongshan.select(pid, DONGQU_CENTRE, on="2026-03-15")
    assert body["errors"] == []
    change = body["selection"]
    assert (change["status"], change["effectiveFrom"], change["effectiveTo"]) == ("PENDING", "2026-04-01", "2099-12-31")
    assert change["replaces"] == first["id"]

    before = {s["id"]: s for s in await zhongshan.selections(pid, on="2026-03-31")}
    assert before[first["id"]]["status"] == "EFFECTIVE"
    assert before[first["id"]]["effectiveTo"] == "2026-03-31"  # the old record ends the day before
    assert before[change["id"]]["status"] == "PENDING"

    after = await zhongshan.selections(pid, on="2026-04-01")
    assert [(s["institution"]["code"], s["status"]) for s in after] == [(DONGQU_CENTRE, "EFFECTIVE")]
    history = {s["id"]: s["status"] for s in await zhongshan.selections(pid, on="2026-04-01", history=True)}
    assert history == {first["id"]: "ENDED", change["id"]: "EFFECTIVE"}  # SE-2: kept as history


async def test_zs3_change_in_december_takes_effect_on_the_first_of_january(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-12-01")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-12-01")
    change = (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-12-31"))["selection"]
    assert change["effectiveFrom"] == "2027-01-01"


async def test_zs4_second_change_in_a_month_is_refused_and_writes_nothing(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-02")
    assert (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-10"))["errors"] == []

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    body = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-20")
    assert body["selection"] is None
    codes = [e["code"] for e in body["errors"]]
    assert "CHANGE_LIMIT_REACHED" in codes
    error = next(e for e in body["errors"] if e["code"] == "CHANGE_LIMIT_REACHED")
    assert "每月" in error["message"] and "per month" in error["messageEn"]
    assert await counts(yibao_platform) == rows
    assert await snapshot(yibao_platform) == state

    # next month the (now effective) change may be changed again
    assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-06-03"))["errors"] == []


async def test_zs4_a_pending_change_can_be_withdrawn(zhongshan, yibao_client, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-02"))["selection"]
    change = (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-10"))["selection"]

    from .support import WITHDRAW

    result = await yibao_client(WITHDRAW, {"id": change["id"]}, token=zhongshan.person_token(pid), today="2026-05-11")
    body = result.data["withdrawSelection"]
    assert body["errors"] == []
    assert body["selection"]["status"] == "WITHDRAWN"
    assert [e["status"] for e in body["selection"]["application"]["events"]][-1] == "WITHDRAWN"
    current = await zhongshan.selections(pid, on="2026-06-15")
    assert [(s["id"], s["status"], s["effectiveTo"]) for s in current] == [(first["id"], "EFFECTIVE", "2099-12-31")]

    # a withdrawn change never takes effect, so it does not use up the month's change (ZS-4 reading)
    assert (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-12"))["errors"] == []

    # an effective selection cannot be withdrawn
    again = await yibao_client(WITHDRAW, {"id": first["id"]}, token=zhongshan.person_token(pid), today="2026-05-12")
    assert [e["code"] for e in again.data["withdrawSelection"]["errors"]] == ["NOT_PENDING"]


async def test_zs5_coverage_is_the_whole_town_before_and_after_a_change(zhongshan, stations, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-07-01")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-07-01")
    await zhongshan.select(pid, DONGQU_CENTRE, on="2026-07-20")

    before = {i["name"] for i in await zhongshan.coverage(pid, on="2026-07-31")}
    assert before == {"中山市石岐街道社区卫生服务中心", SUHUAZAN, SHIQI_STATION.name, SHIQI_STATION_2.name}

    after = {i["code"] for i in await zhongshan.coverage(pid, on="2026-08-01")}
    assert after == {DONGQU_CENTRE, DONGQU_STATION.code}  # 东区 has no town hospital in the shipped data


async def test_zs5_no_selection_no_coverage(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-07-01")
    assert await zhongshan.coverage(pid, on="2026-07-01") == []  # ZS-1: benefits start only after selecting


async def test_zs1_only_a_community_centre_or_station_can_be_selected(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-07-01")
    body = await zhongshan.select(pid, "H44200120001", on="2026-07-01")  # 中山市苏华赞医院, a town hospital
    assert [e["code"] for e in body["errors"]] == ["INSTITUTION_NOT_ELIGIBLE"]


async def test_se1_a_change_leaves_other_kinds_untouched(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-02-01")
    prenatal = await zhongshan.select(pid, BOAI, kind="PRENATAL", on="2026-02-01")
    assert prenatal["errors"] == []
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-02-01")
    await zhongshan.select(pid, DONGQU_CENTRE, on="2026-02-10")

    later = await zhongshan.selections(pid, on="2026-03-05", kind="PRENATAL")
    assert [(s["id"], s["status"], s["effectiveFrom"], s["effectiveTo"]) for s in later] == [
        (prenatal["selection"]["id"], "EFFECTIVE", "2026-02-01", "2099-12-31")]


async def test_idempotency_key_returns_the_first_answer(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-02-01")
    one = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-02-01", key="k-1")
    rows = await counts(yibao_platform)
    two = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-02-01", key="k-1")
    assert two["selection"]["id"] == one["selection"]["id"]
    assert await counts(yibao_platform) == rows
