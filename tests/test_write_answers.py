"""Issue 9: selectInstitution answers from what it wrote (nothing read back). The payload's
selection and application (SE-5) must be field for field what a later read returns, for a first
choice and a ZS-3 change (the replaced record's END_SCHEDULED and its new end date included)."""

from __future__ import annotations

from .support import DONGQU_CENTRE, SHIQI_CENTRE

SELECTION = """
fragment S on Selection {
  id kind slot status effectiveFrom effectiveTo replaces channel scheme createdOn endReason
  institution { id code name town level category services networks { kind id name } }
  application { ...A }
}
fragment A on Application {
  id itemCode status channel submittedOn dueDate dueDateNote calendarFallback overdue materials
  substitutions { substitute } selectionId filingId byProxy
  selectionRequest { kind institution { code } slot replaces appliedOn status }
  events { status businessDate actor channel reason missingMaterials }
}"""
SELECT = SELECTION + """
mutation($input: SelectInstitutionInput!) { selectInstitution(input: $input) { selection { ...S } errors { code } } }"""
READ = SELECTION + """
query($id: String!) { person(idNumber: $id) { selections(includeHistory: true) { ...S } } }"""


async def test_the_select_payload_is_what_a_later_read_returns(zhongshan, new_id):
    client = zhongshan.client
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    token = zhongshan.person_token(pid)
    answers = []
    for code, day in ((SHIQI_CENTRE, "2026-03-02"), (DONGQU_CENTRE, "2026-03-10")):  # ZS-3: the change from 1 April
        r = await client(SELECT, {"input": {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": code,
                                            "channel": "YUEYIBAO"}}, token=token, today=day)
        assert r.errors is None and r.data["selectInstitution"]["errors"] == [], r
        answer = r.data["selectInstitution"]["selection"]
        read = await client(READ, {"id": pid}, token=zhongshan.agency, today=day)
        assert read.errors is None, read.errors
        stored = {s["id"]: s for s in read.data["person"]["selections"]}
        assert stored[answer["id"]] == answer
        answers.append((answer, stored))
    (first, _), (change, stored) = answers
    assert [e["status"] for e in change["application"]["events"]] == ["SUBMITTED", "APPROVED"]
    assert change["replaces"] == first["id"] and change["effectiveFrom"] == "2026-04-01"
    assert stored[first["id"]]["effectiveTo"] == "2026-03-31"  # the replaced record ends the day before (ZS-3)
