"""ID-3: one scheme at a time, changes dated, history kept; registration refusals (SE-4)."""

from __future__ import annotations

from .support import REGISTER, counts


async def test_id3_scheme_changes_are_dated_and_history_is_kept(zhongshan, yibao_client, new_id):
    pid = new_id()
    await zhongshan.register(pid, "RESIDENT", on="2026-01-10", since="2025-01-01")
    changed = await zhongshan.change_scheme(pid, "EMPLOYEE", on="2026-03-01", effective_on="2026-04-01")
    assert changed["errors"] == []
    assert [(p["scheme"], p["validFrom"], p["validTo"]) for p in changed["person"]["schemeHistory"]] == [
        ("RESIDENT", "2025-01-01", "2026-03-31"), ("EMPLOYEE", "2026-04-01", "2099-12-31")]
    before = await yibao_client("query($id: String!) { person(idNumber: $id) { scheme } }", {"id": pid},
                                token=zhongshan.agency, today="2026-03-31")
    after = await yibao_client("query($id: String!) { person(idNumber: $id) { scheme } }", {"id": pid},
                               token=zhongshan.agency, today="2026-04-01")
    assert (before.data["person"]["scheme"], after.data["person"]["scheme"]) == ("RESIDENT", "EMPLOYEE")


async def test_id3_refusals_write_nothing(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, "EMPLOYEE", on="2026-01-10", since="2026-01-01")
    rows = await counts(yibao_platform)
    same = await zhongshan.change_scheme(pid, "EMPLOYEE", on="2026-03-01")
    assert [e["code"] for e in same["errors"]] == ["SCHEME_UNCHANGED"]
    backdated = await zhongshan.change_scheme(pid, "RESIDENT", on="2026-03-01", effective_on="2025-12-01")
    assert [e["code"] for e in backdated["errors"]] == ["INVALID_DATE"]
    assert await counts(yibao_platform) == rows


async def test_id3_one_person_one_registration(zhongshan, yibao_client, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-10")
    rows = await counts(yibao_platform)
    again = await yibao_client(REGISTER, {"input": {"idNumber": pid, "name": "重复", "city": "shenzhen",
                                                    "scheme": "EMPLOYEE"}},
                               token=yibao_client.token("admin"), today="2026-01-11")
    assert [e["code"] for e in again.data["registerPerson"]["errors"]] == ["PERSON_EXISTS"]
    assert await counts(yibao_platform) == rows


async def test_document_type_is_a_closed_enum_with_the_same_strings(yibao_client):
    """Issue 14: a closed value set is an enum; the wire value is the same upper-snake string."""
    agency = yibao_client.token("agency", city="zhongshan")
    result = await yibao_client(
        'mutation { registerPerson(input: { idNumber: "E12345678", documentType: "PASSPORT", name: "护照参保人",'
        ' city: "zhongshan", scheme: RESIDENT }) { person { documentType } errors { code } } }', token=agency)
    assert result.errors is None, result.errors
    assert result.data["registerPerson"] == {"person": {"documentType": "PASSPORT"}, "errors": []}
    enum = await yibao_client('{ __type(name: "DocumentType") { enumValues { name description } } }')
    values = {v["name"]: v["description"] for v in enum.data["__type"]["enumValues"]}
    assert set(values) == {"RESIDENT_ID", "HOUSEHOLD_REGISTER", "PASSPORT", "HK_MACAO_PERMIT",
                           "HMT_RESIDENCE_PERMIT", "FOREIGN_PERMANENT_RESIDENCE"} and all(values.values())
