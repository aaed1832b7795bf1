"""Messages a person reads (SE-4, KP-6, KP-7, ZS-4, ZS-5), through GraphQL on SQLite and PostgreSQL:
no enum or field names inside Chinese text; phone numbers with their area code; the next possible
change date; why a town hospital is no choice; the counter for the person's new scheme first."""

from __future__ import annotations

import re

from .support import DONGQU_CENTRE, SHIQI_CENTRE, review, submit
from .test_kaiping_rules import A_SANBU, A_CHANGSHA, B_CENTRAL

ASCII_WORD = re.compile(r"[A-Za-z_]{3,}")  # an enum value or a field name; codes like H44200110001 pass
SUHUAZAN = "H44200120001"  # 中山市苏华赞医院, 石岐街道's town hospital


def plain_chinese(errors: list[dict]) -> None:
    for e in errors:
        assert not ASCII_WORD.search(e["message"]), e["message"]


async def test_se4_no_enum_or_field_names_in_chinese_messages(zhongshan, kaiping, yibao_client, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    on_site = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02", channel="WINDOW",
                                     token=yibao_client.token("institution", city="zhongshan"))
    assert [e["code"] for e in on_site["errors"]] == ["CHANNEL_NOT_ALLOWED"]
    plain_chinese(on_site["errors"])
    app = (await submit(zhongshan, pid, "GD-20", ["身份证", "《门诊特定病种待遇认定申请表》", "病历资料"],
                        on="2026-03-02")).data["submitApplication"]["application"]
    await review(zhongshan, app["id"], "APPROVE", on="2026-03-03")
    again = (await review(zhongshan, app["id"], "APPROVE", on="2026-03-04")).data["reviewApplication"]
    assert [e["code"] for e in again["errors"]] == ["NOT_UNDER_REVIEW"]
    plain_chinese(again["errors"])
    assert "已办结" in again["errors"][0]["message"]
    result = await yibao_client("""mutation { registerPerson(input: { idNumber: "X1234567", name: "某", city: "zhongshan",
        scheme: EMPLOYEE, documentType: "DRIVING_LICENCE" }) { errors { code message } } }""", token=zhongshan.agency)
    errors = result.data["registerPerson"]["errors"]
    assert "INVALID_DOCUMENT_TYPE" in [e["code"] for e in errors]
    plain_chinese(errors)


async def test_kp7_phone_numbers_carry_the_area_code(kaiping, yibao_client, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    await kaiping.select(pid, A_SANBU, on="2024-03-05")
    refused = await kaiping.select(pid, A_CHANGSHA, on="2024-09-30")
    assert "0750-2256983" in refused["errors"][0]["message"]
    agencies = (await yibao_client('{ agencies(city: "jiangmen_kaiping") { name phones } }')).data["agencies"]
    assert all(p.startswith("0750-") for a in agencies for p in a["phones"]), agencies


async def test_zs4_change_limit_says_when_the_next_change_is_possible(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-02")
    await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-10")
    body = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-20")
    error = next(e for e in body["errors"] if e["code"] == "CHANGE_LIMIT_REACHED")
    assert "2026年6月1日起可再次变更" in error["message"] and "2026-06-01" in error["messageEn"]


async def test_zs5_a_town_hospital_refusal_says_the_towns_clinic_choice_covers_it(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-07-01")
    body = await zhongshan.select(pid, SUHUAZAN, on="2026-07-01")
    [error] = body["errors"]
    assert error["code"] == "INSTITUTION_NOT_ELIGIBLE"
    assert "镇街医院" in error["message"] and "石岐街道" in error["message"] and "社区卫生服务中心" in error["message"]
    assert "covers" in error["messageEn"]


async def test_kp6_the_counter_for_the_new_scheme_comes_first(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-02-01")
    await kaiping.select(pid, A_SANBU, on="2024-02-01")
    await kaiping.change_scheme(pid, "RESIDENT", on="2024-05-30", effective_on="2024-06-01")
    body = await kaiping.select(pid, A_CHANGSHA, on="2024-06-03")
    message = next(e["message"] for e in body["errors"] if e["code"] == "OLD_SCHEME_SELECTION_ACTIVE")
    assert message.index("镇街公共服务中心") < message.index("开平市行政服务中心")
    employee = new_id("440783")
    await kaiping.register(employee, "RESIDENT", on="2024-02-01")
    await kaiping.select(employee, A_SANBU, on="2024-02-01")
    await kaiping.change_scheme(employee, "EMPLOYEE", on="2024-05-30", effective_on="2024-06-01")
    body = await kaiping.select(employee, B_CENTRAL, on="2024-06-03")
    message = next(e["message"] for e in body["errors"] if e["code"] == "OLD_SCHEME_SELECTION_ACTIVE")
    assert message.index("开平市行政服务中心") < message.index("镇街公共服务中心")
