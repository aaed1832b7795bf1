"""Reading filings from storage, and the state changes a review causes (RF-1..5).

Kept apart from the request flow in filings.py: both the filing mutations and application reviews
(core/services/application_flow.py) move a filing through these functions, each change an event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain import OPEN_END, Channel, InstitutionLevel, SelectionKind
from ..errors import UserError
from ..filings.domain import BenefitAdjustments, Filing, FilingBasis, FilingEvent, FilingStatus, FilingType, OutpatientChoice
from ..periods import add_months, day_before
from ..storage.tables import (
    InstitutionRow,
    RemoteFilingChoiceRow,
    RemoteFilingEventRow,
    RemoteFilingRow,
    SelectionEventRow,
    SelectionRow,
)

if TYPE_CHECKING:
    from ..call import Call
    from ..plugins import PluginHost

# RF-4 slots of the REMOTE selections a long-term filing writes.
REMOTE_SLOTS = {True: "REMOTE_LEVEL_1", False: "REMOTE_LEVEL_2_3"}


def to_domain(row: RemoteFilingRow, choices: list[RemoteFilingChoiceRow], codes: dict[int, tuple[str, str]]) -> Filing:
    return Filing(
        id=row.id, person_id=row.person_id, city=row.city, type=FilingType(row.type), destination=row.destination,
        destination_name=row.destination_name, start_on=row.start_on,
        basis=FilingBasis(row.basis) if row.basis else None, state=FilingStatus(row.state),
        valid_from=row.valid_from, valid_until=row.valid_until, locked_until=row.locked_until,
        approved_on=row.approved_on, materials_completed_on=row.materials_completed_on, deemed=bool(row.deemed),
        submitted_on=row.submitted_on, channel=Channel(row.channel), materials=tuple(row.materials or ()),
        choices=tuple(
            OutpatientChoice(level=InstitutionLevel(c.level), name=c.name,
                             institution_code=codes[c.institution_id][0] if c.institution_id else None,
                             institution_id=c.institution_id,
                             city=codes[c.institution_id][1] if c.institution_id else None,
                             selection_id=c.selection_id)
            for c in sorted(choices, key=lambda c: c.position)),
        application_id=row.application_id, cancelled_on=row.cancelled_on, proxy=bool(row.proxy),
    )


async def load(session: AsyncSession, rows: list[RemoteFilingRow]) -> dict[int, Filing]:
    """Filings with their outpatient choices, in two more statements."""
    if not rows:
        return {}
    ids = [r.id for r in rows]
    choices = (await session.scalars(
        select(RemoteFilingChoiceRow).where(RemoteFilingChoiceRow.filing_id.in_(ids)))).all()
    inst_ids = {c.institution_id for c in choices if c.institution_id}
    codes: dict[int, tuple[str, str]] = {}
    if inst_ids:
        for inst in (await session.scalars(select(InstitutionRow).where(InstitutionRow.id.in_(inst_ids)))).all():
            codes[inst.id] = (inst.code, inst.city)
    by_filing: dict[int, list[RemoteFilingChoiceRow]] = defaultdict(list)
    for c in choices:
        by_filing[c.filing_id].append(c)
    return {r.id: to_domain(r, by_filing[r.id], codes) for r in rows}


async def of_person(session: AsyncSession, person_id: int) -> list[Filing]:
    rows = (await session.scalars(
        select(RemoteFilingRow).where(RemoteFilingRow.person_id == person_id).order_by(RemoteFilingRow.id))).all()
    found = await load(session, list(rows))
    return [found[r.id] for r in rows]


async def events_of(session: AsyncSession, filing_ids: list[int]) -> dict[int, list[FilingEvent]]:
    out: dict[int, list[FilingEvent]] = defaultdict(list)
    if not filing_ids:
        return out
    rows = (await session.scalars(select(RemoteFilingEventRow).where(
        RemoteFilingEventRow.filing_id.in_(filing_ids)).order_by(RemoteFilingEventRow.id))).all()
    for e in rows:
        out[e.filing_id].append(FilingEvent(id=e.id, filing_id=e.filing_id, status=e.status,
                                            business_date=e.business_date, actor=e.actor, reason=e.reason))
    return out


def record(session: AsyncSession, call: Call, row: RemoteFilingRow, status: str, reason: str | None = None) -> None:
    """A filing's status history: one event per change (who, when, business date, reason)."""
    session.add(RemoteFilingEventRow(filing_id=row.id, status=status, at=datetime.now(UTC),
                                     business_date=call.today, actor=call.actor.label, reason=reason))


async def activate(session: AsyncSession, call: Call, row: RemoteFilingRow, person_scheme: str | None) -> None:
    """Approved (or deemed filed): validity from the start date, the RF-2 lock from today, and the
    RF-4 choices at the destination written as REMOTE selections that end with the filing."""
    row.state = FilingStatus.ACTIVE.value
    row.approved_on = call.today
    row.valid_from = row.start_on
    row.valid_until = (day_before(add_months(row.start_on, row.validity_months))
                       if row.validity_months else OPEN_END)
    row.locked_until = add_months(call.today, row.lock_months) if row.lock_months else None
    record(session, call, row, "DEEMED_FILED" if row.deemed else FilingStatus.ACTIVE.value)
    choices = (await session.scalars(select(RemoteFilingChoiceRow).where(
        RemoteFilingChoiceRow.filing_id == row.id, RemoteFilingChoiceRow.institution_id.is_not(None)))).all()
    starts = max(row.start_on, call.today)
    for choice in sorted(choices, key=lambda c: c.position):
        sel = SelectionRow(
            person_id=row.person_id, kind=SelectionKind.REMOTE.value,
            slot=REMOTE_SLOTS[choice.level == InstitutionLevel.LEVEL_1_OR_BELOW.value],
            institution_id=choice.institution_id, scheme=person_scheme, effective_from=starts,
            effective_to=row.valid_until, channel=row.channel, created_on=call.today, created_at=datetime.now(UTC),
            created_by=call.actor.label, application_id=None,  # linked through the filing's choice (RF-4)
        )
        session.add(sel)
        await session.flush()
        choice.selection_id = sel.id
        _selection_event(session, call, sel.id, "CREATED", {"effectiveFrom": starts.isoformat(), "filingId": row.id})


async def end_selections(session: AsyncSession, call: Call, row: RemoteFilingRow, reason: str) -> None:
    """The REMOTE selections of a filing end when the filing ends (RF-4)."""
    ids = (await session.scalars(select(RemoteFilingChoiceRow.selection_id).where(
        RemoteFilingChoiceRow.filing_id == row.id, RemoteFilingChoiceRow.selection_id.is_not(None)))).all()
    last = day_before(call.today)
    for sel_id in ids:
        sel = await session.get(SelectionRow, sel_id)
        if sel is None or sel.withdrawn_at is not None or sel.effective_to <= last:
            continue
        previous = sel.effective_to
        if sel.effective_from > last:
            sel.withdrawn_at = datetime.now(UTC)
            _selection_event(session, call, sel.id, "WITHDRAWN", {"filingId": row.id, "reason": reason})
        else:
            sel.effective_to = last
            sel.end_reason = reason
            _selection_event(session, call, sel.id, "ENDED", {
                "effectiveTo": last.isoformat(), "previousEffectiveTo": previous.isoformat(), "filingId": row.id,
                "reason": reason})


def _selection_event(session: AsyncSession, call: Call, selection_id: int, event: str, detail: dict) -> None:
    session.add(SelectionEventRow(selection_id=selection_id, event=event, at=datetime.now(UTC),
                                  business_date=call.today, actor=call.actor.label, channel=None, detail=detail))



def benefits(plugins: PluginHost, filing: Filing, on: date) -> BenefitAdjustments:
    """RF-5, computed by the filing's city hooks for a day (never stored)."""
    return plugins.city(filing.city).yibao_filing_benefits(filing=filing, on=on)


async def home_restrictions(session: AsyncSession, plugins: PluginHost, person_id: int, kind: SelectionKind,
                            on: date) -> list[UserError]:
    """RF-5: why general outpatient back home is not available on `on` (empty: it is)."""
    if kind is not SelectionKind.GENERAL_OUTPATIENT:
        return []
    return restrictions_of(plugins, await of_person(session, person_id), kind, on)


def restrictions_of(plugins: PluginHost, filings: Iterable[Filing], kind: SelectionKind, on: date) -> list[UserError]:
    """RF-5 over the person's filings already read (coverage reads them with the person)."""
    if kind is not SelectionKind.GENERAL_OUTPATIENT:
        return []
    out = []
    for filing in filings:
        adjustments = benefits(plugins, filing, on)
        if not adjustments.local_general_outpatient:
            out.append(UserError("REMOTE_FILING_COMMITMENT", adjustments.reason, adjustments.reason_en, ("filing",)))
    return out
