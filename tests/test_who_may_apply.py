"""Who may apply (SC-1 服务对象), through submitApplication on SQLite and PostgreSQL: employee-only
items refuse residents; unit, institution and pharmacy items refuse persons; parent items, items
done through tax data, and the selection items (made with selectInstitution) take no application."""

from __future__ import annotations

import pytest

from .support import IDENTITY, counts, submit


def codes(result) -> list[str]:
    assert result.errors is None, result.errors
    return [e["code"] for e in result.data["submitApplication"]["errors"]]


@pytest.fixture
async def resident(zhongshan, new_id) -> str:
    pid = new_id()
    await zhongshan.register(pid, "RESIDENT", on="2026-03-02")
    return pid


async def test_sc1_employee_items_refuse_residents(zhongshan, yibao_platform, resident, new_id):
    rows = await counts(yibao_platform)
    body = await submit(zhongshan, resident, "GD-02-2", [IDENTITY], on="2026-03-03")  # 职工医保退休待遇核定
    assert codes(body) == ["APPLICANT_NOT_ELIGIBLE"]
    assert "职工医保" in body.data["submitApplication"]["errors"][0]["message"]
    assert await counts(yibao_platform) == rows
    employee = new_id()
    await zhongshan.register(employee, "EMPLOYEE", on="2026-03-02")
    assert codes(await submit(zhongshan, employee, "GD-02-2", [IDENTITY], on="2026-03-03")) == []


async def test_sc1_every_reason_at_once_with_the_missing_materials(zhongshan, resident):
    assert codes(await submit(zhongshan, resident, "GD-12", [], on="2026-03-03")) == [
        "APPLICANT_NOT_ELIGIBLE", *["MATERIALS_MISSING"] * 2]


@pytest.mark.parametrize("item", ["GD-32", "GD-33", "GD-34", "GD-35", "GD-07"])
async def test_sc1_institution_pharmacy_and_unit_items_refuse_persons(zhongshan, resident, item):
    body = await submit(zhongshan, resident, item, [IDENTITY], on="2026-03-03")
    assert "APPLICANT_NOT_ELIGIBLE" in codes(body)
    message = next(e for e in body.data["submitApplication"]["errors"] if e["code"] == "APPLICANT_NOT_ELIGIBLE")
    assert "服务对象" in message["message"]


@pytest.mark.parametrize("item, words", [
    ("GD-02", "子项"),  # a parent item only groups its sub-items
    ("GD-01", "税务"),  # done from the tax authority's payment data
    ("GD-02-1", "税务"),
    ("GD-22", "门诊选点"),  # made with selectInstitution, which records the choice
    ("GD-21", "门诊选点"),
    ("GD-25", "门诊选点"),
])
async def test_sc1_items_that_take_no_application(zhongshan, yibao_platform, resident, item, words):
    rows = await counts(yibao_platform)
    body = await submit(zhongshan, resident, item, [IDENTITY, "《普通门诊定点医疗机构选定表》"], on="2026-03-03")
    assert "ITEM_NOT_APPLICABLE" in codes(body)
    error = next(e for e in body.data["submitApplication"]["errors"] if e["code"] == "ITEM_NOT_APPLICABLE")
    assert words in error["message"] and error["messageEn"]
    assert await counts(yibao_platform) == rows
