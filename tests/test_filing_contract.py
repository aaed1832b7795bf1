"""CONTRACT.md's filing names are served exactly: the enums, the mutations' inputs and payloads,
Person.remoteFilings and remoteFiling(id:)."""

from __future__ import annotations

from yibao.schema.build import schema


def _type(name: str):
    return schema._schema.type_map[name]


def test_contract_enums():
    assert list(_type("RemoteFilingType").values) == [
        "RETIREE_RESETTLED", "LONG_TERM_RESIDENT", "STATIONED_WORKER", "TEMPORARY", "REFERRAL", "EMERGENCY",
        "MATERNITY"]
    assert list(_type("FilingBasis").values) == ["MATERIALS", "COMMITMENT"]


def test_contract_mutations_and_fields():
    mutation = _type("Mutation").fields
    file_input = _type("FileRemoteTreatmentInput").fields
    assert {"idNumber", "type", "destination", "startOn", "basis", "materials", "outpatientInstitutionCodes",
            "idempotencyKey"} <= set(file_input)
    assert str(file_input["type"].type) == "RemoteFilingType!" and str(file_input["basis"].type) == "FilingBasis"
    assert str(mutation["fileRemoteTreatment"].type) == "RemoteFilingPayload!"
    payload = _type("RemoteFilingPayload").fields
    assert {"filing", "application", "errors"} <= set(payload)
    filing = _type("RemoteFiling").fields
    assert {"id", "status", "type", "validFrom", "validUntil", "lockedUntil", "benefitAdjustments"} <= set(filing)
    assert {"inpatientRatioPoints", "localGeneralOutpatient"} <= set(_type("BenefitAdjustments").fields)
    assert {"id", "status", "dueDate"} <= set(_type("Application").fields)
    assert set(_type("CancelRemoteFilingInput").fields) >= {"filingId"}
    assert {"filing", "errors"} <= set(_type(str(mutation["cancelRemoteFiling"].type).rstrip("!")).fields)
    assert "remoteFilings" in _type("Person").fields
    assert str(_type("Query").fields["remoteFiling"].args["id"].type) == "ID!"
    assert "Node" in [i.name for i in _type("RemoteFiling").interfaces]
