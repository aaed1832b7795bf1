"""Jiangmen-Kaiping (seeds 001 and 003): KP-1..8 through GraphQL, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from yibao.core.auth import Actor, Role
from yibao.core.domain import Institution, InstitutionLevel
from yibao.core.platform import Call
from yibao.core.services.imports import import_persons

from yibao.core.testkit.ids import with_wrong_check

from .support import counts, snapshot

A_SANBU = "H44078300002"  # 开平市三埠街道办事处社区卫生服务中心 (A)
A_CHANGSHA = "H44078300003"  # 开平市长沙街道办事处社区卫生服务中心 (A)
A_SHATANG = "H44078300004"  # 开平市沙塘镇卫生院 (A)
A_CANGCHENG = "H44078300005"  # 开平市苍城镇中心卫生院 (A)
B_CENTRAL = "H44078300101"  # 开平市中心医院 (B)
B_TCM = "H44078300102"  # 开平市中医院 (B)

# Jiangmen institutions beyond Kaiping's list arrive by import (KP-2/3: "in Jiangmen"); test data.
JIANGMEN_CLINIC = Institution(code="H44070300901", name="测试用蓬江区社区卫生服务中心", city="jiangmen_kaiping",
                              level=InstitutionLevel.LEVEL_1_OR_BELOW, category="社区卫生服务中心",
                              division_code="440703", town="蓬江区")
JIANGMEN_CHILDREN = Institution(code="H44070300902", name="测试用江门市儿童专科医院", city="jiangmen_kaiping",
                                level=InstitutionLevel.LEVEL_3, category="医院", division_code="440703",
                                specialties=("儿童",))
OUTSIDE_JIANGMEN = Institution(code="H44200199801", name="测试用江门以外诊所", city="jiangmen_kaiping",
                               level=InstitutionLevel.LEVEL_1_OR_BELOW, category="诊所", division_code="442000")


def codes(body: dict) -> list[str]:
    return sorted(e["code"] for e in body["errors"])


async def test_kp2_employee_a_then_b_both_immediate(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    a = (await kaiping.select(pid, A_SANBU, on="2024-03-05"))["selection"]
    b = (await kaiping.select(pid, B_CENTRAL, on="2024-03-06"))["selection"]
    assert (a["slot"], a["status"], a["effectiveFrom"]) == ("A", "EFFECTIVE", "2024-03-05")
    assert (b["slot"], b["status"], b["effectiveFrom"]) == ("B", "EFFECTIVE", "2024-03-06")
    current = await kaiping.selections(pid, on="2024-03-06")
    assert sorted(s["institution"]["code"] for s in current) == [A_SANBU, B_CENTRAL]


async def test_kp2_anywhere_in_jiangmen_by_import_not_outside(kaiping, yibao_platform, new_id):
    await yibao_platform.institutions.import_institutions(
        "jiangmen_kaiping", [JIANGMEN_CLINIC, OUTSIDE_JIANGMEN], source="test")
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    assert (await kaiping.select(pid, JIANGMEN_CLINIC.code, on="2024-03-05"))["errors"] == []
    other = new_id("440783")
    await kaiping.register(other, "EMPLOYEE", on="2024-03-05")
    assert codes(await kaiping.select(other, OUTSIDE_JIANGMEN.code, on="2024-03-05")) == ["INSTITUTION_NOT_ELIGIBLE"]


async def test_kp3_resident_refused_a_b_institution(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "RESIDENT", on="2024-03-05")
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    body = await kaiping.select(pid, B_CENTRAL, on="2024-03-05")
    assert codes(body) == ["INSTITUTION_NOT_ELIGIBLE"]
    assert "一级及以下" in body["errors"][0]["message"] and body["errors"][0]["messageEn"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state
    ok = (await kaiping.select(pid, A_SHATANG, on="2024-03-05"))["selection"]
    assert (ok["slot"], ok["status"]) == ("GENERAL", "EFFECTIVE")


async def test_kp3_resident_may_choose_a_childrens_specialty_institution(kaiping, yibao_platform, new_id):
    await yibao_platform.institutions.import_institutions("jiangmen_kaiping", [JIANGMEN_CHILDREN], source="test")
    child = new_id("440783", born="20180601")
    await kaiping.register(child, "RESIDENT", on="2024-03-05")
    assert (await kaiping.select(child, JIANGMEN_CHILDREN.code, on="2024-03-05"))["errors"] == []


async def test_kp1_childrens_hospitals_are_their_own_kind_for_residents(kaiping, yibao_platform, new_id):
    hospital = Institution(code="H44070300903", name="测试用江门市儿童医院", city="jiangmen_kaiping",
                           level=InstitutionLevel.LEVEL_2, category="儿童医院", division_code="440703")
    await yibao_platform.institutions.import_institutions("jiangmen_kaiping", [hospital], source="test")
    child = new_id("440783", born="20190301")
    await kaiping.register(child, "RESIDENT", on="2024-03-05")
    assert (await kaiping.select(child, hospital.code, on="2024-03-05"))["selection"]["slot"] == "GENERAL"


async def test_kp4_change_refused_on_30_september_accepted_on_1_october(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    first = (await kaiping.select(pid, A_SANBU, on="2024-03-05"))["selection"]

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    refused = await kaiping.select(pid, A_CHANGSHA, on="2024-09-30")
    assert codes(refused) == ["OUTSIDE_CHANGE_WINDOW"]
    error = refused["errors"][0]
    assert "2024年10月1日" in error["message"] and "2024-10-01" in error["messageEn"]  # says when it opens
    assert "2256983" in error["message"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state

    accepted = (await kaiping.select(pid, A_CHANGSHA, on="2024-10-01"))["selection"]
    assert (accepted["status"], accepted["effectiveFrom"], accepted["replaces"]) == ("PENDING", "2025-01-01", first["id"])
    history = {s["id"]: s for s in await kaiping.selections(pid, on="2024-12-31", history=True)}
    assert history[first["id"]]["effectiveTo"] == "2024-12-31"  # the replaced record ends 31 December
    assert history[first["id"]]["status"] == "EFFECTIVE"
    jan = await kaiping.selections(pid, on="2025-01-01")
    assert [(s["institution"]["code"], s["status"]) for s in jan] == [(A_CHANGSHA, "EFFECTIVE")]


async def test_kp4_window_closes_after_31_december_and_reopens_in_october(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    await kaiping.select(pid, A_SANBU, on="2024-03-05")
    assert (await kaiping.select(pid, A_CHANGSHA, on="2024-12-31"))["selection"]["effectiveFrom"] == "2025-01-01"
    late = await kaiping.select(pid, A_SHATANG, on="2025-01-02")
    assert codes(late) == ["OUTSIDE_CHANGE_WINDOW"] and "2025年10月1日" in late["errors"][0]["message"]


async def test_kp4_a_first_choice_for_an_empty_slot_is_allowed_any_time(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-04-01")
    await kaiping.select(pid, A_SANBU, on="2024-04-01")
    b = (await kaiping.select(pid, B_TCM, on="2024-05-20"))["selection"]  # outside the window, empty slot B
    assert (b["status"], b["effectiveFrom"]) == ("EFFECTIVE", "2024-05-20")


async def both_in_a(kaiping, pid: str) -> tuple[dict, dict]:
    """KP-5's legacy state (seed 001 special case 1): an employee with two A selections from 2022,
    imported as they were (KP-9: the 2022 rules are not public) and judged by the 2023 rules."""
    payload = {"persons": [{
        "idNumber": pid, "name": "旧规则参保人", "city": "jiangmen_kaiping",
        "schemes": [{"scheme": "EMPLOYEE", "validFrom": "2022-01-01"}],
        "selections": [
            {"institutionCode": A_CHANGSHA, "slot": "GENERAL_1", "scheme": "EMPLOYEE", "effectiveFrom": "2022-10-05"},
            {"institutionCode": A_SANBU, "slot": "GENERAL_2", "scheme": "EMPLOYEE", "effectiveFrom": "2022-10-05"},
        ],
    }]}
    admin = Call(Actor(role=Role.ADMIN, subject="test"), today=date(2022, 12, 1))
    assert await import_persons(kaiping.client.platform.db, kaiping.client.platform.plugins, admin, payload) == 1
    held = {s["institution"]["code"]: s for s in await kaiping.selections(pid, on="2023-01-02")}
    one, two = held[A_CHANGSHA], held[A_SANBU]
    assert one["effectiveTo"] == two["effectiveTo"] == "2099-12-31"
    return one, two


async def test_kp9_no_2022_selection_is_made_through_the_api(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2022-10-05", since="2022-01-01")
    rows = await counts(yibao_platform)
    body = await kaiping.select(pid, A_CHANGSHA, on="2022-10-05")
    assert codes(body) == ["INSTITUTION_NOT_ELIGIBLE"] and "2022年的普通门诊选点规定未公开" in body["errors"][0]["message"]
    assert await counts(yibao_platform) == rows


async def test_kp5_both_in_a_must_first_change_one_to_b(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    one, two = await both_in_a(kaiping, pid)
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    refused = await kaiping.select(pid, A_SHATANG, on="2023-10-09", replaces=one["id"])  # A first: refused
    assert codes(refused) == ["SLOT_ORDER"]
    assert "先将其中一家变更为二级或三级" in refused["errors"][0]["message"]
    assert "first change one of them to a group B" in refused["errors"][0]["messageEn"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state
    # a third selection is no way out either: the person is asked which record it changes (KP-5)
    assert codes(await kaiping.select(pid, B_CENTRAL, on="2023-10-09")) == ["REPLACEMENT_AMBIGUOUS"]

    to_b = (await kaiping.select(pid, B_CENTRAL, on="2023-10-09", replaces=one["id"]))["selection"]
    assert (to_b["slot"], to_b["effectiveFrom"]) == ("B", "2024-01-01")
    to_a = await kaiping.select(pid, A_SHATANG, on="2023-10-10", replaces=two["id"])  # then the other to A
    assert to_a["errors"] == [] and to_a["selection"]["effectiveFrom"] == "2024-01-01"
    final = await kaiping.selections(pid, on="2024-01-01")
    assert sorted(s["institution"]["code"] for s in final) == [A_SHATANG, B_CENTRAL]


async def test_kp5_in_the_other_order_b_first_on_the_second_record(kaiping, new_id):
    pid = new_id("440783")
    one, two = await both_in_a(kaiping, pid)
    assert (await kaiping.select(pid, B_TCM, on="2023-11-01", replaces=two["id"]))["errors"] == []
    assert (await kaiping.select(pid, A_CANGCHENG, on="2023-11-02", replaces=one["id"]))["errors"] == []
    final = await kaiping.selections(pid, on="2024-01-01")
    assert sorted(s["institution"]["code"] for s in final) == [A_CANGCHENG, B_TCM]


async def test_kp5_an_a_and_b_employee_cannot_end_up_with_two_b(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-01")
    a = (await kaiping.select(pid, A_SANBU, on="2024-03-01"))["selection"]
    await kaiping.select(pid, B_CENTRAL, on="2024-03-01")
    assert codes(await kaiping.select(pid, B_TCM, on="2024-10-08", replaces=a["id"])) == ["SLOT_ORDER"]


async def test_kp4_kp5_every_reason_at_once(kaiping, new_id):
    pid = new_id("440783")
    one, _ = await both_in_a(kaiping, pid)
    body = await kaiping.select(pid, A_SHATANG, on="2023-06-01", replaces=one["id"])
    assert codes(body) == ["OUTSIDE_CHANGE_WINDOW", "SLOT_ORDER"]


async def test_kp5_legacy_state_is_importable(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    payload = {"persons": [{
        "idNumber": pid, "name": "旧规则参保人", "city": "jiangmen_kaiping",
        "schemes": [{"scheme": "EMPLOYEE", "validFrom": "2020-01-01"}],
        "selections": [
            {"institutionCode": A_CHANGSHA, "slot": "GENERAL_1", "scheme": "EMPLOYEE", "effectiveFrom": "2022-10-05"},
            {"institutionCode": "H44078300023", "slot": "GENERAL_2", "scheme": "EMPLOYEE", "effectiveFrom": "2022-10-05"},
        ],
    }]}
    admin = Call(Actor(role=Role.ADMIN, subject="test"), today=date(2023, 10, 1))
    assert await import_persons(yibao_platform.db, yibao_platform.plugins, admin, payload) == 1
    current = await kaiping.selections(pid, on="2023-10-09")
    # seed 001 special case 1: 开平市长沙街道办事处社区卫生服务中心 and 开平侨乡医院, both from 2022-10-05
    assert sorted((s["institution"]["name"], s["effectiveFrom"], s["effectiveTo"]) for s in current) == [
        ("开平侨乡医院", "2022-10-05", "2099-12-31"),
        ("开平市长沙街道办事处社区卫生服务中心", "2022-10-05", "2099-12-31"),
    ]
    refused = await kaiping.select(pid, A_SHATANG, on="2023-10-09", replaces=current[0]["id"])
    assert codes(refused) == ["SLOT_ORDER"]


async def test_import_is_all_or_nothing(yibao_platform, new_id):
    from yibao.core.errors import Refused

    rows = await counts(yibao_platform)
    payload = {"persons": [
        {"idNumber": new_id("440783"), "name": "甲", "city": "jiangmen_kaiping", "schemes": [{"scheme": "EMPLOYEE", "validFrom": "2020-01-01"}]},
        {"idNumber": with_wrong_check(new_id("440783")), "name": "乙", "city": "jiangmen_kaiping", "schemes": [{"scheme": "EMPLOYEE", "validFrom": "2020-01-01"}],
         "selections": [{"institutionCode": "H44078399999", "effectiveFrom": "2022-01-01"}]},
    ]}
    admin = Call(Actor(role=Role.ADMIN, subject="test"), today=date(2023, 10, 1))
    with pytest.raises(Refused) as refused:
        await import_persons(yibao_platform.db, yibao_platform.plugins, admin, payload)
    assert sorted(e.code for e in refused.value.errors) == ["INVALID_ID_NUMBER", "NOT_FOUND"]
    assert await counts(yibao_platform) == rows
    from yibao.core.errors import Forbidden

    with pytest.raises(Forbidden):
        await import_persons(yibao_platform.db, yibao_platform.plugins, Call(Actor(role=Role.AGENCY, city="jiangmen_kaiping"),
                                                  today=admin.today), payload)


async def test_kp6_old_scheme_selection_blocks_until_agency_ends_it(kaiping, yibao_client, yibao_platform, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "RESIDENT", on="2024-02-01")
    old = (await kaiping.select(pid, A_SANBU, on="2024-02-01"))["selection"]
    changed = await kaiping.change_scheme(pid, "EMPLOYEE", on="2024-05-30", effective_on="2024-06-01")
    assert changed["errors"] == []
    assert [(p["scheme"], p["validTo"]) for p in changed["person"]["schemeHistory"]] == [
        ("RESIDENT", "2024-05-31"), ("EMPLOYEE", "2099-12-31")]

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    refused = await kaiping.select(pid, B_CENTRAL, on="2024-06-03")
    assert codes(refused) == ["OLD_SCHEME_SELECTION_ACTIVE"]
    message = refused["errors"][0]["message"]
    for must in ("2256983", "2259876", "开平市行政服务中心", "镇街公共服务中心", "粤医保", "新增选点"):
        assert must in message, must
    assert "2256983" in refused["errors"][0]["messageEn"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state

    # only the agency ends a record
    assert (await kaiping.end(old["id"], "险种变更", on="2024-06-03", token=kaiping.person_token(pid))).error_codes() == ["FORBIDDEN"]
    other_city = yibao_client.token("agency", city="zhongshan")
    elsewhere = (await kaiping.end(old["id"], "险种变更", on="2024-06-03", token=other_city)).data["endSelection"]
    assert [e["code"] for e in elsewhere["errors"]] == ["NOT_FOUND"]  # not its city's: as if missing (no oracle)
    ended = (await kaiping.end(old["id"], "险种变更：居民医保转职工医保", on="2024-06-03")).data["endSelection"]
    assert ended["errors"] == []
    assert (ended["selection"]["status"], ended["selection"]["effectiveTo"]) == ("ENDED", "2024-06-02")

    b = (await kaiping.select(pid, B_CENTRAL, on="2024-06-03"))["selection"]
    a = (await kaiping.select(pid, A_CHANGSHA, on="2024-06-03"))["selection"]
    assert [(b["status"], b["effectiveFrom"]), (a["status"], a["effectiveFrom"])] == [
        ("EFFECTIVE", "2024-06-03"), ("EFFECTIVE", "2024-06-03")]


async def test_end_selection_needs_a_reason_and_an_effective_record(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "RESIDENT", on="2024-02-01")
    sel = (await kaiping.select(pid, A_SANBU, on="2024-02-01"))["selection"]
    body = (await kaiping.end(sel["id"], "  ", on="2024-02-02")).data["endSelection"]
    assert codes(body) == ["REASON_REQUIRED"]
    await kaiping.end(sel["id"], "test", on="2024-02-02")
    again = (await kaiping.end(sel["id"], "again", on="2024-02-03")).data["endSelection"]
    assert codes(again) == ["SELECTION_NOT_EFFECTIVE"]


async def test_kp7_agencies_with_phones_and_hours(yibao_client):
    result = await yibao_client('{ agencies(city: "jiangmen_kaiping") { name phones hours town } }')
    agencies = result.data["agencies"]
    assert len(agencies) == 17
    assert all(a["hours"] == "工作日上午8:30至12:00、下午14:30至17:30" for a in agencies)
    by_name = {a["name"]: a for a in agencies}
    assert by_name["赤坎镇党群服务中心"]["phones"] == ["0750-2627766", "0750-2611036"]  # KP-7: with the area code
    assert by_name["翠山湖公共服务中心"]["town"] == "翠山湖新区"


async def test_dated_rule_sets_are_listed(yibao_client):
    result = await yibao_client('{ plugins { city ruleSets { id validFrom validTo } } }')
    kaiping = next(p for p in result.data["plugins"] if p["city"] == "jiangmen_kaiping")
    assert kaiping["ruleSets"] == [
        {"id": "kaiping-2022", "validFrom": None, "validTo": "2022-12-31"},
        {"id": "kaiping-2023", "validFrom": "2023-01-01", "validTo": None},
        {"id": "kaiping-filing-2023-07", "validFrom": "2023-07-01", "validTo": None},  # RF-1, seed 003
    ]
