"""Other selection kinds have preconditions (SE-1; seed 002 items 20, 21, 25), through GraphQL on
SQLite and PostgreSQL: 产检 is for persons entitled to maternity-insurance benefits (a woman under
the employee scheme, which carries 生育保险), 门特 needs a recognised special disease on record
(an approved GD-20 门诊特定病种待遇认定)."""

from __future__ import annotations

from .support import counts, review, snapshot, submit

BOAI = "H44200100009"  # 中山市博爱医院: 门特, 产检
PEOPLES = "H44200130001"  # 中山市人民医院: 门特, 产检


def female(new_id) -> str:
    while True:
        pid = new_id()
        if int(pid[16]) % 2 == 0:
            return pid


def male(new_id) -> str:
    while True:
        pid = new_id()
        if int(pid[16]) % 2 == 1:
            return pid


async def test_se1_prenatal_is_refused_to_a_man(zhongshan, yibao_platform, new_id):
    pid = male(new_id)
    await zhongshan.register(pid, "EMPLOYEE", on="2026-02-01")
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    body = await zhongshan.select(pid, BOAI, kind="PRENATAL", on="2026-02-01")
    assert [e["code"] for e in body["errors"]] == ["NOT_ENTITLED"]
    assert "生育保险" in body["errors"][0]["message"] and "maternity" in body["errors"][0]["messageEn"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state


async def test_se1_prenatal_needs_the_maternity_insurance_basis(zhongshan, new_id):
    resident = female(new_id)
    await zhongshan.register(resident, "RESIDENT", on="2026-02-01")
    body = await zhongshan.select(resident, BOAI, kind="PRENATAL", on="2026-02-01")
    assert [e["code"] for e in body["errors"]] == ["NOT_ENTITLED"]
    employee = female(new_id)
    await zhongshan.register(employee, "EMPLOYEE", on="2026-02-01")
    assert (await zhongshan.select(employee, BOAI, kind="PRENATAL", on="2026-02-01"))["errors"] == []


async def test_se1_special_disease_needs_a_recognised_special_disease(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, "EMPLOYEE", on="2026-02-01")
    rows = await counts(yibao_platform)
    body = await zhongshan.select(pid, PEOPLES, kind="SPECIAL_DISEASE", on="2026-02-02")
    assert [e["code"] for e in body["errors"]] == ["NOT_ENTITLED"]
    assert "门诊特定病种待遇认定" in body["errors"][0]["message"]
    assert await counts(yibao_platform) == rows
    # item 20: the recognition, done by a qualified institution and approved
    sent = await submit(zhongshan, pid, "GD-20", ["医保电子凭证", "《门诊特定病种待遇认定申请表》", "病历资料"],
                        on="2026-02-03", token=zhongshan.client.token("institution", city="zhongshan"),
                        channel="INSTITUTION")
    app = sent.data["submitApplication"]["application"]
    assert sent.data["submitApplication"]["errors"] == []
    await review(zhongshan, app["id"], "APPROVE", on="2026-02-04")
    ok = await zhongshan.select(pid, PEOPLES, kind="SPECIAL_DISEASE", on="2026-02-05")
    assert ok["errors"] == [] and ok["selection"]["status"] == "EFFECTIVE"
