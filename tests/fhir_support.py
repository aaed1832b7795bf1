"""Helpers for the FHIR tests: HTTP calls and validation of every resource with fhir.resources (R4)."""

from __future__ import annotations

import orjson
from fhir.resources import __fhir_version__ as FHIR_VERSION
from fhir.resources import construct_fhir_element

# The test extras pin the release whose models are R4 (not R4B, not R5): docs/fhir.md.
assert FHIR_VERSION == "4.0.1", FHIR_VERSION


# Required bindings the models do not check (fhir.resources checks structure, types and cardinality).
REQUIRED_CODES = {
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Coverage", "status"): {"active", "cancelled", "draft", "entered-in-error"},
    ("Bundle", "type"): {"searchset"},
}
ISSUE_TYPES = {"login", "forbidden", "not-found", "invalid", "not-supported", "processing", "exception"}


def validated(resource: dict) -> dict:
    """Construct the R4 model from the JSON (raises on any invalid element) and return the JSON."""
    model = construct_fhir_element(resource["resourceType"], resource)
    assert model.resource_type == resource["resourceType"]
    for (kind, element), allowed in REQUIRED_CODES.items():
        if resource["resourceType"] == kind and element in resource:
            assert resource[element] in allowed, (kind, element, resource[element])
    for issue in resource.get("issue", ()) if resource["resourceType"] == "OperationOutcome" else ():
        assert issue["severity"] == "error" and issue["code"] in ISSUE_TYPES
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", ()):
            validated(entry["resource"])
    return resource


async def get(client, path: str, *, token: str | None = None, today: str | None = None,
              headers: dict[str, str] | None = None, method: str = "GET"):
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if today:
        sent["X-Business-Date"] = today
    return await client.http.request(method, path, headers=sent)


async def fhir(client, path: str, status: int = 200, **kwargs) -> dict:
    """GET a FHIR JSON answer, check its status and media type, validate it."""
    response = await get(client, path, **kwargs)
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/fhir+json")
    return validated(orjson.loads(response.content))


def outcome_code(body: dict) -> tuple[str, str]:
    """(FHIR issue type, the platform's error code) of an OperationOutcome."""
    assert body["resourceType"] == "OperationOutcome"
    issue = body["issue"][0]
    assert issue["severity"] == "error" and issue["details"]["text"] and issue["diagnostics"]
    return issue["code"], issue["details"]["coding"][0]["code"]
