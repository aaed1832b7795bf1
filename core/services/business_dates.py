"""The business date never precedes the records a request acts on (issue 10, training mode).

In training mode (`YIBAO_TRAINING=1`) a request chooses its own "today" (`X-Business-Date`). A
date earlier than the record it acts on would judge that record as it was before it existed: a
selection made on 04-10 and in effect since looks "pending" on 04-01 and could be withdrawn. So
every write on an existing record is refused with BUSINESS_DATE_BEFORE_RECORD when the business
date precedes the record's latest business date (its creation, or its latest recorded change);
`nextPossibleOn` gives that date. Outside training mode today is the real date, which no record
can follow, so the check never refuses there.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..call import Call
from ..errors import Refused, UserError
from ..storage.tables import ApplicationEventRow, RemoteFilingEventRow, SelectionEventRow

CODE = "BUSINESS_DATE_BEFORE_RECORD"


def not_before(call: Call, recorded: date | None, what: str, what_en: str, field: tuple[str, ...]) -> list[UserError]:
    """The refusal when the business date precedes `recorded` (the record's latest business date)."""
    if recorded is None or call.today >= recorded:
        return []
    return [UserError(CODE, f"业务日期 {call.today} 早于{what}的日期 {recorded}，不能对其办理",
                      f"the business date {call.today} precedes the {what_en}'s date {recorded}", field,
                      next_possible_on=recorded)]


async def _latest(session: AsyncSession, column, key, pk: int, created: date) -> date:  # type: ignore[no-untyped-def]
    latest = await session.scalar(select(func.max(column)).where(key == pk))
    return max(created, latest) if latest is not None else created


async def check_selection(session: AsyncSession, call: Call, selection_id: int, created_on: date) -> None:
    latest = await _latest(session, SelectionEventRow.business_date, SelectionEventRow.selection_id, selection_id,
                           created_on)
    errors = not_before(call, latest, "选点记录", "selection", ("selectionId",))
    if errors:
        raise Refused(errors)


async def check_application(session: AsyncSession, call: Call, application_id: int, submitted_on: date) -> None:
    latest = await _latest(session, ApplicationEventRow.business_date, ApplicationEventRow.application_id,
                           application_id, submitted_on)
    errors = not_before(call, latest, "申请", "application", ("applicationId",))
    if errors:
        raise Refused(errors)


async def check_filing(session: AsyncSession, call: Call, filing_id: int, submitted_on: date) -> None:
    latest = await _latest(session, RemoteFilingEventRow.business_date, RemoteFilingEventRow.filing_id, filing_id,
                           submitted_on)
    errors = not_before(call, latest, "异地就医备案", "remote filing", ("filingId",))
    if errors:
        raise Refused(errors)
