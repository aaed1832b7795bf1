"""A filing's application reviewed (RF-1, RF-3): application_flow calls these for an application a
filing points to (`remote_filings.application_id`), so the review queue, reviewApplication and
supplementApplication serve filings too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..events import ApplicationEventBus
from ..filings.domain import FilingStatus
from ..storage.tables import ApplicationRow, PersonRow, RemoteFilingRow
from . import filing_store as store
from .application_records import ReviewDecision
from .applications import ApplicationStatus, add_event
from .persons import load_person

if TYPE_CHECKING:
    from ..call import Call


async def filing_of(session: AsyncSession, app: ApplicationRow) -> RemoteFilingRow | None:
    """The filing this application stands for, locked for the change, or None."""
    return await session.scalar(
        select(RemoteFilingRow).where(RemoteFilingRow.application_id == app.id).with_for_update())


async def on_review(events: ApplicationEventBus, session: AsyncSession, call: Call, app: ApplicationRow,
                    row: RemoteFilingRow, decision: ReviewDecision, reason: str | None,
                    missing: list[str] | None = None) -> None:
    """APPROVE activates the filing (validity, RF-2 lock, RF-4 REMOTE selections); REJECT and RETURN
    record their reason in the filing's history as well as the application's (RF-3)."""
    if decision is ReviewDecision.APPROVE:
        person_row = await session.get(PersonRow, row.person_id)
        found = await load_person(session, person_row.id_number) if person_row else None
        scheme = found[1].scheme_on(row.start_on) if found else None
        await add_event(events, session, call, app, ApplicationStatus.APPROVED, None, reason, decision=decision)
        await store.activate(session, call, row, scheme.value if scheme else None)
    elif decision is ReviewDecision.REJECT:
        await add_event(events, session, call, app, ApplicationStatus.REJECTED, None, reason, decision=decision)
        row.state = FilingStatus.REJECTED.value
        store.record(session, call, row, FilingStatus.REJECTED.value, reason)
    else:
        await add_event(events, session, call, app, ApplicationStatus.RETURNED, None, reason, missing,
                        decision=decision)
        row.state = FilingStatus.RETURNED.value
        store.record(session, call, row, FilingStatus.RETURNED.value, reason)


async def on_supplement(session: AsyncSession, call: Call, app: ApplicationRow, row: RemoteFilingRow) -> None:
    """The missing materials arrived: the filing goes back for review with them."""
    row.state = FilingStatus.SUBMITTED.value
    row.materials = sorted({*row.materials, *app.materials})
    store.record(session, call, row, FilingStatus.SUBMITTED.value, "补充材料")
