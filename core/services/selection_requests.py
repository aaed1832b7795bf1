"""Reviewed selection requests (SE-3, ZS-6): a request that waits for staff review is a typed
record (`selection_requests`) linked to its application, judged as of the day the person applied.

- The day applied is the request's day for every rule: approval asks the city's rules with
  `today` = `applied_on`, so effective dates are computed from it (ZS-3: the 1st of the month after
  the application month, even when staff approve after that day; seed 000 "自办理变更手续的次月1日
  生效": the change is 办理'd when applied for).
- While it waits, it counts as made on `applied_on` (ZS-4 counts it toward one change a month).
- An older request never replaces a newer choice: if the record it changes was ended or changed
  since, or a newer first choice fills the slot, or any rule now refuses it, approval rejects it
  and the reasons go into the application's events (the person sees them in 办事进度).
- The person (or staff) may withdraw it while it waits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain import Channel, Institution, PendingReview, Selection, SelectionKind, SelectionRequest
from ..errors import Refused, UserError
from ..storage.tables import ApplicationRow, InstitutionRow, PersonRow, SelectionRequestRow
from . import mapping
from .applications import ApplicationStatus, add_event

if TYPE_CHECKING:
    from ..call import Call
    from .selections import Selections


class RequestStatus(str, enum.Enum):
    PENDING = "PENDING"  # 待审核
    APPROVED = "APPROVED"  # 已通过，选点已生成
    REJECTED = "REJECTED"  # 不予通过（原因见申请进度）
    WITHDRAWN = "WITHDRAWN"  # 参保人已撤回


@dataclass(frozen=True, slots=True)
class ReviewedRequest:
    """The typed record as services and resolvers see it."""

    id: int
    application_id: int
    kind: SelectionKind
    institution: Institution
    slot: str | None
    replaces_id: int | None
    applied_on: date
    status: RequestStatus
    selection_id: int | None
    decided_on: date | None
    reason: str | None


def reviewed_from_row(row: SelectionRequestRow, inst: InstitutionRow) -> ReviewedRequest:
    return ReviewedRequest(
        id=row.id, application_id=row.application_id, kind=SelectionKind(row.kind),
        institution=mapping.institution(inst), slot=row.slot, replaces_id=row.replaces_id,
        applied_on=row.applied_on, status=RequestStatus(row.status), selection_id=row.selection_id,
        decided_on=row.decided_on, reason=row.reason,
    )


async def for_applications(session: AsyncSession, application_ids: list[int]) -> dict[int, ReviewedRequest]:
    """The reviewed requests behind these applications, by application id, in one statement."""
    if not application_ids:
        return {}
    rows = (await session.execute(
        select(SelectionRequestRow, InstitutionRow)
        .join(InstitutionRow, InstitutionRow.id == SelectionRequestRow.institution_id)
        .where(SelectionRequestRow.application_id.in_(application_ids)))).all()
    return {r.application_id: reviewed_from_row(r, i) for r, i in rows}


async def record(session: AsyncSession, call: Call, request: SelectionRequest, app: ApplicationRow) -> None:
    """Store a request that waits for review, as the rules judged it on the day applied."""
    session.add(SelectionRequestRow(
        application_id=app.id, person_id=request.person.id, kind=request.kind.value,
        institution_id=request.institution.id, slot=request.slot.key if request.slot else None,
        replaces_id=request.replaces.id if request.replaces else None, applied_on=call.today,
        status=RequestStatus.PENDING.value,
    ))
    await session.flush()


async def pending(session: AsyncSession, person_id: int, kind: SelectionKind, *,
                  exclude: int | None = None) -> tuple[PendingReview, ...]:
    """The person's requests of this kind waiting for review (SE-3), for the rules (ZS-4)."""
    rows = (await session.execute(
        select(SelectionRequestRow, InstitutionRow)
        .join(InstitutionRow, InstitutionRow.id == SelectionRequestRow.institution_id)
        .where(SelectionRequestRow.person_id == person_id, SelectionRequestRow.kind == kind.value,
               SelectionRequestRow.status == RequestStatus.PENDING.value)
        .order_by(SelectionRequestRow.id))).all()
    return tuple(
        PendingReview(id=r.id, kind=kind, institution=mapping.institution(i), applied_on=r.applied_on,
                      replaces_id=r.replaces_id, slot=r.slot)
        for r, i in rows if r.id != exclude)


async def approved_items(session: AsyncSession, person_id: int) -> frozenset[str]:
    """Catalogue items the person holds an approved application for (SE-1: GD-20 for 门特)."""
    rows = await session.scalars(select(ApplicationRow.item_code).where(
        ApplicationRow.person_id == person_id, ApplicationRow.status == ApplicationStatus.APPROVED.value))
    return frozenset(rows.all())


def superseded(req: SelectionRequestRow, history: list[Selection]) -> list[UserError]:
    """SE-3: what happened since the request was made that makes it impossible."""
    if req.replaces_id is not None:
        target = next((s for s in history if s.id == req.replaces_id), None)
        newer = [s for s in history if s.replaces_id == req.replaces_id and not s.withdrawn]
        if newer:
            n = newer[-1]
            return [UserError(
                "REQUEST_SUPERSEDED",
                f"您申请变更的选点记录已于{n.created_on.isoformat()}变更为{n.institution.name}"
                f"（{n.effective_from.isoformat()}起生效），本申请不再办理",
                f"the record this request changes was already changed on {n.created_on.isoformat()} to "
                f"{n.institution.code} (from {n.effective_from.isoformat()}); this request is closed",
                ("replacesSelectionId",))]
        if target is None or target.withdrawn or target.end_reason is not None:
            name = target.institution.name if target else "原选点"
            return [UserError(
                "REQUEST_SUPERSEDED", f"您申请变更的选点记录（{name}）已终止，本申请不再办理，如需选点请重新申请",
                "the record this request changes has been ended since; this request is closed, apply again",
                ("replacesSelectionId",))]
        return []
    newer = [s for s in history if not s.withdrawn and s.effective_to >= req.applied_on
             and (req.slot is None or s.slot == req.slot)]
    if newer:
        n = newer[-1]
        return [UserError(
            "REQUEST_SUPERSEDED",
            f"您已于{n.created_on.isoformat()}选定{n.institution.name}（{n.effective_from.isoformat()}起生效），"
            "本申请不再办理；如需更换，请办理变更选点",
            f"{n.institution.code} was chosen on {n.created_on.isoformat()} (from {n.effective_from.isoformat()}); "
            "this older request is closed; to switch, request a change",
            ("institutionCode",))]
    return []


async def approve(selections: Selections, session: AsyncSession, call: Call, app: ApplicationRow) -> bool:
    """Approve the reviewed request behind `app` as of its day applied, or reject it with its
    reasons. Returns False when `app` is no selection request."""
    from ..call import Call as CallValue
    from .persons import selections_of
    from .selections import SelectInput

    req = await session.scalar(select(SelectionRequestRow).where(SelectionRequestRow.application_id == app.id))
    if req is None:
        return False
    person = await session.get(PersonRow, req.person_id)
    inst = await session.get(InstitutionRow, req.institution_id)
    kind = SelectionKind(req.kind)
    history = [s for s in (await selections_of(session, [req.person_id]))[req.person_id] if s.kind is kind]
    as_applied = CallValue(call.actor, req.applied_on)  # SE-3: the day applied is the request's day
    data = SelectInput(id_number=person.id_number, kind=kind, institution_code=inst.code,  # type: ignore[union-attr]
                       channel=Channel(app.channel), replaces_selection_id=req.replaces_id)
    errors = superseded(req, history)
    plan = None
    if not errors:
        try:
            plan = await selections._plan(session, as_applied, data, request_id=req.id)
        except Refused as refused:
            errors = refused.errors
    req.decided_on = call.today
    if errors:
        req.status = RequestStatus.REJECTED.value
        req.reason = "；".join(e.message for e in errors)
        await add_event(selections.events, session, call, app, ApplicationStatus.REJECTED, None, req.reason)
        return True
    result = await selections._write(session, call, plan, app, reviewed=True)  # type: ignore[arg-type]
    req.status = RequestStatus.APPROVED.value
    req.selection_id = result.selection.id if result.selection else None
    return True


async def withdraw(session: AsyncSession, call: Call, app: ApplicationRow) -> None:
    """The person withdraws a request still waiting for review (SE-3)."""
    await close(session, call, app, RequestStatus.WITHDRAWN)


async def close(session: AsyncSession, call: Call, app: ApplicationRow, status: RequestStatus,
                reason: str | None = None) -> None:
    """The request behind `app` (if any) ends without a selection: withdrawn, or rejected by staff;
    from then on it no longer counts as pending (ZS-4)."""
    req = await session.scalar(select(SelectionRequestRow).where(SelectionRequestRow.application_id == app.id))
    if req is not None:
        req.status = status.value
        req.decided_on = call.today
        req.reason = reason
