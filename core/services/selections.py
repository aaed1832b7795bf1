"""Selections (选点): first choice, change, withdrawal and end (SE-1..5).

The flow is the same for every city: load, ask the city's hooks, write. The city decides which
slot an institution fills, which requests to refuse, and when a choice takes effect; this module
only stores what the hooks answered, in one transaction, or nothing at all.
"""

from __future__ import annotations

import json
from typing import Any
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import access, ids
from ..auth import Role
from ..call import Call
from ..cityhooks import CityHookCalls
from ..domain import (
    OPEN_END,
    Channel,
    Institution,
    Person,
    Selection,
    SelectionKind,
    SelectionRequest,
    SelectionStatus,
    Slot,
)
from ..errors import Refused, UserError, apply_overrides, flatten, not_found
from ..events import ApplicationEventBus
from ..periods import day_before
from ..proxies import Proxy, acts_as_proxy, proxy_errors, proxy_materials
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage import audit
from ..storage.reader import Reader, Sql
from ..storage.tables import ApplicationRow, InstitutionRow, PersonRow, SelectionEventRow, SelectionRow
from . import business_dates, filing_store, mapping, person_load
from . import selection_requests as reviewed
from .application_records import ReviewDecision, SelectionRequestDetails
from .applications import (
    SELECTION_ITEMS,
    Application,
    ApplicationStatus,
    add_event,
    insert_events,
    load_many,
    open_application,
)
from .catalogue import ServiceCatalogue
from .institutions import Institutions
from .persons import Persons, load_person

def _insert(table: str, columns: str, returning: str = "") -> Sql:
    names = [c.strip() for c in columns.split(",")]
    return Sql(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
               + (f" RETURNING {returning}" if returning else ""))


_APPLICATION_INSERT = _insert(
    "applications", "person_id, city, item_code, channel, status, submitted_on, due_date, due_note, calendar_fallback, "
    "details, materials, facts, idempotency_key, time_limit_case, proxy_id_number, created_at, created_by", "id")
_SELECTION_INSERT = _insert(
    "selections", "person_id, kind, slot, institution_id, scheme, effective_from, effective_to, channel, created_on, "
    "created_at, created_by, replaces_id, application_id, idempotency_key, replaced_effective_to", "id")
_SELECTION_EVENT_COLUMNS = ("selection_id", "event", "at", "business_date", "actor", "channel", "detail")
_SELECTION_EVENTS_INSERT = {
    n: Sql(f"INSERT INTO selection_events ({', '.join(_SELECTION_EVENT_COLUMNS)}) VALUES "
           + ", ".join("(" + ", ".join(f":{c}_{i}" for c in _SELECTION_EVENT_COLUMNS) + ")" for i in range(n)))
    for n in (1, 2)}
_SELECTION_END = Sql("UPDATE selections SET effective_to = :ends WHERE id = :id")



@dataclass(frozen=True, slots=True)
class SelectInput:
    id_number: str
    kind: SelectionKind
    institution_code: str
    channel: Channel
    replaces_selection_id: int | None = None
    idempotency_key: str | None = None
    proxy: Proxy | None = None
    """SE-3: the 代办人, when a proxy makes the request (at a window, say)."""


@dataclass(frozen=True, slots=True)
class SelectionResult:
    selection: Selection | None
    """None while the request waits for review (its application says where it stands)."""
    application: Application | None


@dataclass(frozen=True, slots=True)
class SelectionPreview:
    """What `select` would do now, from a dry run (nothing written)."""

    institution: Institution | None
    slot: Slot | None
    effective_from: date | None
    """None when the request would wait for staff review (the approval day decides)."""
    replaces: Selection | None
    needs_review: bool
    repeat: SelectionResult | None
    """The first answer, when the idempotency key was used before."""


class _DryRun(Exception):
    def __init__(self, preview: SelectionPreview):
        super().__init__("dry run")
        self.preview = preview


@dataclass(frozen=True, slots=True)
class _Plan:
    person: Person
    institution: Institution
    slot: Slot | None
    request: SelectionRequest
    hooks: CityHookCalls
    reader: Reader | None = None
    """The write transaction's statements (the one that loaded the plan)."""


class Selections:
    def __init__(self, db: Database, plugins: PluginHost, catalogue: ServiceCatalogue, events: ApplicationEventBus,
                 persons: Persons, institutions: Institutions):
        self.db = db
        self.plugins = plugins
        self.catalogue = catalogue
        self.events = events
        self.persons = persons
        self.institutions = institutions

    # -- select ---------------------------------------------------------------------------------

    async def select(self, call: Call, data: SelectInput) -> SelectionResult:
        access.claim(call.actor, "mutation.selectInstitution", data.id_number)
        async with self.db.write(call.audit("selectInstitution", data.channel)) as session:
            plan = await self._plan(session, call, data)
            if isinstance(plan, SelectionResult):
                return plan  # a repeated idempotency key: the first answer
            if plan.hooks.yibao_selection_needs_review(request=plan.request):
                # e.g. ZS-6: 广东政务服务网 uploads a form that staff review; approval creates the selection
                app = await self._open(session, call, plan, data, review=True)
                await reviewed.record(session, call, plan.request, app)
                return SelectionResult(None, (await load_many(session, [app.id]))[app.id])
            return await self._write_direct(session, call, plan, data)

    # -- dry run (selectionOptions, selectInstitution(dryRun: true)) ---------------------------------

    async def preview(self, call: Call, data: SelectInput) -> SelectionPreview:
        """`select` without writing: the same checks, plan and city hooks, then the transaction is
        rolled back (a private exception leaves `db.write(…)`: no change and no audit row), so even an accidental write is undone.
        Raises Refused with every reason at once, exactly as `select` would."""
        access.claim(call.actor, "mutation.selectInstitution", data.id_number)
        try:
            async with self.db.write(call.audit("selectInstitution", data.channel)) as session:
                plan = await self._plan(session, call, data)
                if isinstance(plan, SelectionResult):  # a repeated idempotency key: the first answer
                    raise _DryRun(SelectionPreview(None, None, None, None, False, plan))
                review = bool(plan.hooks.yibao_selection_needs_review(request=plan.request))
                raise _DryRun(SelectionPreview(
                    plan.institution, plan.slot, None if review else self._starts(plan), plan.request.replaces,
                    review, None))
        except _DryRun as done:
            return done.preview

    @staticmethod
    def _starts(plan: _Plan) -> date:
        """When the planned selection takes effect: the city decides (e.g. ZS-2/ZS-3, KP-4), as
        `_as_of_effect` asked it before the rules judged the request on that day."""
        return plan.request.effective_on

    async def apply_reviewed(self, session: AsyncSession, call: Call, app: ApplicationRow) -> bool:
        """A reviewer approves a selection application (SE-3): the rules judge it as of the day the
        person applied, against the person's records as they stand now. A request that has become
        impossible (a newer choice, an ended record, a rule that now refuses it) is rejected with
        its reason in the application's events. Returns False when there is no such request."""
        return await reviewed.approve(self, session, call, app)

    async def _plan(self, session: AsyncSession, call: Call, data: SelectInput, *,
                    request_id: int | None = None) -> _Plan | SelectionResult:
        """Load what the rules need and ask them; raises Refused with every reason at once.

        `request_id`: the reviewed request being approved, left out of the pending ones."""
        # Issue 9: the person locked (PostgreSQL: its own statement first, so that the read after
        # it sees what a concurrent request about the same person committed under READ COMMITTED;
        # SQLite's write transactions begin IMMEDIATE), then ONE statement: the person with periods
        # and categories (SZ-4), every selection with its institution (networks: SZ-3), the
        # institution asked for, any record of the idempotency key, the requests waiting for review
        # (SE-3, ZS-4) and, for 门特, the approved items (SE-1).
        id_number = ids.normalize(data.id_number)
        reader = await Reader.of_session(session, self.db.sqlite)
        if not self.db.sqlite:
            await reader.fetch(person_load.LOCK, {"id_number": id_number})
        want = person_load.Want(code=True, key=bool(data.idempotency_key), pending=True,
                                approved=data.kind is SelectionKind.SPECIAL_DISEASE)
        loaded = await person_load.load(reader, id_number, want, code=data.institution_code.strip().upper(),
                                        key=data.idempotency_key, kind=data.kind)
        person = loaded.person
        if person is not None and not access.in_scope(call.actor, "mutation.selectInstitution", person.city,
                                                      person.id_number):
            person = None  # another city's person is answered as an unknown one (no existence oracle)
        errors: list[UserError] = []
        if person is None:
            errors += ids.check_document(data.id_number) or [not_found("参保人", "person", ("idNumber",))]
        if loaded.institution is None:
            errors.append(not_found("定点医疗机构", "institution", ("institutionCode",)))
        if call.actor.role is Role.INSTITUTION and data.channel is not Channel.INSTITUTION:
            errors.append(UserError("CHANNEL_NOT_ALLOWED", "医疗机构工作人员受理时，渠道应为“医疗机构现场办理”",
                                    "institution staff file requests with channel INSTITUTION", ("channel",)))
        if person is None:
            raise Refused(errors)
        if loaded.repeat_selection is not None:  # a repeated idempotency key: the first answer
            return await self._result(session, loaded.repeat_selection)
        if loaded.repeat_application is not None:
            app_id = loaded.repeat_application
            return SelectionResult(None, (await load_many(session, [app_id]))[app_id])
        if acts_as_proxy(call.actor.role, data.proxy):  # SE-3: the one proxy rule, as on submitApplication
            item = await self.catalogue.item(SELECTION_ITEMS[data.kind], person.city)
            errors += proxy_errors(item, data.proxy, person.id_number)  # type: ignore[arg-type]
        history = [s for s in loaded.selections if s.kind is data.kind]
        if request_id is None:  # a reviewed request is judged as of the day applied (SE-3), not this check
            errors += business_dates.not_before(call, max((s.created_on for s in history), default=None),
                                                "该参保人最近一次选点", "person's latest selection", ("idNumber",))
        replaces, structural = self._replaced(call, data, history)
        errors += structural
        if errors:
            raise Refused(errors)
        inst = loaded.institution
        assert inst is not None
        hooks = self.plugins.city(person.city)
        slots = tuple(hooks.yibao_selection_slots(person=person, kind=data.kind, today=call.today) or ())
        slot, implicit, ambiguous = self._slot(call.today, inst, slots, history, replaces)
        errors += ambiguous
        request = SelectionRequest(
            person=person, kind=data.kind, institution=inst, channel=data.channel, today=call.today,
            slot=slot, slots=slots, replaces=replaces or implicit, history=tuple(history),
            # SE-3: the requests waiting for review matter to a change (ZS-4, PENDING_CHANGE_EXISTS);
            # SE-1: approved items only to 门特 (GD-20), so neither is read when no rule asks
            pending=(tuple(r for r in loaded.pending if r.id != request_id)
                     if (replaces or implicit) is not None else ()),
            approved_items=loaded.approved_items,
            settings=self.plugins.settings(person.city),
        )
        request = self._as_of_effect(hooks, request)
        errors += flatten(hooks.yibao_validate_selection(request=request))
        if errors:
            # A city silences or rewords default refusals in its own terms (yibao_refusal_overrides).
            errors = apply_overrides(errors, flatten(hooks.yibao_refusal_overrides(request=request)))
        if errors:
            raise Refused(_unique(errors))
        return _Plan(person, inst, request.slot, request, hooks, reader)

    @classmethod
    def _as_of_effect(cls, hooks: Any, request: SelectionRequest) -> SelectionRequest:
        """KP-3/KP-4: a request is judged by the rules in force on the day it takes effect: the
        slots (and so eligibility) of that day's rule set, the scheme of that day."""
        if request.replaces is None:
            takes_effect = hooks.yibao_first_choice_effective_date(request=request)
        else:
            takes_effect = hooks.yibao_change_effective_date(request=request)
        if takes_effect == request.today:
            return replace(request, takes_effect=takes_effect)
        ahead = replace(request, takes_effect=takes_effect)
        slots = tuple(hooks.yibao_selection_slots(person=request.person, kind=request.kind, today=takes_effect) or ())
        fitting = [s for s in slots if s.accepts(request.institution)]
        kept = request.slot.key if request.slot else (request.replaces.slot if request.replaces else None)
        slot = next((s for s in fitting if s.key == kept), fitting[0] if fitting else None)
        return replace(ahead, slots=slots, slot=slot)

    async def _open(self, session: AsyncSession, call: Call, plan: _Plan, data: SelectInput, *,
                    review: bool) -> ApplicationRow:
        """SE-5: the application-progress entry every selection request leaves."""
        item_code = SELECTION_ITEMS[data.kind]
        due = None
        if review:
            item = await self.catalogue.item(item_code, plan.person.city)
            due = await self.catalogue.due(item, call.today, data.channel)  # type: ignore[arg-type]
        replaces = plan.request.replaces
        return await open_application(
            self.events, session, call, person_id=plan.person.id, city=plan.person.city, item_code=item_code,
            channel=data.channel, idempotency_key=data.idempotency_key if review else None,
            due_date=due.date if due else call.today, due_note=(due.note_zh or None) if due else None,
            calendar_fallback=due.fallback if due else False,
            materials=proxy_materials(data.proxy), facts=["proxy"] if acts_as_proxy(call.actor.role, data.proxy) else [],
            proxy_id_number=ids.normalize(data.proxy.id_number) if data.proxy else None,
            selection_request=SelectionRequestDetails(
                id_number=plan.person.id_number, kind=data.kind, institution_code=plan.institution.code,
                replaces_selection_id=data.replaces_selection_id, replaces=replaces.id if replaces else None,
                idempotency_key=data.idempotency_key),
        )

    async def _write_direct(self, session: AsyncSession, call: Call, plan: _Plan, data: SelectInput) -> SelectionResult:
        """A request decided at once (no review), in at most five statements (issue 9): the
        application as it ends (APPROVED: no SUBMITTED row updated later), its SUBMITTED and APPROVED
        events in one (with their notifications on PostgreSQL, SC-3), the selection, its events
        (CREATED, and END_SCHEDULED for the record it replaces) in one, the replaced record's end
        date. Sent as written SQL on the transaction's connection (no statement compiled per
        request); the answer is built from what was written, nothing is read back."""
        request = plan.request
        replaces = request.replaces
        reader = plan.reader or await Reader.of_session(session, self.db.sqlite)
        proxy = acts_as_proxy(call.actor.role, data.proxy)
        details = SelectionRequestDetails(
            id_number=plan.person.id_number, kind=data.kind, institution_code=plan.institution.code,
            replaces_selection_id=data.replaces_selection_id, replaces=replaces.id if replaces else None,
            idempotency_key=data.idempotency_key)
        materials = proxy_materials(data.proxy)
        app_values = dict(
            person_id=plan.person.id, city=plan.person.city, item_code=SELECTION_ITEMS[data.kind],
            channel=data.channel.value, status=ApplicationStatus.APPROVED.value, submitted_on=call.today,
            due_date=call.today, due_note=None, calendar_fallback=False, details=json.dumps(details.to_json()),
            materials=json.dumps(materials), facts=json.dumps(["proxy"] if proxy else []), idempotency_key=None,
            time_limit_case=None, proxy_id_number=ids.normalize(data.proxy.id_number) if data.proxy else None,
            created_at=datetime.now(UTC), created_by=call.actor.label)
        app_id = (await reader.fetch(_APPLICATION_INSERT, app_values))[0][0]
        audit.note(reader.session_info, "applications", app_id, "INSERT", {"id": app_id, **app_values},
                   references=(f"persons:{plan.person.id}",))
        events = await insert_events(self.events, reader, call, app_id, [
            (ApplicationStatus.SUBMITTED, data.channel), (ApplicationStatus.APPROVED, request.channel)])
        selection = await self._store(reader, call, plan, app_id, data.idempotency_key)
        app = Application(
            id=app_id, person_id=plan.person.id, city=plan.person.city, item_code=SELECTION_ITEMS[data.kind],
            channel=data.channel, status=ApplicationStatus.APPROVED, submitted_on=call.today, due_date=call.today,
            events=events, materials=tuple(materials), selection_request=details, selection_id=selection.id,
            by_proxy=data.proxy is not None or proxy)
        return SelectionResult(selection, app)

    async def _store(self, reader: Reader, call: Call, plan: _Plan, app_id: int,
                     idempotency_key: str | None) -> Selection:
        """The decided selection, its events, and the end of the record it replaces (three
        statements at most). For a reviewed request `plan.request.today` is the day applied (the
        record's `created_on`, SE-3)."""
        request = plan.request
        replaces = request.replaces
        starts = request.effective_on
        selection = Selection(
            id=0, person_id=plan.person.id, kind=request.kind,
            slot=plan.slot.key if plan.slot else request.kind.value, institution=plan.institution,
            effective_from=starts, effective_to=OPEN_END, scheme=request.scheme, channel=request.channel,
            created_on=request.today, replaces_id=replaces.id if replaces else None, application_id=app_id)
        values = dict(
            person_id=selection.person_id, kind=selection.kind.value, slot=selection.slot,
            institution_id=plan.institution.id, scheme=selection.scheme.value if selection.scheme else None,
            effective_from=starts, effective_to=OPEN_END, channel=selection.channel.value, created_on=request.today,
            created_at=datetime.now(UTC), created_by=call.actor.label, replaces_id=selection.replaces_id,
            application_id=app_id, idempotency_key=idempotency_key,
            # typed: the replaced record's end date before this change, restored if it is withdrawn
            replaced_effective_to=replaces.effective_to if replaces else None)
        new_id = (await reader.fetch(_SELECTION_INSERT, values))[0][0]
        audit.note(reader.session_info, "selections", new_id, "INSERT", {"id": new_id, **values},
                   references=(f"persons:{plan.person.id}", f"applications:{app_id}"))
        events = [(new_id, "CREATED", {"effectiveFrom": starts.isoformat()})]
        if replaces is not None:
            ends = day_before(starts)
            events.append((replaces.id, "END_SCHEDULED", {
                "effectiveTo": ends.isoformat(), "previousEffectiveTo": replaces.effective_to.isoformat(),
                "replacedBy": new_id}))
        params: dict[str, Any] = {}
        for i, (selection_id, event, detail) in enumerate(events):
            params.update({f"selection_id_{i}": selection_id, f"event_{i}": event, f"at_{i}": datetime.now(UTC),
                           f"business_date_{i}": call.today, f"actor_{i}": call.actor.label,
                           f"channel_{i}": request.channel.value, f"detail_{i}": json.dumps(detail)})
        await reader.fetch(_SELECTION_EVENTS_INSERT[len(events)], params)
        for selection_id, event, detail in events:
            audit.note(reader.session_info, "selection_events", f"{selection_id}:{event}", "INSERT",
                       {"selection_id": selection_id, "event": event, "detail": detail},
                       references=(f"selections:{selection_id}", f"persons:{plan.person.id}"))
        if replaces is not None:
            await reader.fetch(_SELECTION_END, {"id": replaces.id, "ends": ends})
            audit.note(reader.session_info, "selections", replaces.id, "UPDATE", {"effective_to": ends},
                       before={"effective_to": replaces.effective_to}, references=(f"persons:{plan.person.id}",))
        return replace(selection, id=new_id)

    async def _write(self, session: AsyncSession, call: Call, plan: _Plan, app: ApplicationRow, *,
                     reviewed: bool = False, idempotency_key: str | None = None) -> SelectionResult:
        """Store a reviewed request on approval. `plan.request.today` is the day applied (the
        record's `created_on`, SE-3) and `call.today` the approval day of the events."""
        reader = plan.reader or await Reader.of_session(session, self.db.sqlite)
        selection = await self._store(reader, call, plan, app.id, None if reviewed else idempotency_key)
        await add_event(self.events, session, call, app, ApplicationStatus.APPROVED,
                        None if reviewed else plan.request.channel,
                        decision=ReviewDecision.APPROVE if reviewed else None)
        await session.flush()
        # the selection as written (its institution already loaded), the application as stored
        return SelectionResult(selection, (await load_many(session, [app.id]))[app.id])

    def _replaced(
        self, call: Call, data: SelectInput, history: list[Selection]
    ) -> tuple[Selection | None, list[UserError]]:
        if data.replaces_selection_id is None:
            return None, []
        target = next((s for s in history if s.id == data.replaces_selection_id), None)
        field = ("replacesSelectionId",)
        if target is None:
            return None, [not_found("要变更的选点记录", "selection to replace", field)]
        if target.status_on(call.today) is not SelectionStatus.EFFECTIVE:
            return None, [UserError("SELECTION_NOT_EFFECTIVE", "只能变更当前生效的选点记录",
                                    "only a selection in effect today can be changed", field)]
        return target, []

    @classmethod
    def _slot(
        cls, today: date, inst: Institution, slots: tuple[Slot, ...], history: list[Selection],
        replaces: Selection | None,
    ) -> tuple[Slot | None, Selection | None, list[UserError]]:
        """Which slot the institution fills, and the record a request without replacesSelectionId changes.

        A change keeps its record's slot when the institution still fits it; otherwise the first
        empty slot that fits is filled (a first choice), else the first fitting slot's holder is changed.
        """
        fitting = [s for s in slots if s.accepts(inst)]
        if not fitting:
            return None, None, []
        if replaces is not None:
            return next((s for s in fitting if s.key == replaces.slot), fitting[0]), None, []
        holders = [(s, *cls._occupant(today, s, slots, history)) for s in fitting]
        for s, holder, ambiguous in holders:
            if holder is None and not ambiguous:
                return s, None, []
        s, holder, ambiguous = holders[0]
        return s, holder, ambiguous

    @staticmethod
    def _occupant(
        today: date, slot: Slot, slots: tuple[Slot, ...], history: list[Selection]
    ) -> tuple[Selection | None, list[UserError]]:
        """The selection now filling `slot`, which a request without replacesSelectionId changes.

        A record made under an older rule set whose slot keys no longer exist (e.g. last
        year's records under this year's slots) fills the current slot its institution fits.
        """
        keys = {s.key for s in slots}

        def fills(sel: Selection) -> bool:
            return sel.slot == slot.key or (sel.slot not in keys and slot.accepts(sel.institution))

        holders = [s for s in history if fills(s) and s.status_on(today) is SelectionStatus.EFFECTIVE]
        if len(holders) > 1:
            return None, [UserError(
                "REPLACEMENT_AMBIGUOUS", "该类别有多条生效的选点记录，请选择要变更的是哪一条",
                "several selections fill this slot; name the one to change with replacesSelectionId",
                ("replacesSelectionId",))]
        return (holders[0] if holders else None), []

    # -- withdraw and end -----------------------------------------------------------------------

    async def withdraw(self, call: Call, selection_id: int) -> SelectionResult:
        """ZS-4 reading: a change not yet effective may be withdrawn; the old record runs on."""
        access.require(call.actor, "mutation.withdrawSelection")
        async with self.db.write(call.audit("withdrawSelection")) as session:
            row, person = await self._load_for_update(session, call, selection_id, "mutation.withdrawSelection")
            await business_dates.check_selection(session, call, row.id, row.created_on)
            current = await self._result(session, row.id)
            errors: list[UserError] = []
            if current.selection.status_on(call.today) is not SelectionStatus.PENDING:
                errors.append(UserError("NOT_PENDING", "只能撤回尚未生效的变更",
                                        "only a change that is not yet in effect can be withdrawn", ("selectionId",)))
            errors += flatten(self.plugins.city(person.city).yibao_validate_withdrawal(
                selection=current.selection, today=call.today))
            if errors:
                raise Refused(errors)
            row.withdrawn_at = datetime.now(UTC)
            self._event(session, call, row.id, "WITHDRAWN", None, {})
            if row.replaces_id is not None:
                await self._restore_end(session, call, row)
            if row.application_id is not None:
                app = await session.get(ApplicationRow, row.application_id)
                await add_event(self.events, session, call, app, ApplicationStatus.WITHDRAWN, None)  # type: ignore[arg-type]
            await session.flush()
            return await self._result(session, row.id)

    async def end(self, call: Call, selection_id: int, reason: str) -> SelectionResult:
        """Agency ends a record as of today (e.g. KP-6: an old-scheme selection)."""
        access.require(call.actor, "mutation.endSelection")
        async with self.db.write(call.audit("endSelection")) as session:
            row, person = await self._load_for_update(session, call, selection_id, "mutation.endSelection")
            await business_dates.check_selection(session, call, row.id, row.created_on)
            current = await self._result(session, row.id)
            errors: list[UserError] = []
            if not reason.strip():
                errors.append(UserError("REASON_REQUIRED", "终止选点须填写原因", "a reason is required", ("reason",)))
            if current.selection.status_on(call.today) is not SelectionStatus.EFFECTIVE:
                errors.append(UserError("SELECTION_NOT_EFFECTIVE", "只能终止当前生效的选点记录；待生效的变更请撤回",
                                        "only a selection in effect can be ended; withdraw a pending change instead",
                                        ("selectionId",)))
            if errors:
                raise Refused(errors)
            previous_to = row.effective_to
            row.effective_to = day_before(call.today)
            row.end_reason = reason.strip()
            self._event(session, call, row.id, "ENDED", None,
                        {"effectiveTo": row.effective_to.isoformat(), "previousEffectiveTo": previous_to.isoformat(),
                         "reason": row.end_reason})
            await session.flush()
            return await self._result(session, row.id)

    async def get(self, call: Call, selection_id: int, operation: str = "Node.Selection") -> SelectionResult | None:
        """The selection, or None when there is none or it lies outside the caller's scope (alike)."""
        access.require(call.actor, operation)
        async with self.db.read() as session:
            row = await session.get(SelectionRow, selection_id)
            if row is None:
                return None
            person = await session.get(PersonRow, row.person_id)
            if not access.in_scope(call.actor, operation, person.city, person.id_number):  # type: ignore[union-attr]
                return None
            return await self._result(session, row.id)

    # -- helpers --------------------------------------------------------------------------------

    async def _load_for_update(self, session: AsyncSession, call: Call, selection_id: int,
                               operation: str) -> tuple[SelectionRow, Person]:
        row = await session.get(SelectionRow, selection_id)
        missing = not_found("选点记录", "selection", ("selectionId",))
        if row is None:
            raise Refused([missing])
        person_row = await session.get(PersonRow, row.person_id)
        access.reach(call.actor, operation, person_row.city, person_row.id_number, missing)  # type: ignore[union-attr]
        _, person = await load_person(session, person_row.id_number, lock=True)  # type: ignore[misc,union-attr]
        await session.refresh(row)
        return row, person

    async def _restore_end(self, session: AsyncSession, call: Call, row: SelectionRow) -> None:
        old = await session.get(SelectionRow, row.replaces_id)
        restored = row.replaced_effective_to or OPEN_END
        old.effective_to = restored  # type: ignore[union-attr]
        self._event(session, call, old.id, "END_RESTORED", None,  # type: ignore[union-attr]
                    {"effectiveTo": restored.isoformat(), "withdrawn": row.id})

    @staticmethod
    def _event(session: AsyncSession, call: Call, selection_id: int, event: str, channel: Channel | None,
               detail: dict) -> None:
        session.add(SelectionEventRow(
            selection_id=selection_id, event=event, at=datetime.now(UTC), business_date=call.today,
            actor=call.actor.label, channel=channel.value if channel else None, detail=detail,
        ))

    async def _result(self, session: AsyncSession, selection_id: int) -> SelectionResult:
        sel_row, inst_row = (await session.execute(
            select(SelectionRow, InstitutionRow).join(InstitutionRow, InstitutionRow.id == SelectionRow.institution_id)
            .where(SelectionRow.id == selection_id)
        )).one()
        selection = mapping.selection(sel_row, mapping.institution(inst_row))
        apps = await load_many(session, [sel_row.application_id] if sel_row.application_id else [])
        return SelectionResult(selection, apps.get(sel_row.application_id or -1))

    # -- coverage -------------------------------------------------------------------------------

    async def coverage(self, call: Call, id_number: str, kind: SelectionKind, on: date | None) -> list[Institution]:
        """Where the person may be treated under `kind` on `on` (ZS-5 and the like)."""
        return (await self.coverage_explained(call, id_number, kind, on))[0]

    async def coverage_explained(self, call: Call, id_number: str, kind: SelectionKind,
                                 on: date | None) -> tuple[list[Institution], list[UserError]]:
        """Coverage, and why it is empty when a rule takes it away (RF-5: a filing by commitment letter)."""
        day = on or call.today
        access.claim(call.actor, "query.coverage", id_number)
        # Issue 9: the person with periods, categories, selections (institution networks included)
        # and, for general outpatient, the remote filings (RF-5) in one statement; the candidates
        # in a second.
        want = person_load.Want(filings=kind is SelectionKind.GENERAL_OUTPATIENT)
        loaded = await self.db.run_read(lambda reader: person_load.load(reader, ids.normalize(id_number), want))
        person = loaded.person
        if person is None or not access.in_scope(call.actor, "query.coverage", person.city, person.id_number):
            raise Refused([not_found("参保人", "person", ("idNumber",))])  # out of scope: as unregistered
        restrictions = filing_store.restrictions_of(self.plugins, loaded.filings, kind, day)
        if restrictions:
            return [], restrictions
        effective = [s for s in loaded.selections if s.kind is kind and s.status_on(day) is SelectionStatus.EFFECTIVE]
        # The hook is asked even without a selection: a city may cover a person who need not
        # select at all (a whole-city filter); the defaults cover only what was selected.
        filters = self.plugins.city(person.city).yibao_coverage(person=person, kind=kind, selections=effective, on=day)
        found = await self.institutions.matching(list(filters or ()))  # one statement, every filter axis
        # IN-1, ZS-5: coverage for a kind holds only institutions designated for that kind; the
        # outpatient choice made with a remote filing is general outpatient at the destination (RF-4).
        service = SelectionKind.GENERAL_OUTPATIENT if kind is SelectionKind.REMOTE else kind
        return [i for i in found if service in i.services], []


def _unique(errors: list[UserError]) -> list[UserError]:
    seen: set[tuple] = set()
    out = []
    for e in errors:
        key = (e.code, e.field)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
