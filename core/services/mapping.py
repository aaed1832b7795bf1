"""Rows to domain values (plugins and resolvers only ever see the latter)."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import (
    Agency,
    CategoryPeriod,
    Channel,
    Institution,
    InstitutionLevel,
    NetworkKind,
    NetworkMembership,
    Person,
    PersonCategory,
    Phone,
    Scheme,
    SchemePeriod,
    Selection,
    SelectionKind,
)
from ..storage.tables import AgencyRow, InstitutionRow, PersonCategoryRow, PersonRow, SchemePeriodRow, SelectionRow


def institution(row: InstitutionRow) -> Institution:
    return Institution(
        id=row.id,
        code=row.code,
        name=row.name,
        city=row.city,
        level=InstitutionLevel(row.level),
        category=row.category,
        division_code=row.division_code,
        town=row.town,
        tags=tuple(row.tags or ()),
        specialties=tuple(row.specialties or ()),
        services=tuple(SelectionKind(s) for s in row.services or ()),
        withdrawn_on=row.withdrawn_on,
        networks=tuple(NetworkMembership(NetworkKind(n["kind"]), n["id"], n.get("name") or "")
                       for n in row.networks or ()),
    )


def agency(row: AgencyRow) -> Agency:
    return Agency(
        id=row.id,
        name=row.name,
        city=row.city,
        phones=tuple(Phone(p["number"], p.get("purpose")) for p in row.phones or ()),
        hours=row.hours,
        town=row.town,
        kind=row.kind,
    )


def person(row: PersonRow, periods: Iterable[SchemePeriodRow],
           categories: Iterable[PersonCategoryRow] = ()) -> Person:
    return Person(
        id=row.id,
        id_number=row.id_number,
        name=row.name,
        city=row.city,
        document_type=row.document_type,
        insured_since=row.insured_since,
        schemes=tuple(
            SchemePeriod(Scheme(p.scheme), p.valid_from, p.valid_to, p.tier)
            for p in sorted(periods, key=lambda p: p.valid_from)
        ),
        categories=tuple(
            CategoryPeriod(PersonCategory(c.category), c.valid_from, c.valid_to, c.recorded_by)
            for c in sorted(categories, key=lambda c: (c.valid_from, c.id))
        ),
    )


def selection(row: SelectionRow, inst: Institution) -> Selection:
    return Selection(
        id=row.id,
        person_id=row.person_id,
        kind=SelectionKind(row.kind),
        slot=row.slot,
        institution=inst,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        scheme=Scheme(row.scheme) if row.scheme else None,
        channel=Channel(row.channel),
        created_on=row.created_on,
        replaces_id=row.replaces_id,
        withdrawn=row.withdrawn_at is not None,
        end_reason=row.end_reason,
        application_id=row.application_id,
    )
