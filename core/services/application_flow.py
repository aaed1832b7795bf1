"""Submitting and reviewing applications (SC-3): materials checked at once (一次性告知, SC-4/5),
due dates in working days (SC-2), every status change an event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import access, ids
from ..auth import Role
from ..call import Call
from ..catalogue.materials import check_materials, conditions, requirements
from ..domain import Channel
from ..errors import Refused, UserError, not_found
from ..events import ApplicationEventBus
from ..storage.database import Database
from ..storage.tables import ApplicationRow, PersonRow
from .application_records import ReviewDecision, SelectionRequestDetails, SubmissionDetails, SubstituteUsed
from .applications import Application, ApplicationStatus, add_event, load_many, open_application
from .catalogue import ServiceCatalogue
from .persons import load_person
from .selections import Selections

SUBMIT_ROLES = {Role.PERSON, Role.PROXY, Role.INSTITUTION, Role.AGENCY, Role.ADMIN}
REVIEW_ROLES = {Role.AGENCY}


@dataclass(frozen=True, slots=True)
class SubmitInput:
    id_number: str
    service_item_code: str
    channel: Channel
    materials: tuple[str, ...]
    details: SubmissionDetails
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewInput:
    application_id: int
    decision: ReviewDecision
    reason: str | None = None
    missing_materials: tuple[str, ...] = ()


def facts_of(call: Call, details: SubmissionDetails) -> list[str]:
    """Conditions the material rules depend on: a proxy token is a proxy (SC-4); others are declared."""
    facts = set(details.facts)
    if call.actor.role is Role.PROXY or details.proxy:
        facts.add("proxy")
    if details.first_payment:
        facts.add("first_payment")
    return sorted(facts)


class ApplicationFlow:
    def __init__(self, db: Database, catalogue: ServiceCatalogue, events: ApplicationEventBus, selections: Selections):
        self.db = db
        self.catalogue = catalogue
        self.events = events
        self.selections = selections

    async def submit(self, call: Call, data: SubmitInput) -> Application:
        access.check_person_claim(call.actor, data.id_number)
        access.require_roles(call.actor, SUBMIT_ROLES, "submit applications")
        async with self.db.write() as session:
            found = await load_person(session, data.id_number, lock=True)
            errors: list[UserError] = []
            if found is None:
                errors += ids.check_document(data.id_number) or [not_found("参保人", "person", ("idNumber",))]
            else:
                access.check_person_access(call.actor, found[1].city, found[1].id_number)
            city = found[1].city if found else None
            item = await self.catalogue.item(data.service_item_code, city)
            if item is None:
                errors.append(not_found("服务事项", "service item", ("serviceItemCode",)))
            if found is None or item is None:
                raise Refused(errors)
            person = found[1]
            if data.idempotency_key:
                repeat = await session.scalar(select(ApplicationRow.id).where(
                    ApplicationRow.person_id == person.id, ApplicationRow.idempotency_key == data.idempotency_key))
                if repeat is not None:
                    return (await load_many(session, [repeat]))[repeat]
            facts = facts_of(call, data.details)
            checked = check_materials(item, data.materials, facts)
            if not checked.ok:
                raise Refused(checked.to_user_errors())  # 一次性告知: every missing material at once
            case = data.details.case
            due = await self.catalogue.due(item, call.today, data.channel, case)
            row = await open_application(
                self.events, session, call, person_id=person.id, city=person.city, item_code=item.code,
                channel=data.channel, time_limit_case=case, due_date=due.date,
                due_note=due.note_zh or None, calendar_fallback=due.fallback, materials=list(data.materials),
                facts=facts, idempotency_key=data.idempotency_key,
                substitutions=[SubstituteUsed(requirement=s.requirement_id, substitute=s.name, consequence=s.consequence,
                                            replaces=tuple(s.replaces)) for s in checked.substitutions],
            )
            return (await load_many(session, [row.id]))[row.id]

    async def review(self, call: Call, data: ReviewInput) -> Application:
        """APPROVE, REJECT (with a reason) or RETURN (naming every missing material at once)."""
        access.require_roles(call.actor, REVIEW_ROLES | {Role.ADMIN}, "review applications")
        async with self.db.write() as session:
            row = await session.get(ApplicationRow, data.application_id, with_for_update=True)
            if row is None:
                raise Refused([not_found("申请", "application", ("applicationId",))])
            access.check_city_role(call.actor, row.city, REVIEW_ROLES, "review applications")
            errors: list[UserError] = []
            if ApplicationStatus(row.status) is not ApplicationStatus.SUBMITTED:
                errors.append(UserError("NOT_UNDER_REVIEW", f"该申请当前状态为{row.status}，不能审核",
                                        f"the application is {row.status}, not awaiting review", ("applicationId",)))
            reason = (data.reason or "").strip() or None
            if data.decision is not ReviewDecision.APPROVE and not reason and not data.missing_materials:
                errors.append(UserError("REASON_REQUIRED", "不予通过或退回须说明原因",
                                        "a rejection or return needs a reason", ("reason",)))
            if data.decision is ReviewDecision.RETURN:
                errors += await self._check_named_materials(row, data.missing_materials)
            if errors:
                raise Refused(errors)
            if data.decision is ReviewDecision.APPROVE:
                request = SelectionRequestDetails.from_json(row.details)
                if request is not None:  # a selection application (e.g. ZS-6 portal review)
                    await self.selections.apply_reviewed(session, call, row, request)
                else:
                    await add_event(self.events, session, call, row, ApplicationStatus.APPROVED, None, reason,
                                    decision=data.decision)
            elif data.decision is ReviewDecision.REJECT:
                await add_event(self.events, session, call, row, ApplicationStatus.REJECTED, None, reason,
                                decision=data.decision)
            else:
                missing = list(data.missing_materials)
                text = reason or "请补充以下材料：" + "、".join(missing)
                await add_event(self.events, session, call, row, ApplicationStatus.RETURNED, None, text, missing,
                                decision=data.decision)
            await session.flush()
            return (await load_many(session, [row.id]))[row.id]

    async def supplement(self, call: Call, application_id: int, materials: tuple[str, ...]) -> Application:
        """After a RETURN: bring the missing materials; the application goes back for review."""
        access.require_roles(call.actor, SUBMIT_ROLES, "supplement applications")
        async with self.db.write() as session:
            row = await session.get(ApplicationRow, application_id, with_for_update=True)
            if row is None:
                raise Refused([not_found("申请", "application", ("applicationId",))])
            person = await session.get(PersonRow, row.person_id)
            access.check_person_access(call.actor, person.city, person.id_number)  # type: ignore[union-attr]
            if ApplicationStatus(row.status) is not ApplicationStatus.RETURNED:
                raise Refused([UserError("NOT_RETURNED", "只有被退回的申请才能补充材料",
                                         "only a returned application can be supplemented", ("applicationId",))])
            apps = await load_many(session, [row.id])
            asked = apps[row.id].events[-1].missing_materials
            provided = {m.strip() for m in materials}
            still = [m for m in asked if m not in provided]
            if still:
                raise Refused([UserError("MATERIALS_MISSING", f"缺少材料：{m}", f"missing material: {m}", ("materials",))
                               for m in still])
            row.materials = sorted({*row.materials, *provided})
            await add_event(self.events, session, call, row, ApplicationStatus.SUBMITTED, None, "补充材料")
            await session.flush()
            return (await load_many(session, [row.id]))[row.id]

    async def _check_named_materials(self, row: ApplicationRow, names: tuple[str, ...]) -> list[UserError]:
        if not names:
            return [UserError("MATERIALS_REQUIRED", "退回补正须列明缺少的材料",
                              "a return must name the missing materials", ("missingMaterials",))]
        item = await self.catalogue.item(row.item_code, row.city)
        # A reviewer may ask for any material of the item, conditional ones included (they may find
        # the applicant is a proxy, say), but not for something the item does not know.
        every_fact = [c.code for c in conditions(item)] + ["proxy", "first_payment"]  # type: ignore[arg-type]
        known = {n for r in requirements(item, every_fact)  # type: ignore[arg-type]
                 for n in (*r.any_of, *(s.name for s in r.substitutes))}
        unknown = [n for n in names if n not in known]
        return [UserError("UNKNOWN_MATERIAL", f"该事项没有名为“{n}”的材料", f"{n!r} is not a material of this item",
                          ("missingMaterials",)) for n in unknown]
