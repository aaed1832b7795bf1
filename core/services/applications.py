"""Applications (申请) and their events. Every selection request leaves one (SE-5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import access
from ..domain import Channel, SelectionKind
from ..storage.tables import ApplicationEventRow, ApplicationRow, PersonRow

if TYPE_CHECKING:
    from ..platform import Call, Platform


class ApplicationStatus(str, enum.Enum):
    SUBMITTED = "SUBMITTED"  # 已提交
    RETURNED = "RETURNED"  # 退回补正 (一次性告知)
    APPROVED = "APPROVED"  # 办结：通过
    REJECTED = "REJECTED"  # 不予通过
    WITHDRAWN = "WITHDRAWN"  # 已撤回


# The catalogue item (seed 002) each selection kind is filed under.
SELECTION_ITEMS = {
    SelectionKind.GENERAL_OUTPATIENT: "GD-22",  # 普通门诊定点医疗机构选定
    SelectionKind.SPECIAL_DISEASE: "GD-21",  # 门诊特定病种定点医疗机构选定
    SelectionKind.PRENATAL: "GD-25",  # 产前检查定点医疗机构选定
}


@dataclass(frozen=True, slots=True)
class ApplicationEvent:
    status: ApplicationStatus
    at: datetime
    business_date: date
    actor: str
    channel: Channel | None
    reason: str | None


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


async def open_application(
    session: AsyncSession, call: Call, *, person_id: int, city: str, item_code: str, channel: Channel,
    details: dict, due_date: date | None = None,
) -> ApplicationRow:
    row = ApplicationRow(
        person_id=person_id, city=city, item_code=item_code, channel=channel.value,
        status=ApplicationStatus.SUBMITTED.value, submitted_on=call.today, due_date=due_date,
        details=details, created_at=datetime.now(UTC), created_by=call.actor.label,
    )
    session.add(row)
    await session.flush()
    add_event(session, call, row, ApplicationStatus.SUBMITTED, channel)
    return row


def add_event(
    session: AsyncSession, call: Call, row: ApplicationRow, status: ApplicationStatus,
    channel: Channel | None, reason: str | None = None,
) -> None:
    row.status = status.value
    session.add(ApplicationEventRow(
        application_id=row.id, status=status.value, at=datetime.now(UTC), business_date=call.today,
        actor=call.actor.label, channel=channel.value if channel else None, reason=reason,
    ))


def _domain(row: ApplicationRow, events: list[ApplicationEventRow]) -> Application:
    return Application(
        id=row.id, person_id=row.person_id, city=row.city, item_code=row.item_code,
        channel=Channel(row.channel), status=ApplicationStatus(row.status), submitted_on=row.submitted_on,
        due_date=row.due_date,
        events=tuple(
            ApplicationEvent(ApplicationStatus(e.status), e.at, e.business_date, e.actor,
                             Channel(e.channel) if e.channel else None, e.reason)
            for e in sorted(events, key=lambda e: e.id)
        ),
    )


class Applications:
    def __init__(self, platform: Platform):
        self.p = platform

    async def get(self, call: Call, pk: int) -> Application | None:
        access.require_token(call.actor)
        async with self.p.db.read() as session:
            found = (await session.execute(
                select(ApplicationRow, PersonRow).join(PersonRow, PersonRow.id == ApplicationRow.person_id)
                .where(ApplicationRow.id == pk)
            )).first()
            if found is None:
                return None
            row, person = found
            access.check_person_access(call.actor, person.city, person.id_number)
            events = (await session.scalars(
                select(ApplicationEventRow).where(ApplicationEventRow.application_id == pk)
            )).all()
        return _domain(row, list(events))

    async def many(self, session: AsyncSession, pks: list[int]) -> dict[int, Application]:
        if not pks:
            return {}
        rows = (await session.scalars(select(ApplicationRow).where(ApplicationRow.id.in_(pks)))).all()
        events = (await session.scalars(
            select(ApplicationEventRow).where(ApplicationEventRow.application_id.in_(pks))
        )).all()
        by_app: dict[int, list[ApplicationEventRow]] = {}
        for e in events:
            by_app.setdefault(e.application_id, []).append(e)
        return {r.id: _domain(r, by_app.get(r.id, [])) for r in rows}
