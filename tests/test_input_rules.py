"""One validation layer for string and JSON inputs before any service runs (issue 10): control
characters refused (line breaks allowed in free text), Unicode NFC, a maximum length per field taken
from its storage column, and `details` a bounded JSON object. Coded top-level errors with the field
path, every reason at once, nothing written; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from yibao.core import input_rules
from yibao.core.storage import tables

from .support import IDENTITY, REGISTER, SHIQI_CENTRE, counts, submit

SEARCH = "query($s: String!) { institutions(city: \"zhongshan\", search: $s) { totalCount } }"
NAME = "query($id: String!) { person(idNumber: $id) { name } }"


async def register(zhongshan, pid: str, name: str, **extra):
    return await zhongshan.client(REGISTER, {"input": {"idNumber": pid, "name": name, "city": "zhongshan",
                                                       "scheme": "EMPLOYEE", **extra}},
                                  token=zhongshan.agency, today="2026-03-02")


def only(result, code: str, field: list[str]) -> dict:
    assert result.data is None and result.error_codes() == [code], result.errors
    ext = result.errors[0]["extensions"]
    assert ext["field"] == field and ext["message"] and ext["messageEn"]
    return ext


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x85", "\n", "\t"])
async def test_a_control_character_in_a_name_is_refused_with_its_path(zhongshan, yibao_platform, new_id, char):
    before = await counts(yibao_platform)
    ext = only(await register(zhongshan, new_id(), f"张{char}三"), "INPUT_CONTROL_CHARACTER", ["input", "name"])
    assert ext["character"] == f"U+{ord(char):04X}"
    assert await counts(yibao_platform) == before


async def test_free_text_keeps_its_line_breaks(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    chosen = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02")
    ended = await zhongshan.end(chosen["selection"]["id"], "参保关系转出\r\n见附件\t第2页", on="2026-03-05")
    assert ended.errors is None and ended.data["endSelection"]["errors"] == []
    bell = await zhongshan.end(chosen["selection"]["id"], "转出\x07", on="2026-03-05")
    only(bell, "INPUT_CONTROL_CHARACTER", ["input", "reason"])


async def test_names_are_stored_nfc_from_variables_and_from_literals(zhongshan, yibao_platform, new_id):
    decomposed = "Jose\u0301 Mari\u0301a"  # é and í typed as letter + combining accent
    pid = new_id()
    assert (await register(zhongshan, pid, decomposed)).data["registerPerson"]["errors"] == []
    other = new_id()
    literal = await zhongshan.client(
        'mutation { registerPerson(input: {idNumber: "%s", name: "%s", city: "zhongshan", scheme: EMPLOYEE}) '
        '{ errors { code } } }' % (other, decomposed), token=zhongshan.agency, today="2026-03-02")
    assert literal.errors is None and literal.data["registerPerson"]["errors"] == []
    for number in (pid, other):
        shown = await zhongshan.client(NAME, {"id": number}, token=zhongshan.agency)
        assert shown.data["person"]["name"] == "Jos\u00e9 Mar\u00eda"


async def test_a_name_as_long_as_its_column_is_stored_one_longer_is_refused(zhongshan, yibao_platform, new_id):
    limit = tables.PersonRow.name.type.length
    pid = new_id()
    assert (await register(zhongshan, pid, "名" * limit)).data["registerPerson"]["errors"] == []
    before = await counts(yibao_platform)
    ext = only(await register(zhongshan, new_id(), "名" * (limit + 1)), "INPUT_TOO_LONG", ["input", "name"])
    assert ext["maxLength"] == limit and ext["length"] == limit + 1
    assert await counts(yibao_platform) == before


async def test_an_idempotency_key_longer_than_its_column_is_refused(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    limit = tables.ApplicationRow.idempotency_key.type.length
    too_long = await zhongshan.client(
        "mutation($input: SelectInstitutionInput!) { selectInstitution(input: $input) { errors { code } } }",
        {"input": {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": SHIQI_CENTRE,
                   "channel": "YUEYIBAO", "idempotencyKey": "k" * (limit + 1)}},
        token=zhongshan.person_token(pid), today="2026-03-02")
    only(too_long, "INPUT_TOO_LONG", ["input", "idempotencyKey"])
    fits = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02", key="k" * limit)
    assert fits["errors"] == []


async def test_a_50000_character_search_is_a_coded_error_on_both_paths(zhongshan):
    variable = await zhongshan.client(SEARCH, {"s": "石" * 50_000})
    ext = only(variable, "INPUT_TOO_LONG", ["search"])
    assert ext["maxLength"] == input_rules.TEXT_RULES["search"].max_length
    literal = await zhongshan.client('{ institutions(city: "zhongshan", search: "%s") { totalCount } }' % ("a" * 50_000))
    only(literal, "INPUT_TOO_LONG", ["search"])
    longest = await zhongshan.client(SEARCH, {"s": "a" * input_rules.TEXT_RULES["search"].max_length})
    assert longest.errors is None and longest.data["institutions"]["totalCount"] == 0


async def test_every_reason_at_once(zhongshan, new_id):
    result = await zhongshan.client(REGISTER, {"input": {"idNumber": "4" * 33, "name": "甲\x01", "city": "c" * 41,
                                                         "scheme": "EMPLOYEE"}}, token=zhongshan.agency)
    found = {(e["extensions"]["code"], tuple(e["extensions"]["field"])) for e in result.errors}
    assert found == {("INPUT_TOO_LONG", ("input", "idNumber")), ("INPUT_CONTROL_CHARACTER", ("input", "name")),
                     ("INPUT_TOO_LONG", ("input", "city"))}


@pytest.mark.parametrize(("details", "reason"), [
    (["proxy"], "NOT_OBJECT"), ("proxy", "NOT_OBJECT"), (7, "NOT_OBJECT"), (True, "NOT_OBJECT"),
    ({"a": {"b": {"c": {"d": {"e": 1}}}}}, "TOO_DEEP"), ({"facts": ["x" * 5000]}, "TOO_LARGE"),
])
async def test_details_must_be_a_bounded_json_object(zhongshan, yibao_platform, new_id, details, reason):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    before = await counts(yibao_platform)
    result = await submit(zhongshan, pid, "GD-14", [IDENTITY], on="2026-03-02", details=details)
    assert only(result, "INPUT_JSON_INVALID", ["input", "details"])["reason"] == reason
    assert await counts(yibao_platform) == before


async def test_details_strings_are_checked_and_an_object_is_accepted(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    nul = await submit(zhongshan, pid, "GD-14", [IDENTITY], on="2026-03-02", details={"facts": ["a\x00"]})
    only(nul, "BAD_USER_INPUT", ["input", "details", "facts", "0"])
    fine = await submit(zhongshan, pid, "GD-14", [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"],
                        on="2026-03-02", details={"facts": []})
    assert fine.errors is None and fine.data["submitApplication"]["errors"] == []


def test_every_limit_fits_its_column():
    """Where a rule is read from a column it is exactly that column's size (never larger)."""
    assert input_rules.TEXT_RULES["idNumber"].max_length == tables.PersonRow.id_number.type.length == 32
    assert input_rules.TEXT_RULES["RegisterPersonInput.name"].max_length == tables.PersonRow.name.type.length
    assert input_rules.TEXT_RULES["destination"].max_length == tables.RemoteFilingRow.destination.type.length
    assert input_rules.TEXT_RULES["materials"].max_length == tables.ApplicationSubstitutionRow.substitute.type.length
