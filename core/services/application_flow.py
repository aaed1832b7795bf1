"""Submitting and reviewing applications (SC-3): materials checked at once (一次性告知, SC-4/5),
due dates in working days (SC-2), every status change an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import access, ids
from ..auth import Role
from ..catalogue.applicants import Applicant, applicant, not_applicable
from ..catalogue.cases import CASE_CODES, CaseOption, case_choice
from ..catalogue.items import ServiceItem
from ..call import Call
from ..catalogue.synonyms import canonical
from ..catalogue.materials import PROXY, check_materials, conditions, requirements
from ..domain import Channel, Person, Scheme
from ..errors import Refused, UserError, not_found
from ..proxies import Proxy, proxy_errors, proxy_materials
from ..events import ApplicationEventBus
from ..storage.database import Database
from ..storage.tables import ApplicationRow, PersonRow
from . import business_dates, filing_review, selection_requests
from .application_records import ReviewDecision, SubmissionDetails, SubstituteUsed
from .applications import OPEN_STATUSES, Application, ApplicationStatus, add_event, load_many, open_application
from .catalogue import ServiceCatalogue
from .persons import load_person
from .selections import Selections

STATUS_ZH = {
    ApplicationStatus.SUBMITTED: "待审核", ApplicationStatus.RETURNED: "已退回补正，待申请人补齐材料",
    ApplicationStatus.APPROVED: "已办结（通过）", ApplicationStatus.REJECTED: "已办结（不予通过）",
    ApplicationStatus.WITHDRAWN: "已由申请人撤回",
}


@dataclass(frozen=True, slots=True)
class SubmitInput:
    id_number: str
    service_item_code: str
    channel: Channel
    materials: tuple[str, ...]
    details: SubmissionDetails
    idempotency_key: str | None = None
    proxy: Proxy | None = None


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


def _case(item: ServiceItem, given: object) -> tuple[CaseOption | None, list[UserError]]:
    """SC-3/SC-5: an item whose materials or time limit depend on the case needs exactly one case."""
    choice = case_choice(item.code)
    if choice is None:
        return None, []
    option = choice.option(given) if isinstance(given, str) else None
    if option is not None:
        return option, []
    names = "、".join(o.text for o in choice.options)
    return None, [UserError(
        "CASE_REQUIRED", f"请说明{choice.question}（{names}，选其一），所需材料和办理时限因此不同",
        f"say {choice.question_en} (details.case: {', '.join(o.code for o in choice.options)}); "
        "the materials and the time limit depend on it", ("details", "case"))]


class ApplicationFlow:
    def __init__(self, db: Database, catalogue: ServiceCatalogue, events: ApplicationEventBus, selections: Selections):
        self.db = db
        self.catalogue = catalogue
        self.events = events
        self.selections = selections

    async def submit(self, call: Call, data: SubmitInput) -> Application:
        access.claim(call.actor, "mutation.submitApplication", data.id_number)
        async with self.db.write(call.audit("submitApplication", data.channel)) as session:
            found = await load_person(session, data.id_number, lock=True)
            if found is not None and not access.in_scope(call.actor, "mutation.submitApplication", found[1].city,
                                                         found[1].id_number):
                found = None  # another city's person is answered as an unknown one (no existence oracle)
            errors: list[UserError] = []
            if found is None:
                errors += ids.check_document(data.id_number) or [not_found("参保人", "person", ("idNumber",))]
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
            errors += self._who_may_apply(item, person, call.today)  # SC-1 服务对象
            option, case_errors = _case(item, data.details.case)
            errors += case_errors
            facts = sorted({f for f in facts_of(call, data.details) if f not in CASE_CODES}
                           | ({option.code} if option else set()) | ({PROXY} if data.proxy else set()))
            # SE-3/SC-4: the proxy's materials by the one proxy rule (core/proxies.py), the rest here
            checked = check_materials(item, data.materials, [f for f in facts if f != PROXY])
            errors += checked.to_user_errors()  # 一次性告知: every missing material at once
            if PROXY in facts:
                errors += proxy_errors(item, data.proxy, person.id_number, data.materials)
            if errors:
                raise Refused(errors)
            due = await self.catalogue.due(item, call.today, data.channel, option.time_limit_case if option else None)
            row = await open_application(
                self.events, session, call, person_id=person.id, city=person.city, item_code=item.code,
                channel=data.channel, time_limit_case=option.text if option else None, due_date=due.date,
                due_note=due.note_zh or None, calendar_fallback=due.fallback,
                materials=sorted({*data.materials, *proxy_materials(data.proxy)}),
                proxy_id_number=ids.normalize(data.proxy.id_number) if data.proxy else None,
                facts=facts, idempotency_key=data.idempotency_key,
                substitutions=[SubstituteUsed(requirement=s.requirement_id, substitute=s.name, consequence=s.consequence,
                                            replaces=tuple(s.replaces)) for s in checked.substitutions],
            )
            return (await load_many(session, [row.id]))[row.id]

    @staticmethod
    def _who_may_apply(item: ServiceItem, person: Person, today: date) -> list[UserError]:
        """SC-1: the item's 服务对象 decides who may apply; some items take no person's application."""
        refused = not_applicable(item)
        if refused is not None:
            return [UserError(refused.code, refused.zh, refused.en, ("serviceItemCode",))]
        who, serves = applicant(item)
        if who is Applicant.EMPLOYEE and person.scheme_on(today) is not Scheme.EMPLOYEE:
            return [UserError("APPLICANT_NOT_ELIGIBLE",
                              f"“{item.name}”只适用于职工医保参保人员（{serves}），您当前不是职工医保参保人",
                              f"{item.code} is for members of the employee scheme only", ("serviceItemCode",))]
        return []

    async def review(self, call: Call, data: ReviewInput) -> Application:
        """APPROVE, REJECT (with a reason) or RETURN (naming every missing material at once)."""
        access.require(call.actor, "mutation.reviewApplication")
        async with self.db.write(call.audit("reviewApplication")) as session:
            row = await session.get(ApplicationRow, data.application_id, with_for_update=True)
            missing = not_found("申请", "application", ("applicationId",))
            if row is None:
                raise Refused([missing])
            person = await session.get(PersonRow, row.person_id)
            access.reach(call.actor, "mutation.reviewApplication", row.city, person.id_number, missing)  # type: ignore[union-attr]
            await business_dates.check_application(session, call, row.id, row.submitted_on)
            errors: list[UserError] = []
            if ApplicationStatus(row.status) is not ApplicationStatus.SUBMITTED:
                errors.append(UserError("NOT_UNDER_REVIEW", f"该申请{STATUS_ZH[ApplicationStatus(row.status)]}，不能审核",
                                        f"the application is {row.status}, not awaiting review", ("applicationId",)))
            reason = (data.reason or "").strip() or None
            if data.decision is not ReviewDecision.APPROVE and not reason and not data.missing_materials:
                errors.append(UserError("REASON_REQUIRED", "不予通过或退回须说明原因",
                                        "a rejection or return needs a reason", ("reason",)))
            if data.decision is ReviewDecision.RETURN:
                errors += await self._check_named_materials(row, data.missing_materials)
            if errors:
                raise Refused(errors)
            filing = await filing_review.filing_of(session, row)
            if filing is not None:  # a remote filing's application (RF-1..5)
                missing = list(data.missing_materials)
                text = reason if data.decision is not ReviewDecision.RETURN else (
                    reason or "请补充以下材料：" + "、".join(missing))
                await filing_review.on_review(self.events, session, call, row, filing, data.decision, text, missing)
            elif data.decision is ReviewDecision.APPROVE:
                # a reviewed selection request (e.g. ZS-6 portal) is judged as of the day applied (SE-3)
                if not await self.selections.apply_reviewed(session, call, row):
                    await add_event(self.events, session, call, row, ApplicationStatus.APPROVED, None, reason,
                                    decision=data.decision)
            elif data.decision is ReviewDecision.REJECT:
                await selection_requests.close(session, call, row, selection_requests.RequestStatus.REJECTED, reason)
                await add_event(self.events, session, call, row, ApplicationStatus.REJECTED, None, reason,
                                decision=data.decision)
            else:
                missing = list(data.missing_materials)
                text = reason or "请补充以下材料：" + "、".join(missing)
                await add_event(self.events, session, call, row, ApplicationStatus.RETURNED, None, text, missing,
                                decision=data.decision)
            await session.flush()
            return (await load_many(session, [row.id]))[row.id]

    async def withdraw(self, call: Call, application_id: int) -> Application:
        """SE-3: the person (or their proxy, or staff) withdraws an application still open; a
        reviewed selection request behind it is withdrawn with it and no longer counts (ZS-4)."""
        access.require(call.actor, "mutation.withdrawApplication")
        async with self.db.write(call.audit("withdrawApplication")) as session:
            row = await session.get(ApplicationRow, application_id, with_for_update=True)
            missing = not_found("申请", "application", ("applicationId",))
            if row is None:
                raise Refused([missing])
            person = await session.get(PersonRow, row.person_id)
            access.reach(call.actor, "mutation.withdrawApplication", row.city, person.id_number, missing)  # type: ignore[union-attr]
            await business_dates.check_application(session, call, row.id, row.submitted_on)
            if ApplicationStatus(row.status) not in OPEN_STATUSES:
                raise Refused([UserError("NOT_PENDING", "该申请已办结，不能撤回",
                                         "the application is already decided and cannot be withdrawn",
                                         ("applicationId",))])
            await selection_requests.withdraw(session, call, row)
            await add_event(self.events, session, call, row, ApplicationStatus.WITHDRAWN, None, "申请人撤回")
            await session.flush()
            return (await load_many(session, [row.id]))[row.id]

    async def supplement(self, call: Call, application_id: int, materials: tuple[str, ...]) -> Application:
        """After a RETURN: bring the missing materials; the application goes back for review."""
        access.require(call.actor, "mutation.supplementApplication")
        async with self.db.write(call.audit("supplementApplication")) as session:
            row = await session.get(ApplicationRow, application_id, with_for_update=True)
            missing = not_found("申请", "application", ("applicationId",))
            if row is None:
                raise Refused([missing])
            person = await session.get(PersonRow, row.person_id)
            access.reach(call.actor, "mutation.supplementApplication", row.city, person.id_number, missing)  # type: ignore[union-attr]
            await business_dates.check_application(session, call, row.id, row.submitted_on)
            if ApplicationStatus(row.status) is not ApplicationStatus.RETURNED:
                raise Refused([UserError("NOT_RETURNED", "只有被退回的申请才能补充材料",
                                         "only a returned application can be supplemented", ("applicationId",))])
            apps = await load_many(session, [row.id])
            asked = apps[row.id].events[-1].missing_materials
            provided = {m.strip() for m in materials}
            understood = {canonical(m) for m in provided}  # ID-1: synonyms read as the catalogue's names
            still = [m for m in asked if m not in provided and canonical(m) not in understood]
            if still:
                raise Refused([UserError("MATERIALS_MISSING", f"缺少材料：{m}", f"missing material: {m}", ("materials",))
                               for m in still])
            row.materials = sorted({*row.materials, *provided})
            # SC-2: the clock ran only until the return; it runs again, in full, from today
            item = await self.catalogue.item(row.item_code, row.city)
            if item is not None:
                option, _ = _case(item, row.time_limit_case)
                due = await self.catalogue.due(item, call.today, Channel(row.channel),
                                               option.time_limit_case if option else None)
                row.due_date, row.due_note, row.calendar_fallback = due.date, due.note_zh or None, due.fallback
            await add_event(self.events, session, call, row, ApplicationStatus.SUBMITTED, None, "补充材料")
            filing = await filing_review.filing_of(session, row)
            if filing is not None:
                await filing_review.on_supplement(session, call, row, filing)
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
        unknown = [n for n in names if n not in known and canonical(n) not in known]
        return [UserError("UNKNOWN_MATERIAL", f"该事项没有名为“{n}”的材料", f"{n!r} is not a material of this item",
                          ("missingMaterials",)) for n in unknown]
