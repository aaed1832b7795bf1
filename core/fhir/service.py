"""FHIR R4 reads, searches and bulk NDJSON over the core's storage (read-only).

Reads go through the same loaders as the GraphQL API (persons.load_person, persons.selections_of,
filing_store.load), the gate in core/fhir/access.py and the pure mapping in core/fhir/mapping.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import ids
from ..call import Call
from ..domain import CityInfo, Institution
from ..errors import BadArgument, RequestError
from ..input_rules import DEFAULT as DEFAULT_TEXT, control_character
from ..plugins import PluginHost
from ..services import filing_store, mapping as rows
from ..services.persons import selections_of
from ..storage.database import Database
from ..storage.tables import (
    InstitutionRow,
    PersonRow,
    RemoteFilingEventRow,
    RemoteFilingRow,
    SchemePeriodRow,
    SelectionEventRow,
    SelectionRow,
)
from . import access, codes, mapping
from .export import ExportJob
from .mapping import PatientView, Resource

CHUNK = 500
"""Rows read per statement while streaming an export (memory stays flat as the data grows)."""
READABLE = ("Organization", "Patient", "Coverage")


class ResourceNotFound(RequestError):
    code = "NOT_FOUND"


def _not_found(resource_type: str, rid: str) -> ResourceNotFound:
    return ResourceNotFound(f"未找到 {resource_type}/{rid}", f"{resource_type}/{rid} not found")


def unknown_type(resource_type: str) -> ResourceNotFound:
    return ResourceNotFound(f"不支持的资源类型：{resource_type}（可选：{', '.join(READABLE)}）",
                            f"unsupported resource type {resource_type!r} (supported: {', '.join(READABLE)})")


MAX_TOKEN = 300
"""The longest `system|value` searched: a system URI and a document number, with room to spare."""


def parse_token(raw: str) -> tuple[str | None, str]:
    """A FHIR token search value: `system|value`, `|value` (no system) or `value` (any system).
    A control character (a NUL breaks PostgreSQL) or an overlong value is refused before any
    read, as the GraphQL input layer refuses them (core/input_rules.py)."""
    if control_character(raw, DEFAULT_TEXT) is not None or len(raw) > MAX_TOKEN:
        raise BadArgument(f"identifier 含控制字符或超过 {MAX_TOKEN} 个字符",
                          f"identifier holds a control character or is longer than {MAX_TOKEN} characters")
    if "|" in raw:
        system, _, value = raw.partition("|")
        return system, value
    return None, raw


class FhirService:
    def __init__(self, db: Database, plugins: PluginHost):
        self.db = db
        self.plugins = plugins
        self._cities: dict[str, CityInfo] = {c.code: c for c in plugins.cities}
        self._towns: dict[str, dict[str, str]] = {}

    def city(self, code: str) -> CityInfo | None:
        return self._cities.get(code)

    def town_codes(self, city: str) -> dict[str, str]:
        """镇街 name → township code, from the city's shipped reference data (read once)."""
        if city not in self._towns:
            data = self.plugins.city(city).yibao_reference_data() if city in self._cities else None
            self._towns[city] = {t.name: t.code for t in (data.towns if data else ()) if t.code}
        return self._towns[city]

    def organization(self, inst: Institution) -> Resource:
        return mapping.organization(inst, self.city(inst.city), self.town_codes(inst.city))

    # -- read ----------------------------------------------------------------------------------

    async def read(self, call: Call, resource_type: str, rid: str) -> Resource:
        if resource_type not in READABLE:
            raise unknown_type(resource_type)
        if resource_type == "Organization":
            async with self.db.read() as session:
                row = await session.scalar(select(InstitutionRow).where(InstitutionRow.code == rid.strip().upper()))
            if row is None:
                raise _not_found(resource_type, rid)
            return self.organization(rows.institution(row))
        # Patient/{person number}, Coverage/{person number}-{n} (mapping.coverage_id)
        pk_text = rid.partition("-")[0] if resource_type == "Coverage" else rid
        pk = int(pk_text) if pk_text.isdigit() and len(pk_text) < 12 else None
        async with self.db.read() as session:
            person_row = await session.get(PersonRow, pk) if pk is not None else None
        if person_row is None:
            access.check_read(call.actor, resource_type, None)  # a person token learns nothing (403)
            raise _not_found(resource_type, rid)
        try:
            view = (await self._views(call, [person_row], check=True))[0]
        except access.OutOfScope:
            raise _not_found(resource_type, rid) from None
        if resource_type == "Patient":
            return mapping.patient(view, self.city(view.person.city), call.today)
        for coverage in mapping.coverages(view, self.city(view.person.city), call.today):
            if coverage["id"] == rid:
                return coverage
        raise _not_found(resource_type, rid)

    # -- search --------------------------------------------------------------------------------

    async def search(self, call: Call, resource_type: str, identifier: str) -> list[Resource]:
        """`?identifier=system|value`: Organization by its code, Patient and Coverage by the
        person's identity document number (Coverage.identifier is the member number, the same)."""
        if resource_type not in READABLE:
            raise unknown_type(resource_type)
        system, value = parse_token(identifier)
        value = ids.normalize(value)
        if resource_type == "Organization":
            if system not in (None, codes.INSTITUTION_CODE_SYSTEM) or not value:
                return []
            async with self.db.read() as session:
                row = await session.scalar(select(InstitutionRow).where(InstitutionRow.code == value))
            return [self.organization(rows.institution(row))] if row is not None else []
        access.check_read(call.actor, resource_type, None, id_number=value)
        documents = [d for d, s in codes.DOCUMENT_SYSTEMS.items() if s == system]
        if system is not None and not documents or not value:
            return []
        async with self.db.read() as session:
            stmt = select(PersonRow).where(PersonRow.id_number == value)
            if documents:
                stmt = stmt.where(PersonRow.document_type.in_(documents))
            row = await session.scalar(stmt)
        if row is None:
            return []
        try:
            view = (await self._views(call, [row], check=True))[0]
        except access.OutOfScope:
            return []
        city = self.city(view.person.city)
        if resource_type == "Patient":
            return [mapping.patient(view, city, call.today)]
        return mapping.coverages(view, city, call.today)

    async def coverages_of(self, call: Call, reference: str) -> list[Resource]:
        """`Coverage?beneficiary=Patient/{id}` (or `patient=`): a masked caller cannot search by the
        ID number it never sees, so it follows the Patient's id instead."""
        rid = reference.rpartition("/")[2] if reference.startswith("Patient/") or "/" not in reference else ""
        pk = int(rid) if rid.isdigit() and len(rid) < 12 else None
        async with self.db.read() as session:
            person_row = await session.get(PersonRow, pk) if pk is not None else None
        if person_row is None:
            access.check_read(call.actor, "Coverage", None)  # a person token learns nothing (403)
            return []
        try:
            view = (await self._views(call, [person_row], check=True))[0]
        except access.OutOfScope:
            return []
        return mapping.coverages(view, self.city(view.person.city), call.today)

    # -- bulk ----------------------------------------------------------------------------------

    async def export_lines(self, call: Call, job: ExportJob, resource_type: str,
                           scope: str | None) -> AsyncIterator[bytes]:
        """One NDJSON line per resource, read CHUNK rows at a time (each chunk its own read)."""
        if resource_type == "Organization":
            after = ""
            while True:
                async with self.db.read() as session:
                    stmt = select(InstitutionRow).where(InstitutionRow.code > after)
                    if scope is not None:
                        stmt = stmt.where(InstitutionRow.city == scope)
                    chunk = (await session.scalars(stmt.order_by(InstitutionRow.code).limit(CHUNK))).all()
                if not chunk:
                    return
                # No change time is kept for institutions: `_since` does not narrow them (docs/fhir.md).
                yield b"".join(orjson.dumps(self.organization(rows.institution(r))) + b"\n" for r in chunk)
                after = chunk[-1].code
        last = 0
        while True:
            async with self.db.read() as session:
                stmt = select(PersonRow).where(PersonRow.id > last)
                if scope is not None:
                    stmt = stmt.where(PersonRow.city == scope)
                chunk = (await session.scalars(stmt.order_by(PersonRow.id).limit(CHUNK))).all()
            if not chunk:
                return
            last = chunk[-1].id
            out = []
            for view in await self._views(call, list(chunk), check=False):
                if job.since is not None and view.last_updated is not None and view.last_updated <= job.since:
                    continue
                city = self.city(view.person.city)
                found = [mapping.patient(view, city, call.today)] if resource_type == "Patient" else \
                    mapping.coverages(view, city, call.today)
                out.extend(orjson.dumps(r) + b"\n" for r in found)
            if out:
                yield b"".join(out)

    # -- loading -------------------------------------------------------------------------------

    async def _views(self, call: Call, person_rows: Sequence[PersonRow], *, check: bool) -> list[PatientView]:
        """Persons with scheme history, selections, filings (RF-5 benefits for today) and the time
        anything about them last changed; access checked per person when `check`."""
        pks = [r.id for r in person_rows]
        async with self.db.read() as session:
            periods: dict[int, list[SchemePeriodRow]] = defaultdict(list)
            for p in (await session.scalars(select(SchemePeriodRow).where(SchemePeriodRow.person_id.in_(pks)))).all():
                periods[p.person_id].append(p)
            persons = {r.id: rows.person(r, periods[r.id]) for r in person_rows}
            if check:
                for person in persons.values():
                    access.check_read(call.actor, "Patient", person)
            sels = await selections_of(session, pks)
            filing_rows = (await session.scalars(select(RemoteFilingRow).where(
                RemoteFilingRow.person_id.in_(pks)).order_by(RemoteFilingRow.id))).all()
            loaded = await filing_store.load(session, list(filing_rows))
            changed = await _last_changes(session, pks)
        filings: dict[int, list] = defaultdict(list)
        for f in filing_rows:
            filing = loaded[f.id]
            filings[f.person_id].append((filing, filing_store.benefits(self.plugins, filing, call.today)))
        out = []
        for r in person_rows:
            person = persons[r.id]
            times = [t for t in (r.created_at, *changed.get(r.id, ())) if t is not None]
            out.append(PatientView(person=person, shown_id_number=access.shown_id_number(call.actor, person),
                                   selections=tuple(sels.get(r.id, ())), filings=tuple(filings[r.id]),
                                   last_updated=max(_utc(t) for t in times) if times else None))
        return out


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def _last_changes(session: AsyncSession, pks: list[int]) -> dict[int, list[datetime]]:
    """When each person's scheme history, selections and filings last changed (three statements)."""
    out: dict[int, list[datetime]] = defaultdict(list)
    queries = (
        select(SchemePeriodRow.person_id, func.max(SchemePeriodRow.recorded_at))
        .where(SchemePeriodRow.person_id.in_(pks)).group_by(SchemePeriodRow.person_id),
        select(SelectionRow.person_id, func.max(SelectionEventRow.at))
        .join(SelectionEventRow, SelectionEventRow.selection_id == SelectionRow.id)
        .where(SelectionRow.person_id.in_(pks)).group_by(SelectionRow.person_id),
        select(RemoteFilingRow.person_id, func.max(RemoteFilingEventRow.at))
        .join(RemoteFilingEventRow, RemoteFilingEventRow.filing_id == RemoteFilingRow.id)
        .where(RemoteFilingRow.person_id.in_(pks)).group_by(RemoteFilingRow.person_id),
    )
    for stmt in queries:
        for pk, moment in (await session.execute(stmt)).all():
            if moment is not None:
                out[pk].append(moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment)))
    return out

