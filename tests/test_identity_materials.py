"""Identity documents and the names people write (ID-1, SC-4; seed 002 item 36), through GraphQL on
SQLite and PostgreSQL: 社保卡, 居民身份证, 台湾居民来往大陆通行证, 外国人永久居留身份证 and 代办人身份证
are accepted, mapped to the catalogue's names, and the application says which was understood."""

from __future__ import annotations

import pytest

from .support import submit

FIELDS = """mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) {
  application { materials materialsUnderstood { given understoodAs } } errors { code message } } }"""
FORM = "《普通门诊定点医疗机构选定表》"
GD20_FORM = "《门诊特定病种待遇认定申请表》"


async def apply(zhongshan, pid, materials, *, token=None, item="GD-20", details=None):
    payload = {"idNumber": pid, "serviceItemCode": item, "channel": "WINDOW", "materials": materials}
    if details:
        payload["details"] = details
    result = await zhongshan.client(FIELDS, {"input": payload}, token=token or zhongshan.agency, today="2026-03-10")
    assert result.errors is None, result.errors
    return result.data["submitApplication"]


@pytest.mark.parametrize("given, understood", [
    ("社保卡", "社会保障卡"),
    ("居民身份证", "身份证"),
    ("台湾居民来往大陆通行证", "有效身份证件"),
    ("外国人永久居留身份证", "外国人永久居留证"),
    ("电子医保凭证", "医保电子凭证"),
])
async def test_id1_identity_documents_people_write_are_accepted_and_named(zhongshan, new_id, given, understood):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    body = await apply(zhongshan, pid, [given, GD20_FORM, "病历资料"])
    assert body["errors"] == []
    assert body["application"]["materialsUnderstood"] == [{"given": given, "understoodAs": understood}]
    assert given in body["application"]["materials"]


async def test_sc4_a_proxys_own_id_as_people_write_it(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    body = await apply(zhongshan, pid, ["社保卡", GD20_FORM, "病历资料", "代办人身份证", "委托书"],
                       token=zhongshan.client.token("proxy", person=pid))
    assert body["errors"] == []
    assert {u["given"]: u["understoodAs"] for u in body["application"]["materialsUnderstood"]} == {
        "社保卡": "社会保障卡", "代办人身份证": "委托人及代理人身份证件原件", "委托书": "授权委托书"}


async def test_id1_an_unknown_document_is_still_missing(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    body = await apply(zhongshan, pid, ["驾驶证", GD20_FORM, "病历资料"])
    assert [e["code"] for e in body["errors"]] == ["MATERIALS_MISSING"]
