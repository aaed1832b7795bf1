"""Designation (IN-1, ZS-5), through GraphQL on SQLite and PostgreSQL: an institution is selectable
and covered for a kind only when it is designated for that kind; an imported institution whose
file lists no designated service (`"services": []`) is designated for nothing."""

from __future__ import annotations

import pytest

from yibao.core.reference import institution_from_dict

from .support import SHIQI_CENTRE, counts

UNDESIGNATED = {"code": "H44200199701", "name": "测试用石岐街道未定点社区卫生服务站", "level": "LEVEL_1_OR_BELOW",
                "category": "社区卫生服务站", "division_code": "442000", "town": "石岐街道", "services": []}
PRENATAL_ONLY = {"code": "H44200199702", "name": "测试用石岐街道产检站", "level": "LEVEL_1_OR_BELOW",
                 "category": "社区卫生服务站", "division_code": "442000", "town": "石岐街道", "services": ["PRENATAL"]}
DESIGNATED = {"code": "H44200199703", "name": "测试用石岐街道定点社区卫生服务站", "level": "LEVEL_1_OR_BELOW",
              "category": "社区卫生服务站", "division_code": "442000", "town": "石岐街道"}


@pytest.fixture
async def imported(yibao_platform):
    items = [institution_from_dict(r, "zhongshan") for r in (UNDESIGNATED, PRENATAL_ONLY, DESIGNATED)]
    await yibao_platform.institutions.import_institutions("zhongshan", items, source="test")


async def test_in1_an_institution_with_no_designated_service_cannot_be_selected(zhongshan, yibao_platform, imported, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    rows = await counts(yibao_platform)
    for code in (UNDESIGNATED["code"], PRENATAL_ONLY["code"]):
        body = await zhongshan.select(pid, code, on="2026-03-02")
        assert [e["code"] for e in body["errors"]] == ["INSTITUTION_NOT_ELIGIBLE"]
        assert "普通门诊定点" in body["errors"][0]["message"]
    assert await counts(yibao_platform) == rows
    assert (await zhongshan.select(pid, DESIGNATED["code"], on="2026-03-02"))["errors"] == []


async def test_zs5_coverage_leaves_out_an_institution_designated_for_nothing(zhongshan, imported, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02")
    covered = {i["code"] for i in await zhongshan.coverage(pid, on="2026-03-02")}
    assert DESIGNATED["code"] in covered and SHIQI_CENTRE in covered
    assert UNDESIGNATED["code"] not in covered


async def test_zs5_in1_coverage_for_a_kind_uses_only_institutions_designated_for_that_kind(zhongshan, imported, new_id):
    # The PRENATAL-only station lies in the selected clinic's 镇街 and is a 社区卫生服务站, so the
    # town filter alone would take it in: general-outpatient coverage must leave it out (IN-1).
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02")
    covered = {i["code"] for i in await zhongshan.coverage(pid, on="2026-03-02")}
    assert PRENATAL_ONLY["code"] not in covered
    assert DESIGNATED["code"] in covered
