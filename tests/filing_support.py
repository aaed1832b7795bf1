"""Helpers for the remote-filing tests (RF-1..6): the mutations and queries as a client sends them."""

from __future__ import annotations

from .support import City

FILING_FIELDS = """
  id type status destination destinationName startOn basis deemed validFrom validUntil lockedUntil approvedOn
  materialsCompletedOn cancelledOn materials byProxy
  benefitAdjustments { inpatientRatioPoints localGeneralOutpatient since reason rule }
  outpatientChoices { name level institutionCode selectionId }
  history { status businessDate actor reason }
  application { id itemCode status dueDate filingId events { status reason missingMaterials } }
"""
ERRORS = "errors { code field message messageEn }"

FILE = f"""
mutation($input: FileRemoteTreatmentInput!) {{
  fileRemoteTreatment(input: $input) {{ filing {{ {FILING_FIELDS} }} application {{ id status dueDate }} {ERRORS} }}
}}"""

CANCEL = f"""
mutation($id: ID!) {{ cancelRemoteFiling(input: {{ filingId: $id }}) {{ filing {{ {FILING_FIELDS} }} {ERRORS} }} }}"""

COMPLETE = f"""
mutation($id: ID!, $materials: [String!]!) {{
  completeRemoteFilingMaterials(input: {{ filingId: $id, materials: $materials }}) {{ filing {{ {FILING_FIELDS} }} {ERRORS} }}
}}"""

FILING = f"""query($id: ID!, $on: Date) {{ remoteFiling(id: $id) {{ {FILING_FIELDS}
  later: benefitAdjustments(on: $on) {{ inpatientRatioPoints localGeneralOutpatient since }}
  unsettledCosts {{ message itemCodes items {{ code name }} }} }} }}"""

REVIEW = f"""
mutation($input: ReviewApplicationInput!) {{
  reviewApplication(input: $input) {{ application {{ id status filingId events {{ status reason }} }} {ERRORS} }}
}}"""

EXPLAINED = """query($id: String!, $on: Date) {
  coverageExplained(idNumber: $id, on: $on) { institutions { code } reasons { code message messageEn } } }"""

IDENTITY = "有效身份证件"
FORM = "《广东省异地就医登记备案表》"
HOUSEHOLD = "居民户口簿（户口簿首页和本人常住人口登记卡）"
RESIDENCE = "居住证"
BEIJING = "110000"
GUANGZHOU = "440100"
LONG_TERM = [IDENTITY, FORM, RESIDENCE]
COMMITMENT = [IDENTITY, FORM, "个人承诺书"]


async def file(city: City, id_number: str, type_: str, destination: str, materials: list[str], *, on: str,
               token: str | None = None, **extra) -> dict:
    payload = {"idNumber": id_number, "type": type_, "destination": destination, "materials": materials, **extra}
    result = await city.client(FILE, {"input": payload}, token=token or city.person_token(id_number), today=on)
    assert result.errors is None, result.errors
    return result.data["fileRemoteTreatment"]


async def decide(city: City, application_id: str, decision: str, *, on: str, reason: str | None = None,
                 missing: list[str] | None = None) -> dict:
    payload = {"applicationId": application_id, "decision": decision, "reason": reason, "missingMaterials": missing}
    result = await city.client(REVIEW, {"input": payload}, token=city.agency, today=on)
    assert result.errors is None, result.errors
    return result.data["reviewApplication"]


async def approved(city: City, id_number: str, type_: str, destination: str, materials: list[str], *, on: str,
                   **extra) -> dict:
    """File online and have the agency approve it the same day; returns the filing as read afterwards."""
    body = await file(city, id_number, type_, destination, materials, on=on, **extra)
    assert body["errors"] == [], body["errors"]
    review = await decide(city, body["application"]["id"], "APPROVE", on=on)
    assert review["errors"] == [], review["errors"]
    return await read(city, body["filing"]["id"], on=on)


async def read(city: City, filing_id: str, *, on: str, later: str | None = None) -> dict:
    result = await city.client(FILING, {"id": filing_id, "on": later}, token=city.agency, today=on)
    assert result.errors is None, result.errors
    return result.data["remoteFiling"]


async def cancel(city: City, filing_id: str, *, on: str, token: str | None = None) -> dict:
    result = await city.client(CANCEL, {"id": filing_id}, token=token or city.agency, today=on)
    assert result.errors is None, result.errors
    return result.data["cancelRemoteFiling"]


def codes(body: dict) -> list[str]:
    return [e["code"] for e in body["errors"]]
