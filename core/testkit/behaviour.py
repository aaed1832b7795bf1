"""The behaviour half of the conformance suite: scenarios derived from a city's own hooks and data.

    async def test_my_city_behaves(yibao_client):
        assert await check_city_behaviour(yibao_client, "mycity") == []

Requests go through GraphQL (the real ASGI app); the hooks are also called directly with the
persons the kit generates, on days across the year. Each problem is one sentence naming the
hook or the scenario.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from yibao.core.defaults import REFUSAL_CODES
from yibao.core.domain import (
    Channel,
    Institution,
    InstitutionLevel,
    Person,
    PersonInput,
    Scheme,
    SchemePeriod,
    Selection,
    SelectionKind,
    SelectionRequest,
    Slot,
)
from yibao.core.errors import UserError, apply_overrides

from .client import GraphQLClient
from .ids import make_id_number

DEFAULT_DAY = date(2026, 3, 2)
GENERAL = SelectionKind.GENERAL_OUTPATIENT
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
CJK = re.compile(r"[\u3400-\u9fff]")
OVERRIDABLE = set(REFUSAL_CODES) | {"REPLACEMENT_AMBIGUOUS"}
TRIES = 6  # institutions tried per scenario before reporting that no first choice succeeds

REGISTER = """mutation($input: RegisterPersonInput!) {
  registerPerson(input: $input) { person { id } errors { code cityCode field message messageEn } } }"""
SELECT = """mutation($input: SelectInstitutionInput!) {
  selectInstitution(input: $input) {
    selection { id slot status effectiveFrom institution { code } } errors { code cityCode field message messageEn } } }"""
COVERAGE = """query($id: String!, $on: Date, $kind: SelectionKind) { coverage(idNumber: $id, on: $on, kind: $kind) { code } }"""


@dataclass
class _Run:
    client: GraphQLClient
    city: str
    on: date
    hooks: Any
    institutions: tuple[Institution, ...]
    agency: str
    kind: SelectionKind = GENERAL
    """The kind the scenarios choose: general outpatient, or the first kind the city's data offers."""
    problems: list[str] = field(default_factory=list)
    numbers: Any = field(default_factory=lambda: itertools.count(700))

    def refusals(self, where: str, errors: list) -> None:
        """SE-4: every refusal has an upper-snake code, a Chinese and an English message."""
        for e in errors:
            code, zh, en = (e.code, e.message, e.message_en) if isinstance(e, UserError) else (
                e.get("cityCode") or e.get("code"), e.get("message"), e.get("messageEn"))
            if not isinstance(code, str) or not CODE.match(code):
                self.problems.append(f"{where}: refusal code {code!r} is not an upper-snake code")
            if not zh or not CJK.search(zh):
                self.problems.append(f"{where}: refusal {code} has no Chinese message")
            if not en or CJK.fullmatch(en) or en == zh:
                self.problems.append(f"{where}: refusal {code} has no English message")


async def check_city_behaviour(client: GraphQLClient, city: str, *, on: date = DEFAULT_DAY) -> list[str]:
    """Every behaviour problem of `city` found by the kit's scenarios (an empty list when it conforms)."""
    platform = client.platform
    if not platform.plugins.has_city(city):
        return [f"{city} is not a loaded city plugin"]
    hooks = platform.plugins.city(city)
    data = hooks.yibao_reference_data()
    institutions = tuple(data.institutions) if data is not None else ()
    run = _Run(client, city, on, hooks, institutions, client.token("agency", city=city))
    if not institutions:
        return [f"yibao_reference_data: {city} ships no institutions to choose from"]
    _hooks_never_raise(run)
    offered = [k for k in SelectionKind if k is not SelectionKind.REMOTE and any(k in i.services for i in institutions)]
    if not offered:
        return [*run.problems, f"yibao_reference_data: no institution of {city} offers a kind one selects locally"]
    run.kind = offered[0]  # GENERAL_OUTPATIENT whenever the city ships an institution offering it
    employee = None
    for label, scheme, born in (("an employee", Scheme.EMPLOYEE, date(1985, 6, 1)),
                                ("a resident", Scheme.RESIDENT, date(1970, 6, 1)),
                                ("an under-14 child", Scheme.RESIDENT, _years_before(on, 5))):
        chosen = await _first_choice(run, label, scheme, born)
        if scheme is Scheme.EMPLOYEE:
            employee = chosen
    if employee is not None:
        await _change(run, *employee)
    return run.problems


# -- scenarios through GraphQL ----------------------------------------------------------------


async def _register(run: _Run, label: str, scheme: Scheme, born: date) -> Person | None:
    division = _division(run)
    id_number = make_id_number(division, born.strftime("%Y%m%d"), next(run.numbers) % 1000)
    refusals: list[dict] = []
    for tier in (None, 1, 2, 3):  # a city may require a tier of residents
        payload = {"idNumber": id_number, "name": "一致性测试", "city": run.city, "scheme": scheme.value}
        if tier is not None:
            payload["tier"] = tier
        result = await run.client(REGISTER, {"input": payload}, token=run.agency, today=run.on)
        if result.errors:
            run.problems.append(f"{label}: registerPerson raised {result.errors}")
            return None
        body = result.data["registerPerson"]
        run.refusals(f"{label}: registerPerson", body["errors"])
        if not body["errors"]:
            return Person(id=0, id_number=id_number,
                          name="一致性测试", city=run.city, schemes=(SchemePeriod(scheme, run.on, tier=tier),),
                          insured_since=run.on)
        refusals += body["errors"]
    run.problems.append(f"{label}: registerPerson refused every tier: {[e['code'] for e in refusals]}")
    return None


def _candidates(run: _Run, person: Person, kind: SelectionKind, day: date) -> tuple[list[Slot], list[Institution]]:
    slots = list(run.hooks.yibao_selection_slots(person=person, kind=kind, today=day) or ())
    # one institution per slot first, so every slot gets a chance before a second try of the first
    per_slot = [[i for i in run.institutions if kind in i.services and s.accepts(i)] for s in slots]
    ordered: list[Institution] = []
    for batch in itertools.zip_longest(*per_slot):
        ordered += [i for i in batch if i is not None and i not in ordered]
    return slots, ordered


async def _select(run: _Run, id_number: str, code: str, day: date, replaces: str | None = None) -> dict:
    payload = {"idNumber": id_number, "kind": run.kind.value, "institutionCode": code, "channel": "WINDOW"}
    if replaces:
        payload["replacesSelectionId"] = replaces
    result = await run.client(SELECT, {"input": payload}, token=run.agency, today=day)
    if result.errors:
        return {"selection": None, "errors": [], "raised": result.errors}
    return result.data["selectInstitution"]


async def _first_choice(run: _Run, label: str, scheme: Scheme, born: date) -> tuple[Person, Institution, dict] | None:
    person = await _register(run, label, scheme, born)
    if person is None:
        return None
    slots, candidates = _candidates(run, person, run.kind, run.on)
    if not candidates:
        run.problems.append(f"{label}: no institution of the city fits the slots of yibao_selection_slots "
                            f"({[s.key for s in slots]}) for {run.kind.value} on {run.on}")
        return None
    refused: dict[str, list[str]] = {}
    for inst in candidates[:TRIES]:
        body = await _select(run, person.id_number, inst.code, run.on)
        if body.get("raised"):
            run.problems.append(f"{label}: selectInstitution of {inst.code} raised {body['raised']}")
            continue
        run.refusals(f"{label}: first choice of {inst.code}", body["errors"])
        if body["errors"]:
            refused[inst.code] = [e["code"] for e in body["errors"]]
            continue
        selection = body["selection"]
        if selection is None:
            return None  # waits for review (yibao_selection_needs_review): nothing more to check here
        starts = date.fromisoformat(selection["effectiveFrom"])
        if starts < run.on:
            run.problems.append(f"{label}: yibao_first_choice_effective_date gave {starts}, before the request on {run.on}")
        await _covers(run, label, person.id_number, inst.code, max(starts, run.on))
        return person, inst, selection
    run.problems.append(f"{label}: no first choice succeeded on {run.on}; refusals: {refused}")
    return None


async def _covers(run: _Run, label: str, id_number: str, code: str, day: date) -> None:
    variables = {"id": id_number, "on": day.isoformat(), "kind": run.kind.value}
    result = await run.client(COVERAGE, variables, token=run.agency, today=day)
    if result.errors:
        run.problems.append(f"{label}: coverage raised {result.errors}")
        return
    codes = {i["code"] for i in result.data["coverage"]}
    if code not in codes:
        run.problems.append(f"{label}: yibao_coverage on {day} does not contain the chosen institution {code}")


async def _change(run: _Run, person: Person, current: Institution, selection: dict) -> None:
    """A change on the first day of the year's sample the city's rules accept; effective not before it."""
    held = _selection(person, current, selection["slot"], run.on, run.on, run.kind)
    for day in _days_after(run.on):
        slots, candidates = _candidates(run, person, run.kind, day)
        slot = next((s for s in slots if s.key == selection["slot"]), None)
        others = [i for i in candidates if i.code != current.code and (slot is None or slot.accepts(i))]
        for target in others[:2]:
            request = SelectionRequest(person=person, kind=run.kind, institution=target, channel=Channel.WINDOW,
                                       today=day, slot=slot, slots=tuple(slots), replaces=held, history=(held,))
            if _reasons(run, request):
                continue
            body = await _select(run, person.id_number, target.code, day, replaces=selection["id"])
            if body.get("raised"):
                run.problems.append(f"a change on {day}: selectInstitution raised {body['raised']}")
                return
            run.refusals(f"a change on {day}", body["errors"])
            if body["selection"] is not None:
                starts = date.fromisoformat(body["selection"]["effectiveFrom"])
                if starts < day:
                    run.problems.append(f"yibao_change_effective_date gave {starts} for a change requested on {day}")
            return
    run.problems.append(f"no change of an employee's choice was accepted on any sampled day after {run.on}")


# -- every hook on the persons the kit generates --------------------------------------------------


def _hooks_never_raise(run: _Run) -> None:
    elsewhere = Institution(code="H99999900001", name="外地医院", city="elsewhere-conformance",
                            level=InstitutionLevel.LEVEL_2, category="综合医院", division_code="999999")
    for person, day, kind in itertools.product(_generated_persons(run), _days(run.on), SelectionKind):
        where = f"{person.name} on {day} ({kind.value})"
        slots = _call(run, "yibao_selection_slots", where, person=person, kind=kind, today=day)
        slots = tuple(slots or ())
        fitting = [i for i in run.institutions if any(s.accepts(i) for s in slots)][:1]
        unfitting = [i for i in run.institutions if not any(s.accepts(i) for s in slots)][:1]
        for inst in [*fitting, *unfitting, elsewhere]:
            slot = next((s for s in slots if s.accepts(inst)), None)
            held = _selection(person, run.institutions[0], slots[0].key if slots else kind.value,
                              day - timedelta(days=60), day - timedelta(days=60), kind)
            for replaces in (None, held):
                request = SelectionRequest(person=person, kind=kind, institution=inst, channel=Channel.WINDOW,
                                           today=day, slot=slot, slots=slots, replaces=replaces,
                                           history=(held,) if replaces else ())
                _judge(run, request, where)
        selections = [_selection(person, i, s.key, day, day, kind) for s, i in zip(slots, fitting, strict=False)]
        for chosen in (selections, []):
            _call(run, "yibao_coverage", where, person=person, kind=kind, selections=chosen, on=day)
        pending = _selection(person, run.institutions[0], kind.value, day + timedelta(days=20), day, kind)
        run.refusals(f"yibao_validate_withdrawal for {where}", _flat(
            _call(run, "yibao_validate_withdrawal", where, selection=pending, today=day)))
    for scheme, tier in itertools.product(Scheme, (None, 1, 2, 3)):
        request = PersonInput(city=run.city, id_number=make_id_number(_division(run), "19800101", 1), scheme=scheme,
                              tier=tier, effective_on=run.on, today=run.on)
        run.refusals("yibao_validate_person", _flat(_call(run, "yibao_validate_person", scheme.value, person=request)))


def _judge(run: _Run, request: SelectionRequest, where: str) -> None:
    """Refusals and effective dates: well formed, deterministic, never before the request day."""
    first = _reasons(run, request, where)
    again = _reasons(run, request, where)
    if first != again:
        run.problems.append(f"yibao_validate_selection is not deterministic for {where}: {first} then {again}")
    run.refusals(f"yibao_validate_selection for {where}", first or [])
    hook = "yibao_change_effective_date" if request.is_change else "yibao_first_choice_effective_date"
    starts = _call(run, hook, where, request=request)
    if starts != _call(run, hook, where, request=request):
        run.problems.append(f"{hook} is not deterministic for {where}")
    if first == [] and isinstance(starts, date) and starts < request.today:
        run.problems.append(f"{hook} gave {starts}, before the request on {request.today}, for {where}")
    _call(run, "yibao_selection_needs_review", where, request=request)


def _reasons(run: _Run, request: SelectionRequest, where: str = "") -> list[UserError] | None:
    errors = _flat(_call(run, "yibao_validate_selection", where, request=request))
    overrides = _flat(_call(run, "yibao_refusal_overrides", where, request=request))
    for unknown in sorted({o.code for o in overrides} - OVERRIDABLE):
        problem = f"yibao_refusal_overrides names {unknown}, which the province defaults never refuse with"
        if problem not in run.problems:
            run.problems.append(problem)
    return apply_overrides(errors, overrides) if errors else errors


def _call(run: _Run, hook: str, where: str, **kwargs: Any) -> Any:
    try:
        return getattr(run.hooks, hook)(**kwargs)
    except Exception as exc:  # the kit reports every failing hook, it does not stop at the first
        problem = f"{hook} raised {type(exc).__name__}: {exc} for {where}"
        if problem not in run.problems:
            run.problems.append(problem)
        return None


def _flat(results: Any) -> list:
    return [e for batch in results or () for e in batch or ()]


def _generated_persons(run: _Run) -> list[Person]:
    def person(name: str, born: date, *periods: SchemePeriod, document: str = "RESIDENT_ID") -> Person:
        number = make_id_number(_division(run), born.strftime("%Y%m%d"), 1) if document == "RESIDENT_ID" else "E12345678"
        return Person(id=0, id_number=number, name=name, city=run.city, schemes=periods, document_type=document)

    on, since = run.on, date(2015, 1, 1)
    changed = run.on - timedelta(days=45)
    return [
        person("employee", date(1985, 6, 1), SchemePeriod(Scheme.EMPLOYEE, since)),
        person("resident", date(1970, 6, 1), SchemePeriod(Scheme.RESIDENT, since, tier=1)),
        person("child under 14", _years_before(on, 5), SchemePeriod(Scheme.RESIDENT, _years_before(on, 5))),
        person("newborn", on - timedelta(days=30), SchemePeriod(Scheme.RESIDENT, on - timedelta(days=30))),
        person("elderly", date(1935, 1, 1), SchemePeriod(Scheme.RESIDENT, since, tier=3)),
        person("uninsured", date(1990, 1, 1)),
        person("scheme changed", date(1980, 1, 1), SchemePeriod(Scheme.EMPLOYEE, since, changed - timedelta(days=1)),
               SchemePeriod(Scheme.RESIDENT, changed, tier=2)),
        person("insured later", date(1995, 1, 1), SchemePeriod(Scheme.EMPLOYEE, on + timedelta(days=400))),
        person("passport holder", date(1988, 1, 1), SchemePeriod(Scheme.EMPLOYEE, since), document="PASSPORT"),
    ]


def _selection(person: Person, inst: Institution, slot: str, starts: date, made: date,
               kind: SelectionKind = GENERAL) -> Selection:
    return Selection(id=1, person_id=person.id, kind=kind, slot=slot, institution=inst, effective_from=starts,
                     effective_to=date(2099, 12, 31), scheme=person.scheme_on(made), channel=Channel.WINDOW,
                     created_on=made)


def _days(on: date) -> list[date]:
    return sorted({on, date(on.year, 1, 1), date(on.year, 6, 30), date(on.year, 10, 1), date(on.year, 12, 31),
                   date(on.year + 1, 1, 1)})


def _days_after(on: date) -> list[date]:
    """The request day, then the 1st and the 15th of the next twelve months."""
    days = [on]
    for n in range(1, 13):
        month = date(on.year + (on.month - 1 + n) // 12, (on.month - 1 + n) % 12 + 1, 1)
        days += [month, month + timedelta(days=14)]
    return days


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def _division(run: _Run) -> str:
    info = next(c for c in run.client.platform.plugins.cities if c.code == run.city)
    return info.division_code
