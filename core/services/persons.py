"""Persons (参保人): registration, dated scheme history (ID-3), reading with masking (ID-2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .. import access, ids
from ..domain import OPEN_END, Person, PersonInput, Scheme, Selection
from ..call import Call
from ..errors import Forbidden, Refused, UserError, flatten, not_found
from ..pagination import Page, after_id, build_page, page_request
from ..periods import day_before
from ..policy import Scope
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import InstitutionRow, PersonCategoryRow, PersonRow, SchemePeriodRow, SelectionRow
from . import mapping, person_keys

CURSOR_KIND = "person"


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person as one caller may see them: the ID number shown masked or not (ID-2)."""

    person: Person
    shown_id_number: str
    selections: tuple[Selection, ...] | None = None


@dataclass(frozen=True, slots=True)
class RegisterInput:
    id_number: str
    name: str
    city: str
    scheme: Scheme
    tier: int | None = None
    insured_since: date | None = None
    document_type: str = ids.RESIDENT_ID


@dataclass(frozen=True, slots=True)
class SchemeChangeInput:
    id_number: str
    scheme: Scheme
    tier: int | None = None
    effective_on: date | None = None


async def load_person(session: AsyncSession, id_number: str, *, lock: bool = False) -> tuple[PersonRow, Person] | None:
    stmt = select(PersonRow).where(PersonRow.id_number == ids.normalize(id_number))
    if lock:
        stmt = stmt.with_for_update()  # serialises concurrent requests about one person (PostgreSQL)
    row = await session.scalar(stmt)
    if row is None:
        return None
    periods = (await session.scalars(select(SchemePeriodRow).where(SchemePeriodRow.person_id == row.id))).all()
    categories = (await session.scalars(select(PersonCategoryRow).where(PersonCategoryRow.person_id == row.id))).all()
    return row, mapping.person(row, periods, categories)


async def load_people(session: AsyncSession, rows: Sequence[PersonRow]) -> list[Person]:
    """These persons (in the rows' order) with their scheme periods and categories: two statements
    however many (a page of a city, a batch of federation references)."""
    ids_ = [r.id for r in rows]
    periods: dict[int, list[SchemePeriodRow]] = defaultdict(list)
    categories: dict[int, list[PersonCategoryRow]] = defaultdict(list)
    if ids_:
        for period in (await session.scalars(
                select(SchemePeriodRow).where(SchemePeriodRow.person_id.in_(ids_)))).all():
            periods[period.person_id].append(period)
        for cat in (await session.scalars(
                select(PersonCategoryRow).where(PersonCategoryRow.person_id.in_(ids_)))).all():
            categories[cat.person_id].append(cat)
    return [mapping.person(r, periods[r.id], categories[r.id]) for r in rows]


async def selections_of(session: AsyncSession, person_ids: list[int]) -> dict[int, list[Selection]]:
    """Every selection of these persons with its institution, in one statement."""
    out: dict[int, list[Selection]] = defaultdict(list)
    if not person_ids:
        return out
    rows = (await session.execute(
        select(SelectionRow, InstitutionRow)
        .join(InstitutionRow, InstitutionRow.id == SelectionRow.institution_id)
        .where(SelectionRow.person_id.in_(person_ids))
        .order_by(SelectionRow.person_id, SelectionRow.effective_from, SelectionRow.id)
    )).all()
    institutions: dict[int, object] = {}
    for sel, inst in rows:
        domain_inst = institutions.get(inst.id) or institutions.setdefault(inst.id, mapping.institution(inst))
        out[sel.person_id].append(mapping.selection(sel, domain_inst))  # type: ignore[arg-type]
    return out


class Persons:
    def __init__(self, db: Database, plugins: PluginHost, id_key: bytes = b""):
        self.db = db
        self.plugins = plugins
        self.id_key = id_key
        """The key of `ids.id_hash` (issue 12: Person's federation key)."""

    def id_hash(self, id_number: str) -> str:
        return ids.id_hash(self.id_key, id_number)

    def _record(self, call: Call, person: Person, selections: list[Selection] | None) -> PersonRecord:
        shown = access.shown_id_number(call.actor, person.city, person.id_number)
        return PersonRecord(person, shown, tuple(selections) if selections is not None else None)

    async def get(self, call: Call, id_number: str, *, with_selections: bool = True,
                  operation: str = "query.person") -> PersonRecord | None:
        """The person as `call` may see them; the GraphQL layer loads selections through its
        per-request loader (selections_of) instead, so it passes with_selections=False."""
        access.claim(call.actor, operation, id_number)
        async with self.db.read() as session:
            found = await load_person(session, id_number)
            if found is None:
                return None
            row, person = found
            if not access.in_scope(call.actor, operation, person.city, person.id_number):
                return None  # out of scope reads as unregistered: no existence oracle across cities
            sels = (await selections_of(session, [row.id]))[row.id] if with_selections else None
        return self._record(call, person, sels)

    async def get_by_pk(self, call: Call, pk: int, *, with_selections: bool = True,
                        operation: str = "Node.Person") -> PersonRecord | None:
        access.require(call.actor, operation)
        async with self.db.read() as session:
            row = await session.get(PersonRow, pk)
        if row is None or not access.in_scope(call.actor, operation, row.city, row.id_number):
            return None
        return await self.get(call, row.id_number, with_selections=with_selections, operation=operation)

    def claim_id_hash(self, call: Call, id_hash: str) -> str:
        """Before any lookup, as `access.claim` for a number: the role may read a person, and a
        person or proxy token names only its own person (so it cannot probe hashes). Returns the
        hash as stored (lower-case hex)."""
        grant = access.require(call.actor, "query.person")
        id_hash = id_hash.strip().lower()
        if grant.scope is Scope.OWN_PERSON and id_hash != self.id_hash(call.actor.person or ""):
            raise Forbidden("令牌只能查询或办理本人（被代办人）的业务", "this token acts for another person")
        return id_hash

    async def get_by_id_hash(self, call: Call, id_hash: str, *, with_selections: bool = True) -> PersonRecord | None:
        """The person whose ID number hashes to `id_hash` (ids.id_hash), with exactly the checks of
        `get`: a person or proxy token may only name its own person, checked before any lookup."""
        id_hash = self.claim_id_hash(call, id_hash)
        pk = await person_keys.person_id_by_hash(self.db, self.id_key, id_hash)
        if pk is None:
            return None
        return await self.get_by_pk(call, pk, with_selections=with_selections, operation="query.person")

    async def get_many_by_id_hash(self, call: Call, hashes: Sequence[str], *,
                                  with_selections: bool = False) -> list[PersonRecord | None]:
        """`get_by_id_hash` for each hash, in the same order, in a constant number of statements
        (federation's `_entities` gets a list's worth of Person references at once): the ids, the
        persons, their periods and categories (and selections when asked). The same checks: every
        hash claimed before any lookup (one foreign hash refuses all), then a person out of the
        caller's scope reads as unknown (None), and ID numbers are masked per ID-2."""
        wanted = [self.claim_id_hash(call, h) for h in hashes]
        pks = await person_keys.person_ids_by_hash(self.db, self.id_key, wanted)
        visible: dict[int, Person] = {}
        sels: dict[int, list[Selection]] = {}
        if pks:
            async with self.db.read() as session:
                rows = (await session.scalars(
                    select(PersonRow).where(PersonRow.id.in_(sorted(set(pks.values())))))).all()
                for person in await load_people(session, rows):
                    if access.in_scope(call.actor, "query.person", person.city, person.id_number):
                        visible[person.id] = person  # out of scope reads as unregistered: no existence oracle
                if with_selections:
                    sels = await selections_of(session, list(visible))
        records = {pk: self._record(call, person, sels.get(pk, []) if with_selections else None)
                   for pk, person in visible.items()}
        return [records.get(pks.get(h, -1)) for h in wanted]

    async def selections_of(self, person_ids: list[int]) -> dict[int, list[Selection]]:
        """Every selection of these persons (already read through get/page, so access was checked)."""
        async with self.db.read() as session:
            return await selections_of(session, person_ids)

    async def page(self, call: Call, city: str, first: int | None, after: str | None) -> Page[PersonRecord]:
        """One page of the city's persons, without selections (loaded per request by the caller)."""
        access.check_city(call.actor, "query.persons", city)
        self.plugins.check_city(city)
        request = page_request(first, after, CURSOR_KIND)
        after = after_id(request)
        async with self.db.read() as session:
            rows = (await session.scalars(
                select(PersonRow).where(PersonRow.city == city, PersonRow.id > after)
                .order_by(PersonRow.id).limit(request.first + 1)
            )).all()
            people = await load_people(session, rows)
        records = [self._record(call, person, None) for person in people]
        return build_page(records, request, CURSOR_KIND, lambda rec: rec.person.id)

    async def count(self, call: Call, city: str) -> int:
        """How many persons the city has (the connection's totalCount, read only when asked)."""
        access.check_city(call.actor, "query.persons", city)
        async with self.db.read() as session:
            return await session.scalar(select(func.count()).select_from(PersonRow).where(PersonRow.city == city)) or 0

    # -- mutations ------------------------------------------------------------------------------

    async def register(self, call: Call, data: RegisterInput) -> PersonRecord:
        access.check_city(call.actor, "mutation.registerPerson", data.city)
        self.plugins.check_city(data.city)
        id_number = ids.normalize(data.id_number)
        errors = ids.check_document(id_number, data.document_type)
        if not data.name.strip():
            errors.append(UserError("NAME_REQUIRED", "姓名不能为空", "name is required", ("name",)))
        since = data.insured_since or call.today
        if since > call.today:
            errors.append(UserError("INVALID_DATE", "参保日期不能晚于今天", "insuredSince may not lie in the future",
                                    ("insuredSince",)))
        errors += flatten(self.plugins.city(data.city).yibao_validate_person(person=PersonInput(
            city=data.city, id_number=id_number, scheme=data.scheme, tier=data.tier,
            effective_on=since, today=call.today,
        )))
        async with self.db.write(call.audit("registerPerson")) as session:
            if not errors and await load_person(session, id_number) is not None:
                errors.append(UserError("PERSON_EXISTS", "该证件号码已登记参保人",
                                        "a person with this ID number is already registered", ("idNumber",)))
            if errors:
                raise Refused(errors)
            now = datetime.now(UTC)
            row = PersonRow(id_number=id_number, document_type=data.document_type, name=data.name.strip(),
                            city=data.city, insured_since=since, created_at=now, created_by=call.actor.label,
                            id_hash=self.id_hash(id_number))  # issue 12; other writers: person_keys fills on a miss
            session.add(row)
            await session.flush()
            session.add(SchemePeriodRow(person_id=row.id, scheme=data.scheme.value, tier=data.tier,
                                        valid_from=since, valid_to=OPEN_END, recorded_at=now,
                                        recorded_by=call.actor.label))
            await session.flush()
            person = (await load_person(session, id_number))[1]  # type: ignore[index]
        return self._record(call, person, [])

    async def change_scheme(self, call: Call, data: SchemeChangeInput) -> PersonRecord:
        """ID-3: a new dated scheme period; the one it follows ends the day before."""
        access.claim(call.actor, "mutation.changeScheme", data.id_number)
        effective = data.effective_on or call.today
        async with self.db.write(call.audit("changeScheme")) as session:
            found = await load_person(session, data.id_number, lock=True)
            missing = not_found("参保人", "person", ("idNumber",))
            if found is None:
                raise Refused([missing])
            row, person = found
            access.reach(call.actor, "mutation.changeScheme", person.city, person.id_number, missing)
            errors: list[UserError] = []
            periods = (await session.scalars(
                select(SchemePeriodRow).where(SchemePeriodRow.person_id == row.id).order_by(SchemePeriodRow.valid_from)
            )).all()
            current = next((p for p in periods if p.valid_from <= effective <= p.valid_to), None)
            if any(p.valid_from >= effective for p in periods):
                errors.append(UserError("INVALID_DATE", "生效日期须晚于最近一次险种记录的开始日期",
                                        "effectiveOn must follow the start of the latest scheme period",
                                        ("effectiveOn",)))
            elif current and current.scheme == data.scheme.value and current.tier == data.tier:
                errors.append(UserError("SCHEME_UNCHANGED", "险种和档次与当前相同",
                                        "scheme and tier are already in force", ("scheme",)))
            errors += flatten(self.plugins.city(person.city).yibao_validate_person(person=PersonInput(
                city=person.city, id_number=person.id_number, scheme=data.scheme, tier=data.tier,
                effective_on=effective, today=call.today, existing=person,
            )))
            if errors:
                raise Refused(errors)
            now = datetime.now(UTC)
            if current is not None:
                current.valid_to = day_before(effective)
            session.add(SchemePeriodRow(person_id=row.id, scheme=data.scheme.value, tier=data.tier,
                                        valid_from=effective, valid_to=OPEN_END, recorded_at=now,
                                        recorded_by=call.actor.label))
            await session.flush()
            person = (await load_person(session, person.id_number))[1]  # type: ignore[index]
        return self._record(call, person, None)  # selections: the caller's loader reads them when asked
