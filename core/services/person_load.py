"""One person with everything the rules read, in ONE statement (issue 9).

The person row, and as JSON aggregated by the database: scheme periods (ID-3), dated categories
(e.g. SZ-4 students), every selection with its institution (networks included: SZ-3), and when
asked the remote filings with their outpatient choices (RF-5), the institution a request names
by code, the records an idempotency key already made, the requests waiting for review (SE-3,
ZS-4) and the approved catalogue items (SE-1). Coverage reads it once (then the candidates:
two statements); a selection request reads it after locking the person (PostgreSQL).

The statement is a single row whatever the person holds: `(SELECT 1) LEFT JOIN persons`, so a
request naming an unknown person still learns whether the institution exists. PostgreSQL builds
the JSON with json_agg/json_build_array, SQLite with json_group_array/json_array (its JSON
columns wrapped in json() so they nest as values). Collections are ordered here, by their keys,
not by the aggregate, so both backends give the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import orjson

from ..domain import (
    CategoryPeriod,
    Institution,
    NetworkKind,
    NetworkMembership,
    PendingReview,
    Person,
    PersonCategory,
    SchemePeriod,
    Selection,
    SelectionKind,
)
from ..filings.domain import Filing
from ..storage.reader import Reader, Sql
from .reads import _CHANNEL, _KIND, _LEVEL, _SCHEME  # the pages' value -> member maps
from .reads import _date as _day  # a stored day: date (PostgreSQL) or ISO text (SQLite)

LOCK = Sql("SELECT 1", pg="SELECT id FROM persons WHERE id_number = :id_number FOR UPDATE")
"""PostgreSQL: the person's row locked for the write transaction (serialises requests about one person)."""

_INSTITUTION = ("{p}.id", "{p}.code", "{p}.name", "{p}.city", "{p}.division_code", "{p}.town", "{p}.level",
                "{p}.category", "{p}.withdrawn_on", "@{p}.tags", "@{p}.specialties", "@{p}.services",
                "@{p}.networks")
_PERIOD = ("sp.id", "sp.scheme", "sp.tier", "sp.valid_from", "sp.valid_to")
_CATEGORY = ("pc.id", "pc.category", "pc.valid_from", "pc.valid_to", "pc.recorded_by")
_SELECTION = ("s.id", "s.kind", "s.slot", "s.effective_from", "s.effective_to", "s.scheme", "s.channel",
              "s.created_on", "s.replaces_id", "CASE WHEN s.withdrawn_at IS NULL THEN 0 ELSE 1 END", "s.end_reason",
              "s.application_id")
_PENDING = ("r.id", "r.applied_on", "r.replaces_id", "r.slot")
FILING_FIELDS = ("id", "person_id", "city", "type", "destination", "destination_name", "start_on", "basis", "state",
                 "valid_from", "valid_until", "locked_until", "approved_on", "materials_completed_on", "deemed",
                 "submitted_on", "channel", "@materials", "application_id", "cancelled_on", "proxy")
_FILING_DATES = {"start_on", "valid_from", "valid_until", "locked_until", "approved_on", "materials_completed_on",
                 "submitted_on", "cancelled_on"}
_CHOICE = ("c.position", "c.level", "c.name", "c.institution_id", "c.selection_id", "ci.code", "ci.city")


class _Dialect:
    def __init__(self, pg: bool):
        self.pg = pg

    def col(self, c: str) -> str:
        if c.startswith("@"):  # a JSON column, nested as a value
            return c[1:] if self.pg else f"json({c[1:]})"
        return c

    def array(self, cols: tuple[str, ...] | list[str]) -> str:
        inner = ", ".join(self.col(c) for c in cols)
        return f"json_build_array({inner})" if self.pg else f"json_array({inner})"

    def agg(self, cols: tuple[str, ...] | list[str], rest: str) -> str:
        """A JSON list of arrays (never NULL) from `SELECT … rest`."""
        if self.pg:
            return f"(SELECT coalesce(json_agg({self.array(cols)}), '[]'::json) {rest})"
        return f"(SELECT coalesce(json_group_array({self.array(cols)}), '[]') {rest})"

    def agg_values(self, col: str, rest: str) -> str:
        if self.pg:
            return f"(SELECT coalesce(json_agg({col}), '[]'::json) {rest})"
        return f"(SELECT coalesce(json_group_array({col}), '[]') {rest})"


def _institution_cols(prefix: str) -> tuple[str, ...]:
    return tuple(c.format(p=prefix) for c in _INSTITUTION)


@dataclass(frozen=True, slots=True)
class Want:
    """What a caller reads besides the person, periods, categories and selections."""

    filings: bool = False
    code: bool = False
    """The institution named by `code` (a selection request)."""
    key: bool = False
    """Records made with the idempotency key `key`."""
    pending: bool = False
    """Requests of kind `kind` waiting for review (SE-3)."""
    approved: bool = False
    """Catalogue items of the person's approved applications (SE-1: GD-20)."""


_STATEMENTS: dict[Want, Sql] = {}


def _sql(want: Want) -> Sql:
    found = _STATEMENTS.get(want)
    if found is None:
        found = _STATEMENTS[want] = Sql(_text(_Dialect(False), want), pg=_text(_Dialect(True), want))
    return found


def _text(d: _Dialect, want: Want) -> str:
    cols = ["p.id", "p.id_number", "p.document_type", "p.name", "p.city", "p.insured_since",
            d.agg(_PERIOD, "FROM scheme_periods sp WHERE sp.person_id = p.id"),
            d.agg(_CATEGORY, "FROM person_categories pc WHERE pc.person_id = p.id"),
            d.agg(_SELECTION + _institution_cols("i"),
                  "FROM selections s JOIN institutions i ON i.id = s.institution_id WHERE s.person_id = p.id")]
    if want.filings:
        choices = d.agg(_CHOICE, "FROM remote_filing_choices c LEFT JOIN institutions ci ON ci.id = c.institution_id "
                                 "WHERE c.filing_id = f.id")
        cols.append(d.agg(tuple("@f." + c[1:] if c.startswith("@") else "f." + c for c in FILING_FIELDS)
                          + ("@" + choices,), "FROM remote_filings f WHERE f.person_id = p.id"))
    if want.code:
        cols.append(f"(SELECT {d.array(_institution_cols('t'))} FROM institutions t WHERE t.code = :code)")
    if want.key:
        cols.append("(SELECT ks.id FROM selections ks WHERE ks.person_id = p.id AND ks.idempotency_key = :key)")
        cols.append("(SELECT ka.id FROM applications ka WHERE ka.person_id = p.id AND ka.idempotency_key = :key)")
    if want.pending:
        cols.append(d.agg(_PENDING + _institution_cols("ri"),
                          "FROM selection_requests r JOIN institutions ri ON ri.id = r.institution_id "
                          "WHERE r.person_id = p.id AND r.kind = :kind AND r.status = 'PENDING'"))
    if want.approved:
        cols.append(d.agg_values("a.item_code", "FROM applications a WHERE a.person_id = p.id AND a.status = 'APPROVED'"))
    return f"SELECT {', '.join(cols)} FROM (SELECT 1 AS one) AS one LEFT JOIN persons p ON p.id_number = :id_number"


@dataclass(frozen=True, slots=True)
class LoadedPerson:
    """The person (None when unknown) and what was asked for."""

    person: Person | None
    selections: tuple[Selection, ...] = ()
    filings: tuple[Filing, ...] = ()
    institution: Institution | None = None
    repeat_selection: int | None = None
    repeat_application: int | None = None
    pending: tuple[PendingReview, ...] = ()
    approved_items: frozenset[str] = frozenset()




def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def _list(value: Any) -> list:
    value = _json(value)
    return list(value) if value else []


def institution(v: list, at: int = 0) -> Institution:
    """An Institution from the _INSTITUTION values starting at `at` (as mapping.institution)."""
    return Institution(
        id=v[at], code=v[at + 1], name=v[at + 2], city=v[at + 3], level=_LEVEL[v[at + 6]], category=v[at + 7],
        division_code=v[at + 4], town=v[at + 5], tags=tuple(_list(v[at + 9])), specialties=tuple(_list(v[at + 10])),
        services=tuple(_KIND[s] for s in _list(v[at + 11])), withdrawn_on=_day(v[at + 8]),
        networks=tuple(NetworkMembership(NetworkKind(n["kind"]), n["id"], n.get("name") or "")
                       for n in _list(v[at + 12])),
    )


def _filing(v: list) -> Filing:
    from .filing_store import to_domain

    fields = {}
    for name, value in zip(FILING_FIELDS, v):
        name = name.lstrip("@")
        fields[name] = _day(value) if name in _FILING_DATES else value
    choices = [SimpleNamespace(position=c[0], level=c[1], name=c[2], institution_id=c[3], selection_id=c[4])
               for c in v[len(FILING_FIELDS)]]
    codes = {c[3]: (c[5], c[6]) for c in v[len(FILING_FIELDS)] if c[3] is not None}
    return to_domain(SimpleNamespace(**fields), choices, codes)  # type: ignore[arg-type]


async def load(reader: Reader, id_number: str, want: Want = Want(), *, code: str | None = None,
               key: str | None = None, kind: SelectionKind | None = None) -> LoadedPerson:
    """The person by (normalised) ID number and what `want` asks for, in one statement."""
    params: dict[str, Any] = {"id_number": id_number, "code": code, "key": key,
                              "kind": kind.value if kind is not None else None}
    row = (await reader.fetch(_sql(want), params))[0]
    at = 9
    extra: dict[str, Any] = {}
    if want.filings:
        extra["filings"] = tuple(sorted((_filing(f) for f in _json(row[at])), key=lambda f: f.id))
        at += 1
    if want.code:
        found = _json(row[at])
        extra["institution"] = institution(found) if found else None
        at += 1
    if want.key:
        extra["repeat_selection"], extra["repeat_application"] = row[at], row[at + 1]
        at += 2
    if want.pending:
        extra["pending"] = tuple(
            PendingReview(id=r[0], kind=kind, institution=institution(r, 4), applied_on=_day(r[1]),  # type: ignore[arg-type]
                          replaces_id=r[2], slot=r[3])
            for r in sorted(_json(row[at]), key=lambda r: r[0]))
        at += 1
    if want.approved:
        extra["approved_items"] = frozenset(_json(row[at]))
        at += 1
    if row[0] is None:
        return LoadedPerson(None, **extra)
    pid = row[0]
    periods = sorted(_json(row[6]), key=lambda p: (_day(p[3]), p[0]))
    categories = sorted(_json(row[7]), key=lambda c: (_day(c[2]), c[0]))
    person = Person(
        id=pid, id_number=row[1], name=row[3], city=row[4], document_type=row[2], insured_since=_day(row[5]),
        schemes=tuple(SchemePeriod(_SCHEME[p[1]], _day(p[3]), _day(p[4]), p[2]) for p in periods),  # type: ignore[arg-type]
        categories=tuple(CategoryPeriod(PersonCategory(c[1]), _day(c[2]), _day(c[3]), c[4])  # type: ignore[arg-type]
                         for c in categories),
    )
    institutions: dict[int, Institution] = {}
    selections = []
    for s in sorted(_json(row[8]), key=lambda s: (_day(s[3]), s[0])):
        inst = institutions.get(s[12])
        if inst is None:
            inst = institutions[s[12]] = institution(s, 12)
        selections.append(Selection(
            id=s[0], person_id=pid, kind=_KIND[s[1]], slot=s[2], institution=inst, effective_from=_day(s[3]),  # type: ignore[arg-type]
            effective_to=_day(s[4]), scheme=_SCHEME[s[5]] if s[5] else None, channel=_CHANNEL[s[6]],  # type: ignore[arg-type]
            created_on=_day(s[7]), replaces_id=s[8], withdrawn=bool(s[9]), end_reason=s[10],  # type: ignore[arg-type]
            application_id=s[11]))
    return LoadedPerson(person, tuple(selections), **extra)
