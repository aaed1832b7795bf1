"""Lean loaders for the hot read paths: domain values from a constant number of statements.

Persons come with their scheme periods (ID-3) and, when asked, their selections with
institutions, in ONE statement whatever the page size (a keyset page in a CTE joined to its
periods and selections; the few rows a person repeats are folded here). Institutions' JSON
columns are read only when a caller needs tags, specialties, services or networks. One person
with everything the rules read is core/services/person_load.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

import orjson

from ..domain import (
    Channel,
    Institution,
    InstitutionFilter,
    InstitutionLevel,
    NetworkKind,
    NetworkMembership,
    Person,
    Scheme,
    Selection,
    SelectionKind,
)
from ..storage.reader import Reader, Sql

_PERSON = "p.id, p.id_number, p.document_type, p.name, p.city, p.insured_since"
_PERIOD = "sp.id, sp.scheme, sp.tier, sp.valid_from, sp.valid_to"
_SELECTION = ("s.id, s.kind, s.slot, s.effective_from, s.effective_to, s.scheme, s.channel, s.created_on, "
              "s.replaces_id, s.withdrawn_at, s.end_reason, s.application_id")
INSTITUTION_COLUMNS = "i.id, i.code, i.name, i.city, i.division_code, i.town, i.level, i.category, i.withdrawn_on"
INSTITUTION_LISTS = ", i.tags, i.specialties, i.services, i.networks"
_N_PERSON, _N_PERIOD, _N_SELECTION = 6, 5, 12
_N_INSTITUTION = 9


def _people_sql(where: str, limit: bool, selections: bool, lists: bool) -> Sql:
    inst = INSTITUTION_COLUMNS + (INSTITUTION_LISTS if lists else "")
    cte = (f"WITH p AS (SELECT id, id_number, document_type, name, city, insured_since FROM persons "
           f"WHERE {where} ORDER BY id{' LIMIT :limit' if limit else ''}) ")
    if not selections:
        return Sql(cte + f"SELECT {_PERSON}, {_PERIOD} FROM p LEFT JOIN scheme_periods sp ON sp.person_id = p.id "
                         "ORDER BY p.id, sp.valid_from, sp.id")
    return Sql(cte + f"SELECT {_PERSON}, {_PERIOD}, {_SELECTION}, {inst} FROM p "
                     "LEFT JOIN scheme_periods sp ON sp.person_id = p.id "
                     "LEFT JOIN selections s ON s.person_id = p.id "
                     "LEFT JOIN institutions i ON i.id = s.institution_id "
                     "ORDER BY p.id, sp.valid_from, sp.id, s.effective_from, s.id")


_PAGE = {(sel, lists): _people_sql("city = :city AND id > :after", True, sel, lists)
         for sel in (False, True) for lists in (False, True)}
_COUNT_PERSONS = Sql("SELECT count(*) FROM persons WHERE city = :city")


_KIND = SelectionKind._value2member_map_  # value -> member without Enum.__call__ (hot loop)
_SCHEME = Scheme._value2member_map_
_CHANNEL = Channel._value2member_map_
_LEVEL = InstitutionLevel._value2member_map_
_NETWORK = NetworkKind._value2member_map_


def _date(value: Any) -> date | None:
    if value is None or type(value) is date:
        return value
    return date.fromisoformat(value[:10])  # SQLite stores ISO text


def _json(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return orjson.loads(value)


@dataclass(slots=True)
class InstitutionView:
    """domain.Institution's fields for a read-only page (a plain slots class builds faster)."""

    code: str
    name: str
    city: str
    level: InstitutionLevel
    category: str
    division_code: str
    town: str | None
    tags: tuple[str, ...]
    specialties: tuple[str, ...]
    services: tuple[SelectionKind, ...]
    id: int | None
    withdrawn_on: date | None
    networks: tuple[NetworkMembership, ...]


def institution_from(row: Sequence[Any], at: int, lists: bool, light: bool = False) -> Institution:
    """An Institution (or with `light` an InstitutionView) from the INSTITUTION_COLUMNS (and
    INSTITUTION_LISTS: tags, specialties, services, networks) starting at `at`."""
    if lists:
        tags, specialties = tuple(_json(row[at + 9])), tuple(_json(row[at + 10]))
        services = tuple(_KIND[s] for s in _json(row[at + 11]))
        networks = tuple(NetworkMembership(_NETWORK[n["kind"]], n["id"], n.get("name") or "")
                         for n in _json(row[at + 12]))
    else:
        tags, specialties, services, networks = (), (), (), ()
    return (InstitutionView if light else Institution)(  # type: ignore[return-value]
        row[at + 1], row[at + 2], row[at + 3], _LEVEL[row[at + 6]], row[at + 7], row[at + 4] or "", row[at + 5],
        tags, specialties, services, row[at], _date(row[at + 8]), networks)


@dataclass(slots=True)
class PeriodView:
    """domain.SchemePeriod's fields for a read-only page (a plain slots class builds ~5x faster)."""

    scheme: Scheme
    valid_from: date
    valid_to: date
    tier: int | None


@dataclass(slots=True)
class SelectionView:
    """domain.Selection's fields for a read-only page; its rules are the domain's own methods."""

    id: int
    person_id: int
    kind: SelectionKind
    slot: str
    institution: Institution
    effective_from: date
    effective_to: date
    scheme: Scheme | None
    channel: Channel
    created_on: date
    replaces_id: int | None
    withdrawn: bool
    end_reason: str | None
    application_id: int | None
    status_on = Selection.status_on  # SE-2, unchanged
    active_on = Selection.active_on


@dataclass(slots=True)
class PersonView:
    """domain.Person's fields for a read-only page; its rules are the domain's own methods."""

    id: int
    id_number: str
    name: str
    city: str
    schemes: tuple
    document_type: str
    insured_since: date | None
    scheme_period_on = Person.scheme_period_on  # ID-3, unchanged
    scheme_on = Person.scheme_on


Folded = tuple[PersonView, "tuple[SelectionView, ...] | None"]
"""One person of a page and their selections (None when not asked for)."""


def _fold(rows: Sequence[Sequence[Any]], selections: bool, lists: bool, first: int) -> tuple[list[Folded], bool]:
    """Rows of person x period x selection in the statement's order (person, period, selection)
    folded into the view classes above: at most `first` persons, and whether a further person
    followed. The order lets the fold keep no sets: a person's periods come in contiguous runs of
    rows, and the first run lists each of their selections once (the other runs repeat them).
    Each row is unpacked once; an institution is built once per page."""
    out: list[Folded] = []
    institutions: dict[Any, InstitutionView] = {}
    last: Any = None
    person: PersonView | None = None
    periods: list[PeriodView] = []
    sels: list[SelectionView] = []
    first_period = last_period = None
    lists_at = _N_PERSON + _N_PERIOD + _N_SELECTION + _N_INSTITUTION
    for row in rows:
        if selections:
            (pid, id_number, document_type, person_name, person_city, since, per, scheme, tier, valid_from, valid_to,
             sid, kind, slot, start, end, sel_scheme, channel, created, replaces, withdrawn, reason, application,
             iid, code, name, city, division, town, level, category, withdrawn_on) = row if not lists else row[:lists_at]
        else:
            (pid, id_number, document_type, person_name, person_city, since, per, scheme, tier, valid_from,
             valid_to) = row
        if pid != last:
            if person is not None:
                person.schemes = tuple(periods)
                out.append((person, tuple(sels) if selections else None))
                if len(out) == first:
                    return out, True
            person = PersonView(pid, id_number, person_name, person_city, (), document_type,
                                since if since is None or type(since) is date else _date(since))
            last, periods, sels, first_period, last_period = pid, [], [], per, None
        if per is not None and per != last_period:
            last_period = per
            periods.append(PeriodView(_SCHEME[scheme], valid_from if type(valid_from) is date else _date(valid_from),
                                      valid_to if type(valid_to) is date else _date(valid_to), tier))
        if selections and sid is not None and per == first_period:
            inst = institutions.get(iid)
            if inst is None:
                if lists:
                    inst = institutions[iid] = institution_from(row, _N_PERSON + _N_PERIOD + _N_SELECTION, True, True)
                else:
                    inst = institutions[iid] = InstitutionView(
                        code, name, city, _LEVEL[level], category, division or "", town, (), (), (), iid,
                        withdrawn_on if withdrawn_on is None or type(withdrawn_on) is date else _date(withdrawn_on), ())
            sels.append(SelectionView(
                sid, pid, _KIND[kind], slot, inst, start if type(start) is date else _date(start),
                end if type(end) is date else _date(end), _SCHEME[sel_scheme] if sel_scheme else None,
                _CHANNEL[channel], created if type(created) is date else _date(created),
                replaces, withdrawn is not None, reason, application))
    if person is not None:
        person.schemes = tuple(periods)
        out.append((person, tuple(sels) if selections else None))
    return out, False


async def person_page(reader: Reader, city: str, after: int, first: int, *, selections: bool,
                      lists: bool = False) -> tuple[list[Folded], bool]:
    """A keyset page of a city's persons (id > after): at most `first` of them and whether more
    follow, in one statement."""
    rows = await reader.fetch(_PAGE[(selections, lists)], {"city": city, "after": after, "limit": first + 1})
    return _fold(rows, selections, lists, first)


async def count_persons(reader: Reader, city: str) -> int:
    return (await reader.fetch(_COUNT_PERSONS, {"city": city}))[0][0]


# -- institutions (IN-2) ----------------------------------------------------------------------

_SEARCH: dict[tuple, Sql] = {}


def _search_sql(town: bool, level: bool, category: bool, term: str | None, after: bool, lists: bool,
                withdrawn: bool, network: bool = False) -> Sql:
    key = (town, level, category, term, after, lists, withdrawn, network)
    found = _SEARCH.get(key)
    if found is None:
        where = ["i.city = :city"]
        if not withdrawn:  # withdrawn institutions only when asked for (reference data lifecycle)
            where.append("i.withdrawn_on IS NULL")
        if town:
            where.append("i.town = :town")
        if level:
            where.append("i.level = :level")
        if category:
            where.append("i.category = :category")
        if network:  # as services/institutions.py's network filter: a membership row of that network
            where.append("i.id IN (SELECT n.institution_id FROM institution_networks n "
                         "WHERE n.kind = :network_kind AND n.network_id = :network_id)")
        if term == "cjk":
            where.append("i.name LIKE :term ESCAPE '\\'")
        elif term == "latin":
            where.append("(i.name_pinyin LIKE :term ESCAPE '\\' OR i.name_initials LIKE :term ESCAPE '\\' "
                         "OR lower(i.code) LIKE :term ESCAPE '\\')")
        if after:
            where.append("i.code > :after")
        cols = INSTITUTION_COLUMNS + (INSTITUTION_LISTS if lists else "")
        found = _SEARCH[key] = Sql(f"SELECT {cols} FROM institutions i WHERE {' AND '.join(where)} "
                                   "ORDER BY i.code LIMIT :limit")
        _SEARCH[("count",) + key[:4] + (withdrawn, network)] = Sql(
            f"SELECT count(*) FROM institutions i WHERE {' AND '.join(w for w in where if 'after' not in w)}")
    return found


def _institutions(rows: Sequence[Sequence[Any]]) -> list[InstitutionView]:
    """`institution_from(row, 0, False, True)` for each row of INSTITUTION_COLUMNS, unpacked once."""
    return [InstitutionView(code, name, city, _LEVEL[level], category, division or "", town, (), (), (), iid,
                            withdrawn_on if withdrawn_on is None or type(withdrawn_on) is date else _date(withdrawn_on),
                            ())
            for iid, code, name, city, division, town, level, category, withdrawn_on in rows]


@dataclass(frozen=True, slots=True)
class InstitutionQuery:
    city: str
    town: str | None = None
    level: str | None = None
    category: str | None = None
    term: str | None = None
    """The normalised search term ('' or None: no search)."""
    cjk: bool = False
    include_withdrawn: bool = False
    network: tuple[str, str] | None = None
    """(kind, id) of a network the institutions belong to."""


async def institution_page(reader: Reader, q: InstitutionQuery, after: str | None, limit: int, *,
                           lists: bool, total: bool) -> tuple[list[Institution], int | None]:
    """Institutions ordered by code after `after`, `limit` of them (and the total when asked)."""
    term = ("cjk" if q.cjk else "latin") if q.term else None
    sql = _search_sql(bool(q.town), bool(q.level), bool(q.category), term, after is not None, lists,
                      q.include_withdrawn, q.network is not None)
    params: dict[str, Any] = {"city": q.city, "town": q.town, "level": q.level, "category": q.category,
                              "after": after, "limit": limit}
    if q.network is not None:
        params["network_kind"], params["network_id"] = q.network
    if q.term:
        params["term"] = "%" + q.term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await reader.fetch(sql, params)
    found = _institutions(rows) if not lists else [institution_from(r, 0, True, True) for r in rows]
    count = None
    if total:
        count = (await reader.fetch(_SEARCH[("count", bool(q.town), bool(q.level), bool(q.category), term,
                                             q.include_withdrawn, q.network is not None)],
                                    params))[0][0]
    return found, count


# -- coverage candidates ------------------------------------------------------------------------

_MATCHING: dict[tuple, Sql] = {}
_MAX_MATCHING = 256


def _matching_sql(filters: Sequence[InstitutionFilter]) -> tuple[Sql, list[Any]] | None:
    """One statement for the union of the filters' SQL-testable parts (a superset of what they
    match: codes, or the AND of city, towns, categories, levels and networks; tags are decided by
    `InstitutionFilter.matches`), its text cached by the filters' shape; None when nothing can match."""
    params: list[Any] = []
    shape: list[tuple] = []
    clauses: list[str] = []

    def bind(value: Any) -> str:
        params.append(value)
        return f":p{len(params) - 1}"

    def among(column: str, values: Sequence[Any]) -> str:
        return f"{column} IN ({', '.join(bind(v) for v in values)})"

    for f in filters:
        ors = []
        if f.codes:
            ors.append(among("i.code", f.codes))
        if f.restricts:
            axes = [f"i.city = {bind(f.city)}"]
            if f.towns:
                axes.append(among("i.town", f.towns))
            if f.categories:
                axes.append(among("i.category", f.categories))
            if f.levels:
                axes.append(among("i.level", [lv.value for lv in f.levels]))
            if f.networks:  # as services/institutions.py: a membership row of any of the networks
                member = " OR ".join(f"(n.kind = {bind(r.kind.value)} AND n.network_id = {bind(r.id)})"
                                     for r in f.networks)
                axes.append(f"i.id IN (SELECT n.institution_id FROM institution_networks n WHERE {member})")
            ors.append("(" + " AND ".join(axes) + ")")
        if not ors:
            continue
        shape.append((len(f.codes), f.restricts, len(f.towns), len(f.categories), len(f.levels), len(f.networks)))
        clauses.append(f"(i.city = {bind(f.city)} AND ({' OR '.join(ors)}))")
    if not clauses:
        return None
    key = tuple(shape)
    sql = _MATCHING.get(key)
    if sql is None:
        if len(_MATCHING) >= _MAX_MATCHING:
            _MATCHING.clear()
        sql = _MATCHING[key] = Sql(f"SELECT {INSTITUTION_COLUMNS}{INSTITUTION_LISTS} FROM institutions i "
                                   f"WHERE {' OR '.join(clauses)} ORDER BY i.code")
    return sql, params


async def matching_institutions(reader: Reader, filters: Sequence[InstitutionFilter]) -> list[Institution]:
    """Coverage filters (a city's coverage hook) resolved into institutions in one statement;
    `InstitutionFilter.matches` decides exactly, so the query and the documented combination of
    axes can never disagree."""
    found = _matching_sql(filters)
    if found is None:
        return []
    sql, values = found
    rows = await reader.fetch(sql, {f"p{n}": v for n, v in enumerate(values)})
    institutions = [institution_from(r, 0, True) for r in rows]
    return [i for i in institutions if any(f.matches(i) for f in filters)]


