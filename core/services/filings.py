"""Remote-treatment filing (异地就医备案, DOMAIN.md section 6): file, cancel, complete materials, read.

The flow is the same for every city: load, ask the city's hooks (core/hookspecs.py, the province
defaults in core/filings/province.py), check the materials of the type's catalogue item with the
一次性告知 checker, write in one transaction or nothing at all. Reviews go through the
application the filing opens (application_flow.review calls `on_review`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import access, ids
from ..auth import Role
from ..catalogue.materials import check_materials, normalize
from ..domain import Channel, Person
from ..errors import Refused, UserError, flatten, not_found
from ..filings.destinations import check_destination
from ..filings.domain import (
    COMMITMENT_LETTER,
    FILING_ITEMS,
    BenefitAdjustments,
    Filing,
    FilingBasis,
    FilingEvent,
    FilingRequest,
    FilingStatus,
    FilingType,
)
from ..periods import day_before
from ..events import ApplicationEventBus
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import ApplicationRow, PersonRow, RemoteFilingChoiceRow, RemoteFilingRow
from . import business_dates
from . import filing_store as store
from .filing_choices import ChoiceInput, resolve_choices
from .application_records import SubstituteUsed
from .applications import Application, ApplicationStatus, add_event, load_many, open_application
from .catalogue import ServiceCatalogue
from .persons import load_person

if TYPE_CHECKING:
    from ..call import Call

DEFAULT_CHANNEL = {Role.AGENCY: Channel.WINDOW, Role.INSTITUTION: Channel.INSTITUTION}


@dataclass(frozen=True, slots=True)
class FileInput:
    id_number: str
    type: FilingType
    destination: str
    start_on: date | None
    basis: FilingBasis | None
    materials: tuple[str, ...]
    choices: tuple[ChoiceInput, ...] = ()
    channel: Channel | None = None
    proxy: bool = False
    """RF-3: agency staff recording that a proxy (代办人) files at the window."""
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class FilingRecord:
    """A filing as one caller sees it, with its application and status history."""

    filing: Filing
    application: Application | None
    events: tuple[FilingEvent, ...]


class Filings:
    def __init__(self, db: Database, plugins: PluginHost, catalogue: ServiceCatalogue, events: ApplicationEventBus):
        self.db = db
        self.plugins = plugins
        self.catalogue = catalogue
        self.events = events

    # -- file -----------------------------------------------------------------------------------

    async def file(self, call: Call, data: FileInput) -> FilingRecord:
        access.claim(call.actor, "mutation.fileRemoteTreatment", data.id_number)
        role = call.actor.role
        channel = data.channel or DEFAULT_CHANNEL.get(role, Channel.YUEYIBAO)  # type: ignore[arg-type]
        async with self.db.write(call.audit("fileRemoteTreatment", channel)) as session:
            found = await load_person(session, data.id_number, lock=True)  # serialises one person's filings
            if found is not None and not access.in_scope(call.actor, "mutation.fileRemoteTreatment", found[1].city,
                                                         found[1].id_number):
                found = None  # another city's person is answered as an unknown one (no existence oracle)
            if found is None:
                raise Refused(ids.check_document(data.id_number) or [not_found("参保人", "person", ("idNumber",))])
            person_row, person = found
            if data.idempotency_key:
                repeat = await session.scalar(select(RemoteFilingRow).where(
                    RemoteFilingRow.person_id == person.id, RemoteFilingRow.idempotency_key == data.idempotency_key))
                if repeat is not None:
                    return await self._record(session, repeat.id)
            errors: list[UserError] = []
            if role is Role.INSTITUTION and channel is not Channel.INSTITUTION:
                errors.append(UserError("CHANNEL_NOT_ALLOWED", "医疗机构现场办理的渠道应为 INSTITUTION",
                                        "institution staff file requests with channel INSTITUTION", ("channel",)))
            start = data.start_on or call.today
            if start < call.today and data.type is not FilingType.EMERGENCY:
                errors.append(UserError("INVALID_DATE", "备案开始日期不能早于今天", "startOn may not lie in the past",
                                        ("startOn",)))
            hooks = self.plugins.city(person.city)
            destination, bad = check_destination(data.destination)
            errors += bad
            city_info = next(c for c in self.plugins.cities if c.code == person.city)
            home = hooks.yibao_insured_region(person=person, city=city_info)
            if destination is not None and destination.overlaps(home):
                errors.append(UserError(
                    "DESTINATION_IS_HOME",
                    f"就医地{destination.name}（{destination.code}）在参保地范围内，不属于异地就医，无须备案",
                    f"{destination.code} lies within (or contains) the insured area; remote filing is for "
                    "treatment outside it", ("destination",)))
                destination = None
            choices, choice_errors = await resolve_choices(session, self.plugins, data.choices, destination)
            errors += choice_errors
            materials, basis, substitutions, facts, item = await self._materials(call, person, data, errors)
            if destination is None:
                raise Refused(_unique(errors))
            request = FilingRequest(
                person=person, type=data.type, destination=destination, home_province=city_info.division_code[:2],
                start_on=start, today=call.today, channel=channel, role=role, proxy="proxy" in facts,  # type: ignore[arg-type]
                choices=tuple(choices),
            )
            need = hooks.yibao_filing_required(request=request)
            if not need.required:
                raise Refused([UserError("FILING_NOT_NEEDED", need.reason, need.reason_en, ("type",))])
            errors += flatten(hooks.yibao_validate_filing(request=request))
            errors += await self._conflicts(session, call, person, data.type)
            if errors:
                raise Refused(_unique(errors))
            terms = hooks.yibao_filing_terms(request=request)
            row = RemoteFilingRow(
                person_id=person.id, city=person.city, type=data.type.value, destination=destination.code,
                destination_name=f"{destination.province_name}{'' if destination.level == 'PROVINCE' else destination.name}",
                start_on=start, basis=basis.value if basis else None, state=FilingStatus.SUBMITTED.value,
                validity_months=terms.validity_months, lock_months=terms.lock_months,
                deemed=data.type is FilingType.EMERGENCY, proxy="proxy" in facts, submitted_on=call.today,
                channel=channel.value, materials=list(materials), idempotency_key=data.idempotency_key,
                created_at=datetime.now(UTC), created_by=call.actor.label,
            )
            session.add(row)
            await session.flush()
            for position, choice in enumerate(choices):
                session.add(RemoteFilingChoiceRow(filing_id=row.id, position=position, level=choice.level.value,
                                                  name=choice.name, institution_id=choice.institution_id))
            store.record(session, call, row, FilingStatus.SUBMITTED.value)
            app = None
            if item is not None:
                due = await self.catalogue.due(item, call.today, channel)
                app = await open_application(
                    self.events, session, call, person_id=person.id, city=person.city, item_code=item.code,
                    channel=channel, due_date=due.date, due_note=due.note_zh or None, calendar_fallback=due.fallback,
                    materials=list(materials), facts=facts, substitutions=substitutions,
                    idempotency_key=data.idempotency_key,
                )
                row.application_id = app.id
            if not terms.review:  # deemed filed (emergency), 窗口即时办结, or a referral filed by the institution
                await store.activate(session, call, row, _scheme(person, start))
                if app is not None:
                    await add_event(self.events, session, call, app, ApplicationStatus.APPROVED, channel)
            await session.flush()
            return await self._record(session, row.id)

    async def _materials(self, call: Call, person: Person, data: FileInput, errors: list[UserError]):
        """RF-1 / RF-3: the type's catalogue item as the city words it; every gap at once (一次性告知)."""
        code = FILING_ITEMS[data.type]
        materials = tuple(m.strip() for m in data.materials if m.strip())
        # RF-3 / SE-3: the proxy rule is the same on every path: a proxy token, or staff recording a proxy.
        facts = ["proxy"] if data.proxy or call.actor.role is Role.PROXY else []
        if code is None:  # RF-1: an emergency is deemed filed, nothing to bring
            if data.basis is not None:
                errors.append(_basis_not_applicable())
            return materials, None, [], facts, None
        item = await self.catalogue.item(code, person.city)
        checked = check_materials(item, materials, facts)  # type: ignore[arg-type]
        errors += checked.to_user_errors()
        substitutions = [SubstituteUsed(requirement=s.requirement_id, substitute=s.name, consequence=s.consequence,
                                        replaces=tuple(s.replaces)) for s in checked.substitutions]
        basis = None
        if data.type.long_term:
            by_commitment = [s for s in checked.substitutions if normalize(s.name) == normalize(COMMITMENT_LETTER)]
            basis = FilingBasis.COMMITMENT if by_commitment else FilingBasis.MATERIALS
            if checked.ok and data.basis is not None and data.basis is not basis:
                if data.basis is FilingBasis.MATERIALS:
                    wanted = "、".join(n for s in by_commitment for n in s.replaces)
                    errors.append(UserError(
                        "BASIS_MISMATCH", f"以材料方式备案须提供：{wanted}（任选其一），而不是个人承诺书",
                        f"a filing by MATERIALS needs one of: {', '.join(n for s in by_commitment for n in s.replaces)}"
                        " instead of the commitment letter", ("basis",)))
                else:
                    errors.append(UserError(
                        "BASIS_MISMATCH", "以个人承诺方式备案须提供个人承诺书（所带材料已齐全，可改为材料方式）",
                        "a filing by COMMITMENT needs the 个人承诺书; the documents brought support MATERIALS",
                        ("basis",)))
        elif data.basis is not None:
            errors.append(_basis_not_applicable())
        return materials, basis, substitutions, facts, item

    async def _conflicts(self, session: AsyncSession, call: Call, person: Person, kind: FilingType) -> list[UserError]:
        """One open filing per person and family (long-term, or the same other type); RF-2 names the lock."""
        for filing in await store.of_person(session, person.id):
            if not filing.open_on(call.today):
                continue
            same = filing.type.long_term and kind.long_term or filing.type is kind
            if not same:
                continue
            if filing.locked_until is not None and call.today < filing.locked_until:
                return [_locked(filing)]
            return [UserError(
                "FILING_EXISTS", f"已有一项{filing.status_on(call.today).value}的同类备案（{filing.destination_name}），"
                "请先取消后再办理", f"a {filing.type.value} filing is already {filing.status_on(call.today).value}; "
                "cancel it first", ("type",))]
        return []

    # -- review, cancel, complete ---------------------------------------------------------------

    async def cancel(self, call: Call, filing_id: int, reason: str | None = None) -> FilingRecord:
        """RF-2: a long-term filing cannot be cancelled before `lockedUntil`; the refusal names the date."""
        access.require(call.actor, "mutation.cancelRemoteFiling")
        async with self.db.write(call.audit("cancelRemoteFiling")) as session:
            row = await self._for_update(session, call, filing_id, "mutation.cancelRemoteFiling")
            filing = (await store.load(session, [row]))[row.id]
            status = filing.status_on(call.today)
            if status not in (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.ACTIVE):
                raise Refused([UserError("FILING_NOT_CANCELLABLE", f"该备案当前状态为{status.value}，不能取消",
                                         f"the filing is {status.value} and cannot be cancelled", ("filingId",))])
            if filing.locked_until is not None and call.today < filing.locked_until:
                raise Refused([_locked(filing)])
            text = (reason or "").strip() or "参保人申请取消备案"
            if status is FilingStatus.ACTIVE:
                row.valid_until = day_before(call.today)
                await store.end_selections(session, call, row, text)
            elif row.application_id is not None:
                app = await session.get(ApplicationRow, row.application_id)
                await add_event(self.events, session, call, app, ApplicationStatus.WITHDRAWN, None, text)  # type: ignore[arg-type]
            row.state = FilingStatus.CANCELLED.value
            row.cancelled_on = call.today
            store.record(session, call, row, FilingStatus.CANCELLED.value, text)
            await session.flush()
            return await self._record(session, row.id)

    async def complete_materials(self, call: Call, filing_id: int, materials: tuple[str, ...]) -> FilingRecord:
        """RF-5: a filing by commitment letter completed with the materials: the upgrade dates from today."""
        access.require(call.actor, "mutation.completeRemoteFilingMaterials")
        async with self.db.write(call.audit("completeRemoteFilingMaterials")) as session:
            row = await self._for_update(session, call, filing_id, "mutation.completeRemoteFilingMaterials")
            filing = (await store.load(session, [row]))[row.id]
            field = ("filingId",)
            if filing.basis is not FilingBasis.COMMITMENT or filing.materials_completed_on is not None:
                raise Refused([UserError("NOT_BY_COMMITMENT", "只有以个人承诺方式办理且尚未补齐材料的长期备案才能补齐材料",
                                         "only a long-term filing by commitment letter not yet completed can be "
                                         "completed with materials", field)])
            if filing.status_on(call.today) is not FilingStatus.ACTIVE:
                raise Refused([UserError("FILING_NOT_ACTIVE", "备案尚未生效或已终止，不能补齐材料",
                                         "the filing is not in force", field)])
            brought = tuple(m.strip() for m in materials if m.strip())
            item = await self.catalogue.item(FILING_ITEMS[filing.type], row.city)  # type: ignore[arg-type]
            held = [m for m in (*row.materials, *brought) if normalize(m) != normalize(COMMITMENT_LETTER)]
            checked = check_materials(item, held, [])  # type: ignore[arg-type]
            if not checked.ok:
                raise Refused(checked.to_user_errors())
            row.materials = sorted({*row.materials, *brought})
            row.materials_completed_on = call.today
            store.record(session, call, row, "MATERIALS_COMPLETED", "补齐备案材料：" + "、".join(brought))
            await session.flush()
            return await self._record(session, row.id)

    # -- reading --------------------------------------------------------------------------------

    def benefits(self, filing: Filing, on: date) -> BenefitAdjustments:
        """RF-5, computed by the city's hooks for a day."""
        return store.benefits(self.plugins, filing, on)

    async def get(self, call: Call, filing_id: int, operation: str = "query.remoteFiling") -> FilingRecord | None:
        """The filing, or None when there is none or it lies outside the caller's scope (alike)."""
        access.require(call.actor, operation)
        async with self.db.read() as session:
            row = await session.get(RemoteFilingRow, filing_id)
            if row is None:
                return None
            person = await session.get(PersonRow, row.person_id)
            if not access.in_scope(call.actor, operation, person.city, person.id_number):  # type: ignore[union-attr]
                return None
            return await self._record(session, row.id)

    async def of_person(self, call: Call, person_id: int) -> list[FilingRecord]:
        """A person's filings (the caller already read the person, so access is checked)."""
        async with self.db.read() as session:
            rows = (await session.scalars(select(RemoteFilingRow.id).where(
                RemoteFilingRow.person_id == person_id).order_by(RemoteFilingRow.id))).all()
            return [await self._record(session, pk) for pk in rows]

    async def _record(self, session: AsyncSession, filing_id: int) -> FilingRecord:
        row = await session.get(RemoteFilingRow, filing_id)
        await session.refresh(row)
        filing = (await store.load(session, [row]))[filing_id]  # type: ignore[list-item]
        apps = await load_many(session, [row.application_id] if row.application_id else [])  # type: ignore[union-attr]
        events = (await store.events_of(session, [filing_id]))[filing_id]
        return FilingRecord(filing, apps.get(row.application_id or -1), tuple(events))  # type: ignore[union-attr]

    async def _for_update(self, session: AsyncSession, call: Call, filing_id: int, operation: str) -> RemoteFilingRow:
        row = await session.get(RemoteFilingRow, filing_id)
        missing = not_found("异地就医备案", "remote filing", ("filingId",))
        if row is None:
            raise Refused([missing])
        person = await session.get(PersonRow, row.person_id)
        access.reach(call.actor, operation, person.city, person.id_number, missing)  # type: ignore[union-attr]
        await business_dates.check_filing(session, call, row.id, row.submitted_on)
        await load_person(session, person.id_number, lock=True)  # type: ignore[union-attr]
        await session.refresh(row)
        return row


def _scheme(person: Person, day: date) -> str | None:
    scheme = person.scheme_on(day)
    return scheme.value if scheme else None


def _locked(filing: Filing) -> UserError:
    until = filing.locked_until.isoformat()  # type: ignore[union-attr]
    return UserError(
        "FILING_LOCKED",
        f"异地长期备案于{filing.approved_on.isoformat() if filing.approved_on else ''}办理成功，"
        f"在{until}之前不能取消或变更（RF-2），{until}起方可办理",
        f"a long-term filing cannot be cancelled or changed before {until} (RF-2); possible from that day",
        ("filingId",))


def _basis_not_applicable() -> UserError:
    return UserError("BASIS_NOT_APPLICABLE", "备案方式（材料/个人承诺）只适用于异地长期备案",
                     "basis (MATERIALS / COMMITMENT) applies to long-term filings only", ("basis",))


def _unique(errors: list[UserError]) -> list[UserError]:
    seen: set[tuple] = set()
    out = []
    for e in errors:
        key = (e.code, e.field, e.message)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
