"""Applications (申请) and their events: every selection request leaves one (SE-5), every status
change is an event with who, when, channel and reason (SC-3), followed live (applicationEvents)."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import access
from ..ids import normalize
from ..policy import Scope
from ..auth import Role
from ..call import Call
from ..domain import Channel, SelectionKind
from ..errors import BadArgument, Forbidden
from ..events import RESYNC, ApplicationEventBus
from ..pagination import Page, after_id, build_page, page_request
from ..storage import audit
from ..storage.database import Database
from ..storage.reader import Reader, Sql
from ..storage.tables import (
    ApplicationEventRow,
    ApplicationRow,
    ApplicationSubstitutionRow,
    InstitutionRow,
    PersonRow,
    RemoteFilingRow,
    SelectionRequestRow,
    SelectionRow,
)
from .application_records import ReviewDecision, SelectionRequestDetails, SubstituteUsed


class ApplicationStatus(str, enum.Enum):
    SUBMITTED = "SUBMITTED"  # 已提交，待审核
    RETURNED = "RETURNED"  # 退回补正 (一次性告知)
    APPROVED = "APPROVED"  # 办结：通过
    REJECTED = "REJECTED"  # 不予通过
    WITHDRAWN = "WITHDRAWN"  # 已撤回


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)

# The catalogue item (seed 002) each selection kind is filed under.
SELECTION_ITEMS = {
    SelectionKind.GENERAL_OUTPATIENT: "GD-22",  # 普通门诊定点医疗机构选定
    SelectionKind.SPECIAL_DISEASE: "GD-21",  # 门诊特定病种定点医疗机构选定
    SelectionKind.PRENATAL: "GD-25",  # 产前检查定点医疗机构选定
    SelectionKind.REMOTE: "GD-15",  # made with a long-term remote filing (RF-4); the filing issue refines this
}
CURSOR_KIND = "application"


@dataclass(frozen=True, slots=True)
class ApplicationEvent:
    id: int
    application_id: int
    status: ApplicationStatus
    at: datetime
    business_date: date
    actor: str
    channel: Channel | None
    reason: str | None
    missing_materials: tuple[str, ...] = ()
    decision: ReviewDecision | None = None


@dataclass(frozen=True, slots=True)
class Application:
    id: int
    person_id: int
    city: str
    item_code: str
    channel: Channel
    status: ApplicationStatus
    submitted_on: date
    due_date: date | None
    events: tuple[ApplicationEvent, ...]
    due_note: str | None = None
    calendar_fallback: bool = False
    materials: tuple[str, ...] = ()
    substitutions: tuple[SubstituteUsed, ...] = ()
    time_limit_case: str | None = None
    selection_request: SelectionRequestDetails | None = None
    """Set for a selection application (SE-5): the request it stands for."""
    selection_id: int | None = None
    """The selection the request created (at once, or when a reviewer approved it)."""
    filing_id: int | None = None
    """The remote filing (异地就医备案) this application is for (RF-1)."""
    by_proxy: bool = False
    """SE-3: made by a 代办人 (their ID number is recorded with the application)."""
    reviewed_request: Any = None
    """The typed reviewed selection request behind it (selection_requests.ReviewedRequest), if any."""

    def overdue_on(self, day: date) -> bool:
        """SC-2: only an application waiting for the agency can be late; while it is RETURNED to the
        applicant the clock stops (补正材料的时间不计入办理时限)."""
        return self.status is ApplicationStatus.SUBMITTED and self.due_date is not None and day > self.due_date


async def open_application(
    events: ApplicationEventBus, session: AsyncSession, call: Call, *, person_id: int, city: str, item_code: str,
    channel: Channel, selection_request: SelectionRequestDetails | None = None, due_date: date | None = None,
    due_note: str | None = None, calendar_fallback: bool = False, materials: list[str] | None = None,
    facts: list[str] | None = None, substitutions: list[SubstituteUsed] | None = None,
    idempotency_key: str | None = None, time_limit_case: str | None = None,
    proxy_id_number: str | None = None,
) -> ApplicationRow:
    row = ApplicationRow(
        person_id=person_id, city=city, item_code=item_code, channel=channel.value,
        status=ApplicationStatus.SUBMITTED.value, submitted_on=call.today, due_date=due_date, due_note=due_note,
        calendar_fallback=calendar_fallback, details=selection_request.to_json() if selection_request else {},
        materials=materials or [], facts=facts or [], idempotency_key=idempotency_key, time_limit_case=time_limit_case,
        proxy_id_number=proxy_id_number,
        created_at=datetime.now(UTC), created_by=call.actor.label,
    )
    session.add(row)
    await session.flush()
    for position, s in enumerate(substitutions or ()):
        session.add(ApplicationSubstitutionRow(
            application_id=row.id, position=position, requirement=s.requirement, substitute=s.substitute,
            consequence=s.consequence, replaces=list(s.replaces)))
    await add_event(events, session, call, row, ApplicationStatus.SUBMITTED, channel)
    return row


async def add_event(
    events: ApplicationEventBus, session: AsyncSession, call: Call, row: ApplicationRow, status: ApplicationStatus,
    channel: Channel | None, reason: str | None = None, missing: list[str] | None = None,
    decision: ReviewDecision | None = None,
) -> None:
    row.status = status.value
    event = ApplicationEventRow(
        application_id=row.id, status=status.value, at=datetime.now(UTC), business_date=call.today,
        actor=call.actor.label, channel=channel.value if channel else None, reason=reason,
        missing_materials=missing or [], decision=decision.value if decision else None,
    )
    session.add(event)
    await session.flush()
    await events.record(session, row.id, event.id)


_EVENT_COLUMNS = ("application_id", "status", "at", "business_date", "actor", "channel", "reason", "missing_materials",
                  "decision")
_EVENT_INSERTS: dict[int, Sql] = {}


def _events_sql(events: ApplicationEventBus, n: int) -> Sql:
    found = _EVENT_INSERTS.get(n)
    if found is None:
        rows = ", ".join("(" + ", ".join(f":{c}_{i}" for c in _EVENT_COLUMNS) + ")" for i in range(n))
        text = f"INSERT INTO application_events ({', '.join(_EVENT_COLUMNS)}) VALUES {rows} RETURNING id, status"
        found = _EVENT_INSERTS[n] = Sql(text, pg=text + events.notify_returning("application_id", "id"))
    return found


async def insert_events(
    events: ApplicationEventBus, reader: Reader, call: Call, application_id: int,
    items: list[tuple[ApplicationStatus, Channel | None]],
) -> tuple[ApplicationEvent, ...]:
    """Events of one application with distinct statuses in ONE statement (on PostgreSQL the same
    statement notifies live followers, delivered on commit: SC-3); the application row's own status
    is the caller's to set. Returns the events as stored."""
    params: dict[str, object] = {}
    made = []
    for i, (status, channel) in enumerate(items):
        at = datetime.now(UTC)
        made.append((status, channel, at))
        params.update({f"application_id_{i}": application_id, f"status_{i}": status.value, f"at_{i}": at,
                       f"business_date_{i}": call.today, f"actor_{i}": call.actor.label,
                       f"channel_{i}": channel.value if channel else None, f"reason_{i}": None,
                       f"missing_materials_{i}": "[]", f"decision_{i}": None})
    ids = {row[1]: row[0] for row in await reader.fetch(_events_sql(events, len(items)), params)}
    for status, channel, _ in made:
        audit.note(reader.session_info, "application_events", ids[status.value], "INSERT",
                   {"application_id": application_id, "status": status.value,
                    "channel": channel.value if channel else None, "business_date": call.today},
                   references=(f"applications:{application_id}",))
    events.inserted(reader.session_info, [(application_id, ids[status.value]) for status, _, _ in made])
    return tuple(ApplicationEvent(id=ids[status.value], application_id=application_id, status=status, at=at,
                                  business_date=call.today, actor=call.actor.label, channel=channel, reason=None)
                 for status, channel, at in made)


def _event(e: ApplicationEventRow) -> ApplicationEvent:
    return ApplicationEvent(
        id=e.id, application_id=e.application_id, status=ApplicationStatus(e.status), at=e.at,
        business_date=e.business_date, actor=e.actor, channel=Channel(e.channel) if e.channel else None,
        reason=e.reason, missing_materials=tuple(e.missing_materials or ()),
        decision=ReviewDecision(e.decision) if e.decision else None,
    )


def _substitution(s: ApplicationSubstitutionRow) -> SubstituteUsed:
    return SubstituteUsed(requirement=s.requirement, substitute=s.substitute, consequence=s.consequence,
                        replaces=tuple(s.replaces or ()))


def _domain(row: ApplicationRow, events: list[ApplicationEventRow], selection_id: int | None,
            substitutions: list[ApplicationSubstitutionRow], filing_id: int | None = None,
            reviewed: Any = None) -> Application:
    return Application(
        reviewed_request=reviewed, by_proxy=row.proxy_id_number is not None or "proxy" in (row.facts or ()),
        id=row.id, person_id=row.person_id, city=row.city, item_code=row.item_code,
        channel=Channel(row.channel), status=ApplicationStatus(row.status), submitted_on=row.submitted_on,
        due_date=row.due_date, due_note=row.due_note, calendar_fallback=bool(row.calendar_fallback),
        materials=tuple(row.materials or ()),
        substitutions=tuple(_substitution(s) for s in sorted(substitutions, key=lambda s: s.position)),
        time_limit_case=row.time_limit_case, selection_request=SelectionRequestDetails.from_json(row.details),
        selection_id=selection_id, events=tuple(_event(e) for e in sorted(events, key=lambda e: e.id)),
        filing_id=filing_id,
    )


async def load_many(session: AsyncSession, pks: list[int]) -> dict[int, Application]:
    """Applications with their events, the selection each created, the reviewed selection request
    behind each, and the substitutes used, in three statements."""
    if not pks:
        return {}
    from .selection_requests import reviewed_from_row

    found = (await session.execute(
        select(ApplicationRow, SelectionRow.id, RemoteFilingRow.id, SelectionRequestRow, InstitutionRow)
        .outerjoin(SelectionRow, SelectionRow.application_id == ApplicationRow.id)
        .outerjoin(RemoteFilingRow, RemoteFilingRow.application_id == ApplicationRow.id)
        .outerjoin(SelectionRequestRow, SelectionRequestRow.application_id == ApplicationRow.id)
        .outerjoin(InstitutionRow, InstitutionRow.id == SelectionRequestRow.institution_id)
        .where(ApplicationRow.id.in_(pks)))).all()
    rows = [(r, selection_id, filing_id) for r, selection_id, filing_id, _, _ in found]
    requests = {r.id: reviewed_from_row(req, inst) for r, _, _, req, inst in found if req is not None}
    events = (await session.scalars(
        select(ApplicationEventRow).where(ApplicationEventRow.application_id.in_(pks)))).all()
    used = (await session.scalars(
        select(ApplicationSubstitutionRow).where(ApplicationSubstitutionRow.application_id.in_(pks)))).all()
    by_app: dict[int, list[ApplicationEventRow]] = {}
    for e in events:
        by_app.setdefault(e.application_id, []).append(e)
    subs: dict[int, list[ApplicationSubstitutionRow]] = {}
    for s in used:
        subs.setdefault(s.application_id, []).append(s)
    return {r.id: _domain(r, by_app.get(r.id, []), selection_id, subs.get(r.id, []), filing_id, requests.get(r.id))
            for r, selection_id, filing_id in rows}


@dataclass(frozen=True, slots=True)
class ApplicationFilter:
    city: str | None = None
    id_number: str | None = None
    status: ApplicationStatus | None = None
    item_code: str | None = None
    overdue: bool | None = None


class Applications:
    def __init__(self, db: Database, events: ApplicationEventBus):
        self.db = db
        self.events = events

    async def many(self, pks: list[int]) -> dict[int, Application]:
        """Applications by id, with their events (reached from a selection whose access was checked)."""
        async with self.db.read() as session:
            return await load_many(session, pks)

    async def get(self, call: Call, pk: int, operation: str = "query.application") -> Application | None:
        """The application, or None when there is none or it lies outside the caller's scope (alike).

        `operation` names the path (`query.application`, `Node.Application`,
        `subscription.applicationEvents`); core/policy.py gives them one rule."""
        access.require(call.actor, operation)
        async with self.db.read() as session:
            found = (await session.execute(
                select(ApplicationRow.id, ApplicationRow.city, PersonRow.id_number)
                .join(PersonRow, PersonRow.id == ApplicationRow.person_id).where(ApplicationRow.id == pk)
            )).first()
            if found is None or not access.in_scope(call.actor, operation, found.city, found.id_number):
                return None
            return (await load_many(session, [pk]))[pk]

    async def page(self, call: Call, f: ApplicationFilter, first: int | None, after: str | None) -> Page[Application]:
        """A person's own applications, or an agency's queue (filters: status, item, overdue)."""
        grant = access.require(call.actor, "query.applications")
        request = page_request(first, after, CURSOR_KIND)
        conditions = []
        if grant.scope is Scope.OWN_PERSON:
            conditions.append(PersonRow.id_number == call.actor.person)
        elif f.id_number:
            conditions.append(PersonRow.id_number == normalize(f.id_number))
        elif call.actor.role is Role.INSTITUTION:  # the city's queue is the agency's (core/policy.py)
            raise Forbidden("定点机构查询申请须指明参保人（idNumber）",
                            "an institution lists the applications of a named person (idNumber)")
        if grant.scope is Scope.OWN_CITY:
            if f.city:
                access.check_city(call.actor, "query.applications", f.city)
            conditions.append(ApplicationRow.city == call.actor.city)
        elif f.city:
            conditions.append(ApplicationRow.city == f.city)
        if f.status:
            conditions.append(ApplicationRow.status == f.status.value)
        if f.item_code:
            conditions.append(ApplicationRow.item_code == f.item_code)
        if f.overdue is not None:
            late = (ApplicationRow.due_date < call.today) & (ApplicationRow.status == ApplicationStatus.SUBMITTED.value)
            conditions.append(late if f.overdue else ~late | ApplicationRow.due_date.is_(None))
        after = after_id(request)
        async with self.db.read() as session:
            ids = (await session.scalars(
                select(ApplicationRow.id).join(PersonRow, PersonRow.id == ApplicationRow.person_id)
                .where(ApplicationRow.id > after, *conditions).order_by(ApplicationRow.id).limit(request.first + 1)
            )).all()
            found = await load_many(session, list(ids))
            total = await session.scalar(
                select(func.count()).select_from(ApplicationRow)
                .join(PersonRow, PersonRow.id == ApplicationRow.person_id).where(*conditions))
        return build_page([found[i] for i in ids], request, CURSOR_KIND, lambda a: a.id, total)

    async def follow(self, call: Call, pk: int, *, include_current: bool = False) -> AsyncIterator[ApplicationEvent]:
        """Each event of the application as it is committed, in this process or another."""
        follower = await self.events.subscribe(pk)  # registered before reading: nothing slips between
        try:
            current = await self.get(call, pk, "subscription.applicationEvents")
            if current is None:
                raise BadArgument("未找到该申请", "application not found", "NOT_FOUND")
            seen = {e.id for e in current.events}
            if include_current:
                for event in current.events:
                    yield event
            async for event_id in follower:
                if event_id == RESYNC:  # the LISTEN connection came back: catch up on what it missed
                    current = await self.get(call, pk)
                    for event in current.events if current else ():
                        if event.id not in seen:
                            seen.add(event.id)
                            yield event
                    continue
                if event_id in seen:
                    continue
                seen.add(event_id)
                async with self.db.read() as session:
                    row = await session.get(ApplicationEventRow, event_id)
                if row is not None:
                    yield _event(row)
        finally:
            follower.close()
