"""Builders: how each covered field turns its parent value into response JSON.

The values are the same domain values the resolvers wrap in strawberry types (PersonRecord,
Selection, Institution, SchemePeriod, types.City), and every rule is the domain's own: masking
is PersonRecord.shown_id_number (ID-2, decided in core/access.py), a scheme is the period in force
on the business date (ID-3), a selection's status is Selection.status_on (SE-2). A field or type
missing from these tables makes the whole operation fall back to graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yibao.core import domain

from .. import globalid
from .plan import FieldPlan, NotCovered, Plan
from .roots import ROOTS

Getter = Callable[[Any, Any], Any]


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def _attr(name: str) -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(v: Any, _r: Any) -> Any:
            return getattr(v, name)
        return get
    return make


def _enum(name: str) -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(v: Any, _r: Any) -> Any:
            value = getattr(v, name)
            return value.value if value is not None else None
        return get
    return make


def _date(name: str) -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(v: Any, _r: Any) -> Any:
            return _iso(getattr(v, name))
        return get
    return make


def _gid(type_name: str, attr: str = "id") -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(v: Any, _r: Any) -> Any:
            key = getattr(v, attr)
            return globalid.encode(type_name, key) if key is not None else None
        return get
    return make


def _object(through: Callable[[Any, Any], Any]) -> Callable[[FieldPlan], Getter]:
    """A nested object (or None) reached from the parent by `through(value, r)`."""
    def make(plan: FieldPlan) -> Getter:
        build = object_builder(plan)

        def get(v: Any, r: Any) -> Any:
            child = through(v, r)
            return build(child, r) if child is not None else None
        return get
    return make


def _list(through: Callable[[Any, Any], Any]) -> Callable[[FieldPlan], Getter]:
    def make(plan: FieldPlan) -> Getter:
        build = object_builder(plan)

        def get(v: Any, r: Any) -> Any:
            return [build(child, r) for child in through(v, r)]
        return get
    return make


def _plain_list(through: Callable[[Any], Any]) -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(v: Any, _r: Any) -> Any:
            return list(through(v))
        return get
    return make


def _person_scheme(field: str) -> Callable[[FieldPlan], Getter]:
    def make(_plan: FieldPlan) -> Getter:
        def get(rec: Any, r: Any) -> Any:
            period = rec.person.scheme_period_on(r.today)  # ID-3: the period in force on the business date
            if period is None:
                return None
            return period.scheme.value if field == "scheme" else period.tier
        return get
    return make


def _person_selections(plan: FieldPlan) -> Getter:
    """Person.selections(kind, includeHistory): by default only those in effect or pending (SE-2)."""
    build = object_builder(plan)
    slot = plan.arg_slot
    live = (domain.SelectionStatus.EFFECTIVE, domain.SelectionStatus.PENDING)

    def get(rec: Any, r: Any) -> Any:
        args = r.args[slot] if slot >= 0 else {}
        kind = args.get("kind")
        kind = domain.SelectionKind(kind) if kind is not None else None
        history = args.get("includeHistory", args.get("include_history", False))
        today = r.today
        return [build(s, r) for s in rec.selections or ()
                if (kind is None or s.kind == kind) and (history or s.status_on(today) in live)]
    return get


def _city(v: Any, r: Any) -> Any:
    return r.cities[v.city]


FIELDS: dict[str, dict[str, Callable[[FieldPlan], Getter]]] = {
    "City": {
        "id": _attr("id"), "code": _attr("code"), "name": _attr("name"), "divisionCode": _attr("division_code"),
        "towns": _list(lambda v, r: v.towns),
    },
    "Town": {"name": _attr("name"), "code": _attr("code"), "kind": _attr("kind")},
    "Institution": {
        "id": _gid("Institution"), "code": _attr("code"), "name": _attr("name"), "city": _object(_city),
        "town": _attr("town"), "divisionCode": _attr("division_code"), "level": _enum("level"),
        "category": _attr("category"), "tags": _plain_list(lambda v: v.tags),
        "specialties": _plain_list(lambda v: v.specialties),
        "services": _plain_list(lambda v: (s.value for s in v.services)),
        "withdrawnOn": _date("withdrawn_on"),
        "networks": _list(lambda v, r: v.networks),
    },
    "NetworkMembership": {"kind": _enum("kind"), "id": _attr("id"), "name": _attr("name")},
    "SchemePeriod": {
        "scheme": _enum("scheme"), "tier": _attr("tier"), "validFrom": _date("valid_from"), "validTo": _date("valid_to"),
    },
    "Selection": {
        "id": _gid("Selection"), "kind": _enum("kind"), "slot": _attr("slot"),
        "status": lambda _p: (lambda s, r: s.status_on(r.today).value),
        "effectiveFrom": _date("effective_from"), "effectiveTo": _date("effective_to"),
        "institution": _object(lambda s, r: s.institution), "channel": _enum("channel"), "scheme": _enum("scheme"),
        "createdOn": _date("created_on"), "replaces": _gid("Selection", "replaces_id"),
        "endReason": _attr("end_reason"),
    },
    "Person": {
        "id": lambda _p: (lambda rec, r: globalid.encode("Person", rec.person.id)),
        "idNumber": _attr("shown_id_number"),  # ID-2, decided by core/access.py
        "documentType": lambda _p: (lambda rec, r: rec.person.document_type),
        "name": lambda _p: (lambda rec, r: rec.person.name),
        "city": _object(lambda rec, r: r.cities[rec.person.city]),
        "scheme": _person_scheme("scheme"), "tier": _person_scheme("tier"),
        "insuredSince": lambda _p: (lambda rec, r: _iso(rec.person.insured_since)),
        "schemeHistory": _list(lambda rec, r: rec.person.schemes),
        "selections": _person_selections,
    },
    "PageInfo": {
        "hasNextPage": lambda _p: (lambda page, r: page.has_next),
        "endCursor": lambda _p: (lambda page, r: page.cursors[-1] if page.cursors else None),
    },
    "PersonEdge": {"cursor": lambda _p: (lambda e, r: e[1]), "node": _object(lambda e, r: e[0])},
    "InstitutionEdge": {"cursor": lambda _p: (lambda e, r: e[1]), "node": _object(lambda e, r: e[0])},
}

_CONNECTION = {
    "edges": _list(lambda page, r: zip(page.items, page.cursors)),
    "pageInfo": _object(lambda page, r: page),
    "totalCount": lambda _p: (lambda page, r: page.total if page.total is not None else -1),
}
FIELDS["PersonConnection"] = _CONNECTION
FIELDS["InstitutionConnection"] = _CONNECTION


def object_builder(plan: FieldPlan) -> Callable[[Any, Any], dict]:
    """The function building `plan`'s object from its value; raises NotCovered for unknown fields."""
    table = FIELDS.get(plan.type_name)
    if table is None:
        raise NotCovered(plan.type_name)
    pairs: list[tuple[str, Getter]] = []
    for child in plan.children:
        if child.name == "__typename":
            type_name = plan.type_name
            child.build = lambda _v, _r, t=type_name: t
        else:
            make = table.get(child.name)
            if make is None:
                raise NotCovered(f"{plan.type_name}.{child.name}")
            child.build = make(child)
        pairs.append((child.key, child.build))

    def build(value: Any, r: Any) -> dict:
        return {key: get(value, r) for key, get in pairs}
    return build


def attach(plan: Plan) -> None:
    """Give every field of the plan its builder; raises NotCovered when one has none."""
    for root in plan.roots:
        if root.name == "__typename":
            root.build = None
            continue
        make = ROOTS.get(root.name)
        if make is None:
            raise NotCovered(root.name)
        root.build = make(root)
