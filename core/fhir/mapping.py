"""Domain values to FHIR R4 resources (plain JSON dicts). Pure: no storage, no access checks.

The service (core/fhir/service.py) reads the values, decides what the caller may see (the shown ID
number, ID-2) and hands them here. docs/fhir.md has the mapping table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..domain import OPEN_END, CityInfo, Institution, NetworkKind, Person, SchemePeriod, Selection, SelectionKind, SelectionStatus
from ..filings.domain import TYPE_ZH, BenefitAdjustments, Filing
from . import codes as c

Resource = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PatientView:
    """A person as one caller may see them: `shown_id_number` is masked or not (ID-2)."""

    person: Person
    shown_id_number: str
    selections: tuple[Selection, ...]
    filings: tuple[tuple[Filing, BenefitAdjustments], ...] = ()
    last_updated: datetime | None = None

    @property
    def masked(self) -> bool:
        return self.shown_id_number != self.person.id_number


def instant(moment: datetime) -> str:
    """A FHIR instant (UTC); SQLite hands back naive datetimes that were written in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _period(start: date | None, end: date | None) -> dict[str, str]:
    out = {}
    if start is not None:
        out["start"] = start.isoformat()
    if end is not None and end != OPEN_END:  # SE-2: 2099-12-31 means open-ended
        out["end"] = end.isoformat()
    return out


def _meta(last_updated: datetime | None, masked: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if last_updated is not None:
        meta["lastUpdated"] = instant(last_updated)
    if masked:  # ID-2: the identifier values are masked for this caller
        meta["security"] = [{"system": c.V3_OBSERVATION_VALUE, "code": c.MASKED, "display": "masked"}]
    return meta


# -- Organization ----------------------------------------------------------------------------

def organization(inst: Institution, city: CityInfo | None, town_codes: dict[str, str] | None = None) -> Resource:
    """IN-1: a designated institution; id and identifier are its 12-character code."""
    town_codes = town_codes or {}
    address: dict[str, Any] = {"use": "work", "type": "physical", "country": "CN"}
    extensions = []
    if inst.division_code:
        extensions.append({"url": c.EXT_DIVISION, "valueCoding": {"system": c.DIVISION, "code": inst.division_code}})
    if inst.town and town_codes.get(inst.town):
        extensions.append({"url": c.EXT_TOWN_CODE,
                           "valueCoding": {"system": c.DIVISION, "code": town_codes[inst.town], "display": inst.town}})
    if extensions:
        address["extension"] = extensions
    if city is not None:
        address["city"] = city.name
    if inst.town:
        address["district"] = inst.town  # 镇街 / district below the city
    address["text"] = "".join(x for x in ((city.name if city else ""), inst.town or "") if x) or inst.name
    resource: Resource = {
        "resourceType": "Organization",
        "id": inst.code,
        "identifier": [{"use": "official", "system": c.INSTITUTION_CODE_SYSTEM, "value": inst.code}],
        "active": inst.withdrawn_on is None,
        "type": [
            {"coding": [{"system": c.ORGANIZATION_TYPE, "code": "prov", "display": "Healthcare Provider"}]},
            {"coding": [{"system": c.INSTITUTION_LEVEL, "code": inst.level.value, "display": c.LEVEL_ZH[inst.level]}],
             "text": c.LEVEL_ZH[inst.level]},
            {"coding": [{"system": c.INSTITUTION_CATEGORY, "code": inst.category, "display": inst.category}],
             "text": inst.category},
        ],
        "name": inst.name,
        "address": [address],
    }
    ext = [{"url": c.EXT_SERVICE, "valueCoding": {"system": c.SELECTION_KIND, "code": s.value,
                                                  "display": c.KIND_ZH[s]}} for s in inst.services]
    for m in inst.networks:
        ext.append({"url": c.EXT_NETWORK, "extension": [
            {"url": "kind", "valueCoding": {"system": c.NETWORK_KIND, "code": m.kind.value}},
            {"url": "id", "valueString": m.id},
            *([{"url": "name", "valueString": m.name}] if m.name else []),
        ]})
    if ext:
        resource["extension"] = ext
    # SZ-3: a 社康 settles through its settlement hospital: that hospital is the organisation it is part of.
    heads = [m for m in inst.networks_of(NetworkKind.SETTLEMENT_HOSPITAL) if m.id != inst.code]
    if heads:
        resource["partOf"] = {"reference": f"Organization/{heads[0].id}", **({"display": heads[0].name}
                                                                              if heads[0].name else {})}
    return resource


def organization_reference(inst: Institution) -> dict[str, Any]:
    return {"reference": f"Organization/{inst.code}", "display": inst.name,
            "identifier": {"system": c.INSTITUTION_CODE_SYSTEM, "value": inst.code}}


# -- Patient ---------------------------------------------------------------------------------

def identifier(person: Person, shown: str, *, use: str = "official", member: bool = False) -> dict[str, Any]:
    doc = person.document_type
    coding = []
    if member:
        coding.append({"system": c.V2_0203, "code": c.MEMBER_NUMBER[0], "display": c.MEMBER_NUMBER[1]})
    elif doc in c.DOCUMENT_V2:
        code, display = c.DOCUMENT_V2[doc]
        coding.append({"system": c.V2_0203, "code": code, "display": display})
    coding.append({"system": c.DOCUMENT_TYPE, "code": doc, "display": c.DOCUMENT_ZH.get(doc, doc)})
    return {"use": use, "type": {"coding": coding, "text": c.DOCUMENT_ZH.get(doc, doc)},
            "system": c.DOCUMENT_SYSTEMS.get(doc, f"{c.CANONICAL}/sid/{doc.lower().replace('_', '-')}"),
            "value": shown}


def general_practitioners(selections: Iterable[Selection], today: date) -> list[Selection]:
    """The GENERAL_OUTPATIENT selections in force today (an employee may hold two slots, KP-2)."""
    return [s for s in selections if s.kind is SelectionKind.GENERAL_OUTPATIENT
            and s.status_on(today) is SelectionStatus.EFFECTIVE]


def patient(view: PatientView, city: CityInfo | None, today: date) -> Resource:
    person = view.person
    resource: Resource = {"resourceType": "Patient", "id": str(person.id)}
    meta = _meta(view.last_updated, view.masked)
    if meta:
        resource["meta"] = meta
    if city is not None:
        resource["extension"] = [{"url": c.EXT_INSURED_CITY, "valueCoding": {
            "system": c.DIVISION, "code": city.division_code, "display": city.name}}]
    resource["identifier"] = [identifier(person, view.shown_id_number)]
    resource["active"] = True
    resource["name"] = [{"use": "official", "text": person.name}]
    female = person.is_female()  # GB 11643: the 17th character (odd: male, even: female)
    if female is not None:
        resource["gender"] = "female" if female else "male"
    born = person.birth_date
    if born is not None:
        resource["birthDate"] = born.isoformat()
    gps = general_practitioners(view.selections, today)
    if gps:
        resource["generalPractitioner"] = [organization_reference(s.institution) for s in gps]
    return resource


# -- Coverage --------------------------------------------------------------------------------

def coverage_id(person_id: int, position: int) -> str:
    """The n-th (1-based) period of a person's scheme history (ID-3: append-only, so stable)."""
    return f"{person_id}-{position}"


def _as_of(period: SchemePeriod, today: date) -> date:
    if period.valid_from <= today <= period.valid_to:
        return today
    return period.valid_to if period.valid_to < today else period.valid_from


def _filing_extension(filing: Filing, benefits: BenefitAdjustments, today: date) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "identifier", "valueIdentifier": {"system": c.REMOTE_FILING_SYSTEM, "value": str(filing.id)}},
        {"url": "type", "valueCoding": {"system": c.FILING_TYPE, "code": filing.type.value,
                                        "display": TYPE_ZH[filing.type]}},
        {"url": "status", "valueCoding": {"system": c.FILING_STATUS, "code": filing.status_on(today).value}},
        {"url": "destination", "valueCoding": {"system": c.DIVISION, "code": filing.destination,
                                               "display": filing.destination_name}},
        {"url": "period", "valuePeriod": _period(filing.valid_from or filing.start_on, filing.valid_until)},
    ]
    if filing.basis is not None:
        parts.append({"url": "basis", "valueCoding": {"system": c.FILING_BASIS, "code": filing.basis.value}})
    if filing.locked_until is not None:
        parts.append({"url": "lockedUntil", "valueDate": filing.locked_until.isoformat()})
    # RF-5: what the filing changes back home, computed for today by the city's rules.
    parts.append({"url": "inpatientRatioPoints", "valueInteger": benefits.inpatient_ratio_points})
    parts.append({"url": "localGeneralOutpatient", "valueBoolean": benefits.local_general_outpatient})
    for choice in filing.choices:  # RF-4: outpatient choices at the destination
        ref: dict[str, Any] = {"display": choice.name}
        if choice.institution_code:
            ref = {"reference": f"Organization/{choice.institution_code}", "display": choice.name}
        parts.append({"url": "outpatientChoice", "valueReference": ref})
    return {"url": c.EXT_REMOTE_FILING, "extension": parts}


def coverages(view: PatientView, city: CityInfo | None, today: date) -> list[Resource]:
    """One Coverage per period of the person's scheme history (ID-3); the filings (RF) as extensions
    on the Coverage in force when each starts."""
    person = view.person
    periods = list(person.schemes)
    home: dict[int, list[tuple[Filing, BenefitAdjustments]]] = {}
    for filing, benefits in view.filings:
        start = filing.valid_from or filing.start_on
        index = next((i for i, p in enumerate(periods) if p.valid_from <= start <= p.valid_to), len(periods) - 1)
        home.setdefault(index, []).append((filing, benefits))
    out = []
    for index, period in enumerate(periods):
        day = _as_of(period, today)
        resource: Resource = {"resourceType": "Coverage", "id": coverage_id(person.id, index + 1)}
        meta = _meta(view.last_updated, view.masked)
        if meta:
            resource["meta"] = meta
        if index in home:
            resource["extension"] = [_filing_extension(f, b, today) for f, b in home[index]]
        resource["identifier"] = [identifier(person, view.shown_id_number, member=True)]
        resource["status"] = "active"  # an ended period keeps status active with its period.end (docs/fhir.md)
        resource["type"] = {"coding": [{"system": c.SCHEME, "code": period.scheme.value,
                                        "display": c.SCHEME_ZH[period.scheme]}], "text": c.SCHEME_ZH[period.scheme]}
        resource["beneficiary"] = {"reference": f"Patient/{person.id}", "display": person.name}
        resource["relationship"] = {"coding": [{"system": c.SUBSCRIBER_RELATIONSHIP, "code": "self"}]}
        resource["period"] = _period(period.valid_from, period.valid_to)
        resource["payor"] = [payor(city)]
        classes = []
        if period.tier is not None:
            classes.append({"type": {"coding": [{"system": c.COVERAGE_CLASS, "code": "plan", "display": "Plan"}]},
                            "value": str(period.tier), "name": f"{period.tier}档"})
        for sel in view.selections:
            if sel.status_on(day) is not SelectionStatus.EFFECTIVE:
                continue
            if sel.scheme is not None and sel.scheme is not period.scheme:  # KP-6: old-scheme records stay apart
                continue
            classes.append({
                "type": {"coding": [
                    {"system": c.SELECTION_KIND, "code": sel.kind.value, "display": c.KIND_ZH[sel.kind]},
                    {"system": c.SELECTION_SLOT, "code": sel.slot},
                ], "text": f"{c.KIND_ZH[sel.kind]}（{sel.slot}）"},
                "value": sel.institution.code,
                "name": sel.institution.name,
            })
        if classes:
            resource["class"] = classes
        out.append(resource)
    return out


def payor(city: CityInfo | None) -> dict[str, Any]:
    """The insured city's medical-insurance bureau (参保地医疗保障部门), named by its division code."""
    if city is None:
        return {"display": "参保地医疗保障局"}
    return {"display": f"{city.name}医疗保障局",
            "identifier": {"system": c.DIVISION, "value": city.division_code}}


# -- Bundle and OperationOutcome -------------------------------------------------------------

def searchset(resources: list[Resource], base: str, self_url: str) -> Resource:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                   "search": {"mode": "match"}} for r in resources],
    }


def operation_outcome(code: str, error_code: str, message: str, message_en: str) -> Resource:
    """One error issue: the FHIR issue type, the platform's error code, both languages."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "error",
            "code": code,
            "details": {"coding": [{"system": c.ERROR_CODE, "code": error_code}], "text": message},
            "diagnostics": message_en,
        }],
    }


def capability_statement(base: str) -> Resource:
    """What this server does: read and identifier search of three types, Bulk Data export."""
    def rest_resource(kind: str) -> dict[str, Any]:
        params = [{"name": "identifier", "type": "token"}]
        if kind == "Coverage":
            params += [{"name": "beneficiary", "type": "reference"}, {"name": "patient", "type": "reference"}]
        return {"type": kind, "interaction": [{"code": "read"}, {"code": "search-type"}], "searchParam": params}
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-23",
        "kind": "instance",
        "implementation": {"description": "yibao FHIR R4 (read-only)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "resource": [rest_resource(t) for t in ("Organization", "Patient", "Coverage")],
            "operation": [{"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}],
        }],
    }
