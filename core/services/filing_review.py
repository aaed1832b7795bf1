"""A filing's application reviewed (RF-1, RF-3): application_flow calls these for applications that
carry a `filingId`, so the review queue, reviewApplication and supplementApplication serve filings too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from ..events import ApplicationEventBus
from ..filings.domain import FilingStatus
from ..storage.tables import ApplicationRow, RemoteFilingRow
from . import filing_store as store
from .applications import ApplicationStatus, add_event
from .persons import load_person

if TYPE_CHECKING:
    from ..call import Call


def is_filing(app: ApplicationRow) -> bool:
    return "filingId" in (app.details or {})


async def on_review(events: ApplicationEventBus, session: AsyncSession, call: Call, app: ApplicationRow,
                    decision: str, reason: str | None, missing: list[str] | None = None) -> None:
    """APPROVE activates the filing (validity, RF-2 lock, RF-4 REMOTE selections); REJECT and RETURN
    record their reason in the filing's history as well as the application's (RF-3)."""
    row = await session.get(RemoteFilingRow, app.details["filingId"], with_for_update=True)
    assert row is not None
    if decision == "APPROVE":
        found = await load_person(session, app.details["idNumber"])
        scheme = found[1].scheme_on(row.start_on) if found else None
        await add_event(events, session, call, app, ApplicationStatus.APPROVED, None, reason)
        await store.activate(session, call, row, scheme.value if scheme else None)
    elif decision == "REJECT":
        await add_event(events, session, call, app, ApplicationStatus.REJECTED, None, reason)
        row.state = FilingStatus.REJECTED.value
        store.record(session, call, row, FilingStatus.REJECTED.value, reason)
    else:
        await add_event(events, session, call, app, ApplicationStatus.RETURNED, None, reason, missing)
        row.state = FilingStatus.RETURNED.value
        store.record(session, call, row, FilingStatus.RETURNED.value, reason)


async def on_supplement(session: AsyncSession, call: Call, app: ApplicationRow) -> None:
    """The missing materials arrived: the filing goes back for review with them."""
    row = await session.get(RemoteFilingRow, app.details["filingId"], with_for_update=True)
    assert row is not None
    row.state = FilingStatus.SUBMITTED.value
    row.materials = sorted({*row.materials, *app.materials})
    store.record(session, call, row, FilingStatus.SUBMITTED.value, "补充材料")
