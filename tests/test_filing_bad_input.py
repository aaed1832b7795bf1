"""Bad input to the filing mutations gets clear codes, never INTERNAL_ERROR, and writes nothing."""

from __future__ import annotations

import pytest

from .filing_support import BEIJING, CANCEL, FILE, LONG_TERM, codes, file
from .support import counts


@pytest.fixture
async def pid(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-01-05")
    return pid


async def test_bad_values_are_coded_and_write_nothing(zhongshan, yibao_platform, pid):
    rows = await counts(yibao_platform)
    past = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02", startOn="2026-03-01")
    assert codes(past) == ["INVALID_DATE"]
    # issue 10's input layer: a value longer than its column is refused before the service, with its path
    huge = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "LONG_TERM_RESIDENT", "destination": BEIJING,
                                                   "materials": ["x" * 100_000, ""]}}, token=zhongshan.agency,
                                  today="2026-03-02")
    assert huge.error_codes() == ["INPUT_TOO_LONG"] and huge.errors[0]["extensions"]["field"] == ["input", "materials", "0"]
    empty = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, [""], on="2026-03-02")
    assert set(codes(empty)) == {"MATERIALS_MISSING"}
    # a NUL is refused for every string argument before the service runs (tests/test_nul_inputs.py)
    nul = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "TEMPORARY", "destination": BEIJING,
                                                  "materials": ["\x00"]}}, token=zhongshan.agency, today="2026-03-02")
    assert nul.error_codes() == ["BAD_USER_INPUT"]
    named = await file(zhongshan, pid, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on="2026-03-02",
                       outpatientChoices=[{"name": "x" * 200, "level": "LEVEL_1_OR_BELOW"}, {"name": ""}])
    assert codes(named) == ["REMOTE_CHOICE_INVALID"]  # one reason, said once
    too_long = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "LONG_TERM_RESIDENT", "destination": BEIJING,
                                                       "materials": LONG_TERM, "outpatientChoices": [{"name": "x" * 201}]}},
                                      token=zhongshan.agency, today="2026-03-02")
    assert too_long.error_codes() == ["INPUT_TOO_LONG"]
    nobody = await zhongshan.client(FILE, {"input": {"idNumber": "123", "type": "TEMPORARY", "destination": BEIJING,
                                                     "materials": []}}, token=zhongshan.agency, today="2026-03-02")
    assert [e["code"] for e in nobody.data["fileRemoteTreatment"]["errors"]] == ["INVALID_ID_NUMBER"]
    assert await counts(yibao_platform) == rows


async def test_wrong_types_other_cities_and_foreign_ids_are_request_errors(zhongshan, yibao_client, pid):
    wrong = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "HOLIDAY", "destination": BEIJING,
                                                    "materials": []}}, token=zhongshan.agency, today="2026-03-02")
    assert wrong.errors and wrong.error_codes()[0] != "INTERNAL_ERROR"
    other_city = yibao_client.token("agency", city="jiangmen_kaiping")
    denied = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "TEMPORARY", "destination": BEIJING,
                                                     "materials": []}}, token=other_city, today="2026-03-02")
    assert denied.errors is None  # another city's person answers as an unregistered one (no existence oracle)
    assert [(e["code"], e["field"]) for e in denied.data["fileRemoteTreatment"]["errors"]] == [("NOT_FOUND", ["idNumber"])]
    person_id = (await zhongshan.client("query($id: String!) { person(idNumber: $id) { id } }", {"id": pid},
                                        token=zhongshan.agency)).data["person"]["id"]
    not_a_filing = await zhongshan.client(CANCEL, {"id": person_id}, token=zhongshan.agency, today="2026-03-02")
    assert not_a_filing.error_codes() == ["INVALID_ID"]
    anonymous = await zhongshan.client(FILE, {"input": {"idNumber": pid, "type": "TEMPORARY", "destination": BEIJING,
                                                        "materials": []}})
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
