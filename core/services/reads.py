"""Lean loaders for the hot read paths: domain values from a constant number of statements.

Persons come with their scheme periods (ID-3) and, when asked, their selections with
institutions, in ONE statement whatever the page size (a keyset page in a CTE joined to its
periods and selections; the few rows a person repeats are folded here). Institutions' JSON
columns are read only when a caller needs tags, specialties or services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

import orjson

from ..domain import Channel, Institution, InstitutionLevel, Person, Scheme, SchemePeriod, Selection, SelectionKind
from ..storage.reader import Reader, Sql

_PERSON = "p.id, p.id_number, p.document_type, p.name, p.city, p.insured_since"
_PERIOD = "sp.id, sp.scheme, sp.tier, sp.valid_from, sp.valid_to"
_SELECTION = ("s.id, s.kind, s.slot, s.effective_from, s.effective_to, s.scheme, s.channel, s.created_on, "
              "s.replaces_id, s.withdrawn_at, s.end_reason, s.application_id")
INSTITUTION_COLUMNS = "i.id, i.code, i.name, i.city, i.division_code, i.town, i.level, i.category"
INSTITUTION_LISTS = ", i.tags, i.specialties, i.services"
_N_PERSON, _N_PERIOD, _N_SELECTION = 6, 5, 12


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
_ONE = {(sel, lists): _people_sql("id_number = :id_number", False, sel, lists)
        for sel in (False, True) for lists in (False, True)}
_COUNT_PERSONS = Sql("SELECT count(*) FROM persons WHERE city = :city")


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


def institution_from(row: Sequence[Any], at: int, lists: bool) -> Institution:
    """An Institution from the INSTITUTION_COLUMNS (and INSTITUTION_LISTS) starting at `at`."""
    if lists:
        tags, specialties = tuple(_json(row[at + 8])), tuple(_json(row[at + 9]))
        services = tuple(SelectionKind(s) for s in _json(row[at + 10]))
    else:
        tags, specialties, services = (), (), ()
    return Institution(code=row[at + 1], name=row[at + 2], city=row[at + 3], level=InstitutionLevel(row[at + 6]),
                       category=row[at + 7], division_code=row[at + 4] or "", town=row[at + 5], tags=tags,
                       specialties=specialties, services=services, id=row[at])


@dataclass(frozen=True, slots=True)
class LoadedPerson:
    person: Person
    selections: tuple[Selection, ...] | None


def _fold(rows: Sequence[Sequence[Any]], selections: bool, lists: bool) -> list[LoadedPerson]:
    out: list[LoadedPerson] = []
    current: Any = None
    periods: dict[int, SchemePeriod] = {}
    sels: dict[int, Selection] = {}
    institutions: dict[int, Institution] = {}

    def close() -> None:
        if current is None:
            return
        person = Person(id=current[0], id_number=current[1], document_type=current[2], name=current[3],
                        city=current[4], insured_since=_date(current[5]), schemes=tuple(periods.values()))
        out.append(LoadedPerson(person, tuple(sels.values()) if selections else None))

    for row in rows:
        if current is None or row[0] != current[0]:
            close()
            current, periods, sels = row, {}, {}
        pid = row[_N_PERSON]
        if pid is not None and pid not in periods:
            periods[pid] = SchemePeriod(Scheme(row[7]), _date(row[9]), _date(row[10]), row[8])  # type: ignore[arg-type]
        if selections:
            at = _N_PERSON + _N_PERIOD
            sid = row[at]
            if sid is not None and sid not in sels:
                iat = at + _N_SELECTION
                inst = institutions.get(row[iat])
                if inst is None:
                    inst = institutions[row[iat]] = institution_from(row, iat, lists)
                sels[sid] = Selection(
                    id=sid, person_id=current[0], kind=SelectionKind(row[at + 1]), slot=row[at + 2], institution=inst,
                    effective_from=_date(row[at + 3]), effective_to=_date(row[at + 4]),  # type: ignore[arg-type]
                    scheme=Scheme(row[at + 5]) if row[at + 5] else None, channel=Channel(row[at + 6]),
                    created_on=_date(row[at + 7]), replaces_id=row[at + 8],  # type: ignore[arg-type]
                    withdrawn=row[at + 9] is not None, end_reason=row[at + 10], application_id=row[at + 11])
    close()
    return out


async def person_page(reader: Reader, city: str, after: int, limit: int, *, selections: bool,
                      lists: bool = False) -> list[LoadedPerson]:
    """A keyset page of a city's persons (id > after), `limit` of them, in one statement."""
    rows = await reader.fetch(_PAGE[(selections, lists)], {"city": city, "after": after, "limit": limit})
    return _fold(rows, selections, lists)


async def person_by_id_number(reader: Reader, id_number: str, *, selections: bool,
                              lists: bool = True) -> LoadedPerson | None:
    """One person with periods (and selections with institutions), in one statement."""
    rows = await reader.fetch(_ONE[(selections, lists)], {"id_number": id_number})
    found = _fold(rows, selections, lists)
    return found[0] if found else None


async def count_persons(reader: Reader, city: str) -> int:
    return (await reader.fetch(_COUNT_PERSONS, {"city": city}))[0][0]


# -- institutions (IN-2) ----------------------------------------------------------------------

_SEARCH: dict[tuple, Sql] = {}


def _search_sql(town: bool, level: bool, category: bool, term: str | None, after: bool, lists: bool) -> Sql:
    key = (town, level, category, term, after, lists)
    found = _SEARCH.get(key)
    if found is None:
        where = ["i.city = :city"]
        if town:
            where.append("i.town = :town")
        if level:
            where.append("i.level = :level")
        if category:
            where.append("i.category = :category")
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
        _SEARCH[("count",) + key[:4]] = Sql(
            f"SELECT count(*) FROM institutions i WHERE {' AND '.join(w for w in where if 'after' not in w)}")
    return found


@dataclass(frozen=True, slots=True)
class InstitutionQuery:
    city: str
    town: str | None = None
    level: str | None = None
    category: str | None = None
    term: str | None = None
    """The normalised search term ('' or None: no search)."""
    cjk: bool = False


async def institution_page(reader: Reader, q: InstitutionQuery, after: str | None, limit: int, *,
                           lists: bool, total: bool) -> tuple[list[Institution], int | None]:
    """Institutions ordered by code after `after`, `limit` of them (and the total when asked)."""
    term = ("cjk" if q.cjk else "latin") if q.term else None
    sql = _search_sql(bool(q.town), bool(q.level), bool(q.category), term, after is not None, lists)
    params: dict[str, Any] = {"city": q.city, "town": q.town, "level": q.level, "category": q.category,
                              "after": after, "limit": limit}
    if q.term:
        params["term"] = "%" + q.term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await reader.fetch(sql, params)
    found = [institution_from(r, 0, lists) for r in rows]
    count = None
    if total:
        count = (await reader.fetch(_SEARCH[("count", bool(q.town), bool(q.level), bool(q.category), term)],
                                    params))[0][0]
    return found, count


_MATCHING: dict[tuple[int, ...], Sql] = {}


async def institutions_matching(reader: Reader, filters: Sequence[Any]) -> list[Institution]:
    """Candidates for coverage filters (codes or towns of each filter's city), in one statement."""
    used = [f for f in filters if f.codes or f.towns]
    if not used:
        return []
    shape = tuple(x for f in used for x in (len(f.codes), len(f.towns)))
    params: dict[str, Any] = {}
    ors = []
    for n, f in enumerate(used):
        params[f"c{n}"] = f.city
        parts = []
        for kind, values in (("k", f.codes), ("t", f.towns)):
            names = [f"{kind}{n}_{m}" for m in range(len(values))]
            params.update(zip(names, values))
            if names:
                col = "i.code" if kind == "k" else "i.town"
                parts.append(f"{col} IN ({', '.join(':' + x for x in names)})")
        ors.append(f"(i.city = :c{n} AND ({' OR '.join(parts)}))")
    sql = _MATCHING.get(shape)
    if sql is None:
        sql = _MATCHING[shape] = Sql(f"SELECT {INSTITUTION_COLUMNS}{INSTITUTION_LISTS} FROM institutions i "
                                     f"WHERE {' OR '.join(ors)} ORDER BY i.code")
    return [institution_from(r, 0, True) for r in await reader.fetch(sql, params)]
