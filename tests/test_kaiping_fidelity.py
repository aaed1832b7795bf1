"""Kaiping's refusals say what is really wrong (KP-3, KP-5), through GraphQL on SQLite and PostgreSQL."""

from __future__ import annotations

from yibao.core.domain import Institution, InstitutionLevel

from .support import counts, snapshot
from .test_kaiping_rules import A_CANGCHENG, A_SHATANG, B_CENTRAL, B_TCM, both_in_a, codes

CHILDRENS = Institution(code="H44070300902", name="测试用江门市儿童专科医院", city="jiangmen_kaiping",
                        level=InstitutionLevel.LEVEL_3, category="医院", division_code="440703",
                        specialties=("儿童",))


async def test_kp3_the_childrens_specialty_option_is_for_children(kaiping, yibao_platform, new_id):
    await yibao_platform.institutions.import_institutions("jiangmen_kaiping", [CHILDRENS], source="test")
    adult = new_id("440783", born="19900101")
    await kaiping.register(adult, "RESIDENT", on="2024-03-05")
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    body = await kaiping.select(adult, CHILDRENS.code, on="2024-03-05")
    assert codes(body) == ["INSTITUTION_NOT_ELIGIBLE"]
    assert "18" in body["errors"][0]["message"] and "under 18" in body["errors"][0]["messageEn"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state
    # a child of 17 may choose it; on the 18th birthday the option is closed to a new choice
    child = new_id("440783", born="20070306")
    await kaiping.register(child, "RESIDENT", on="2024-03-05")
    assert (await kaiping.select(child, CHILDRENS.code, on="2025-03-05"))["errors"] == []
    grown = new_id("440783", born="20070305")
    await kaiping.register(grown, "RESIDENT", on="2024-03-05")
    assert codes(await kaiping.select(grown, CHILDRENS.code, on="2025-03-05")) == ["INSTITUTION_NOT_ELIGIBLE"]


async def test_kp5_no_spurious_slot_order_when_a_pending_change_explains_the_refusal(kaiping, new_id):
    pid = new_id("440783")
    one, two = await both_in_a(kaiping, pid)
    assert (await kaiping.select(pid, B_CENTRAL, on="2023-10-09", replaces=one["id"]))["errors"] == []
    again = await kaiping.select(pid, A_SHATANG, on="2023-10-10", replaces=one["id"])
    assert codes(again) == ["PENDING_CHANGE_EXISTS"]


async def test_kp5_a_third_choice_asks_which_record_to_change(kaiping, new_id):
    pid = new_id("440783")
    one, two = await both_in_a(kaiping, pid)
    body = await kaiping.select(pid, B_TCM, on="2023-10-09")  # moving toward A + B, but naming no record
    assert codes(body) == ["REPLACEMENT_AMBIGUOUS"]
    message = body["errors"][0]["message"]
    assert "开平市长沙街道办事处社区卫生服务中心" in message and "开平市三埠街道办事处社区卫生服务中心" in message
    assert "replacesSelectionId" not in message and "先将其中一家变更为二级" not in message
    # naming it works, in either order
    assert (await kaiping.select(pid, B_TCM, on="2023-10-09", replaces=two["id"]))["errors"] == []
    assert (await kaiping.select(pid, A_CANGCHENG, on="2023-10-10", replaces=one["id"]))["errors"] == []
