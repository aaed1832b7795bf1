"""A NUL character in any string argument is a client mistake, coded BAD_USER_INPUT on SQLite and
PostgreSQL (which cannot store it), never INTERNAL_ERROR; new arguments also take empty, very long
and wrong-id values with coded answers (issue 10's first input case; the checklist for new inputs)."""

from __future__ import annotations

import pytest

from .support import counts

QUERIES = {
    "institutions(network:)": ('query($v: String!) { institutions(city: "zhongshan", network: {kind: SETTLEMENT_HOSPITAL, id: $v}) '
                               '{ totalCount } }', False),
    "selectionOptions": ('query($v: String!) { selectionOptions(idNumber: $v, kind: GENERAL_OUTPATIENT) { __typename } }', True),
    "person": ('query($v: String!) { person(idNumber: $v) { id } }', True),
    "coverage": ('query($v: String!) { coverage(idNumber: $v) { code } }', True),
    "recordPersonCategory": ('mutation($v: String!) { recordPersonCategory(input: {idNumber: $v, category: STUDENT, '
                             'validFrom: "2026-01-01"}) { errors { code } } }', True),
    "fileRemoteTreatment": ('mutation($v: String!) { fileRemoteTreatment(input: {idNumber: "442000199001011233", '
                            'type: TEMPORARY, destination: $v, startOn: "2026-03-01", basis: MATERIALS, materials: []}) '
                            '{ errors { code } } }', True),
    "withdrawApplication": ('mutation($v: ID!) { withdrawApplication(input: {applicationId: $v}) { errors { code } } }', True),
    "cancelRemoteFiling": ('mutation($v: ID!) { cancelRemoteFiling(input: {filingId: $v}) { errors { code } } }', True),
}


def _codes(result) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in (result.errors or [])]


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_a_nul_in_a_variable_is_bad_user_input_and_writes_nothing(zhongshan, yibao_platform, name):
    query, needs_token = QUERIES[name]
    before = await counts(yibao_platform)
    result = await zhongshan.client(query, {"v": "4420\x0019900101"}, token=zhongshan.agency if needs_token else None,
                                    today="2026-03-02")
    assert _codes(result) == ["BAD_USER_INPUT"], result.errors
    assert await counts(yibao_platform) == before


async def test_a_nul_in_a_literal_is_bad_user_input(zhongshan):
    result = await zhongshan.client('{ coverage(idNumber: "4420\\u000019900101") { code } }', token=zhongshan.agency,
                                    today="2026-03-02")
    assert _codes(result) == ["BAD_USER_INPUT"], result.errors


@pytest.mark.parametrize("value", ["", "x" * 100_000, "UmVtb3RlRmlsaW5nOjE=", "Selection:1"])
@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_other_unusual_values_get_coded_answers(zhongshan, name, value):
    query, needs_token = QUERIES[name]
    result = await zhongshan.client(query, {"v": value}, token=zhongshan.agency if needs_token else None,
                                    today="2026-03-02")
    assert "INTERNAL_ERROR" not in _codes(result), result.errors
    assert all(code for code in _codes(result))  # every top-level error carries its code
