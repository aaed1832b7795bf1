"""Builders: how each covered field turns its parent value into response JSON.

The values are the same domain values the resolvers wrap in strawberry types (PersonRecord,
Selection, Institution, SchemePeriod, types.City), and every rule is the domain's own: masking
is PersonRecord.shown_id_number (ID-2, decided in core/access.py), a scheme is the period in force
on the business date (ID-3), a selection's status is Selection.status_on (SE-2). A field or type
missing from these tables makes the whole operation fall back to graphql-core.

Why generated code: a page of 20 persons is ~600 response values, and calling one closure per
value cost more than the rest of the build. So each root field's plan is compiled once into one
Python function (as graphql-jit does for JavaScript) whose body is a single dict display, nested
objects inlined and lists as comprehensions. The source holds only response keys and type names
(written with repr()), attribute names from the tables below and names of `_NS`; argument values
are read from the request at run time and never written into the source.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from yibao.core import domain

from .. import globalid
from .plan import FieldPlan, NotCovered, Plan
from .roots import ROOTS

Emit = Callable[["_Gen", FieldPlan, str, dict], str]
"""(generator, the field's plan, the parent value's variable, names bound for it) -> an expression."""


class _IsoDates(dict):
    """date -> its ISO text (None -> None), kept for the few thousand days a database holds; a
    lookup costs a tenth of `date.isoformat`."""

    def __missing__(self, day: Any) -> str | None:
        text = None if day is None else day.isoformat()
        if len(self) < 8192:
            self[day] = text
        return text


_NS: dict[str, Any] = {
    "__builtins__": {"zip": zip, "list": list},
    "_ISO": _IsoDates(),
    "_LIVE": (domain.SelectionStatus.EFFECTIVE, domain.SelectionStatus.PENDING),  # SE-2: shown by default
    "_SelectionKind": domain.SelectionKind,
    **globalid.NAMES,
}
"""The generated functions' globals: the only names their source may use besides locals."""


class _Gen:
    """One root field's generated function: fresh local names and the statements run before the
    return (per request, e.g. a field's arguments)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def obj(self, plan: FieldPlan, v: str, bound: dict | None = None) -> str:
        """A dict display building `plan`'s object from the value held by variable `v`."""
        table = FIELDS.get(plan.type_name)
        if table is None:
            raise NotCovered(plan.type_name)
        items = []
        for child in plan.children:
            if child.name == "__typename":
                expr = repr(plan.type_name)
            else:
                emit = table.get(child.name)
                if emit is None:
                    raise NotCovered(f"{plan.type_name}.{child.name}")
                expr = emit(self, child, v, bound or {})
            items.append(f"{child.key!r}: {expr}")
        return "{" + ", ".join(items) + "}"


# -- field emitters ---------------------------------------------------------------------------

def _attr(path: str) -> Emit:
    return lambda g, p, v, b: f"{v}.{path}"


def _enum(path: str) -> Emit:
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        t = g.fresh("e")
        return f"(None if ({t} := {v}.{path}) is None else {t}._value_)"  # _value_: .value is a Python property
    return emit


def _date(path: str) -> Emit:
    return lambda g, p, v, b: f"_ISO[{v}.{path}]"


def _gid(type_name: str, path: str = "id") -> Emit:
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        t = g.fresh("k")
        return f"(None if ({t} := {v}.{path}) is None else {globalid.expression(type_name, t)})"
    return emit


def _object(through: Callable[[str], str]) -> Emit:
    """A nested object (or None) reached from the parent's variable by the expression `through`."""
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        t = g.fresh("o")
        return f"(None if ({t} := {through(v)}) is None else {g.obj(p, t)})"
    return emit


def _list(through: Callable[[str], str]) -> Emit:
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        x = g.fresh("x")
        return f"[{g.obj(p, x)} for {x} in {through(v)}]"
    return emit


def _plain_list(path: str, enum: bool = False) -> Emit:
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        if not enum:
            return f"list({v}.{path})"
        x = g.fresh("x")
        return f"[{x}._value_ for {x} in {v}.{path}]"
    return emit


def _person_scheme(attr: str) -> Emit:
    def emit(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
        t = g.fresh("sp")  # ID-3: the period in force on the business date
        return f"(None if ({t} := {v}.person.scheme_period_on(today)) is None else {t}.{attr})"
    return emit


def _person_selections(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
    """Person.selections(kind, includeHistory): by default only those in effect or pending (SE-2);
    each selection's status is computed once, for the filter and the `status` field."""
    a, k, h = g.fresh("args"), g.fresh("kind"), g.fresh("history")
    g.lines += [f"{a} = r.args[{int(p.arg_slot)}]" if p.arg_slot >= 0 else f"{a} = {{}}",
                f"{k} = {a}.get('kind')",
                f"{k} = _SelectionKind({k}) if {k} is not None else None",
                f"{h} = {a}.get('includeHistory', {a}.get('include_history', False))"]
    x, st = g.fresh("s"), g.fresh("st")
    return (f"[{g.obj(p, x, {'status': st})} for {x} in ({v}.selections or ()) "
            f"for {st} in ({x}.status_on(today),) if ({k} is None or {x}.kind == {k}) and ({h} or {st} in _LIVE)]")


def _status(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
    return f"{b['status']}._value_" if "status" in b else f"{v}.status_on(today)._value_"  # SE-2


def _edges(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
    n, c = g.fresh("n"), g.fresh("c")
    if any(child.name == "cursor" for child in p.children):
        return f"[{g.obj(p, n, {'node': n, 'cursor': c})} for {n}, {c} in zip({v}.items, {v}.cursors)]"
    return f"[{g.obj(p, n, {'node': n})} for {n} in {v}.items]"


def _node(g: _Gen, p: FieldPlan, v: str, b: dict) -> str:
    return g.obj(p, b["node"])  # a page's items are never None


FIELDS: dict[str, dict[str, Emit]] = {
    "City": {
        "id": _attr("id"), "code": _attr("code"), "name": _attr("name"), "divisionCode": _attr("division_code"),
        "towns": _list(lambda v: f"{v}.towns"),
    },
    "Town": {"name": _attr("name"), "code": _attr("code"), "kind": _attr("kind")},
    "Institution": {
        "id": _gid("Institution"), "code": _attr("code"), "name": _attr("name"),
        "city": _object(lambda v: f"cities[{v}.city]"),
        "town": _attr("town"), "divisionCode": _attr("division_code"), "level": _enum("level"),
        "category": _attr("category"), "tags": _plain_list("tags"), "specialties": _plain_list("specialties"),
        "services": _plain_list("services", enum=True), "withdrawnOn": _date("withdrawn_on"),
        "networks": _list(lambda v: f"{v}.networks"),
    },
    "NetworkMembership": {"kind": _enum("kind"), "id": _attr("id"), "name": _attr("name")},
    "SchemePeriod": {
        "scheme": _enum("scheme"), "tier": _attr("tier"), "validFrom": _date("valid_from"), "validTo": _date("valid_to"),
    },
    "Selection": {
        "id": _gid("Selection"), "kind": _enum("kind"), "slot": _attr("slot"), "status": _status,
        "effectiveFrom": _date("effective_from"), "effectiveTo": _date("effective_to"),
        "institution": _object(lambda v: f"{v}.institution"), "channel": _enum("channel"), "scheme": _enum("scheme"),
        "createdOn": _date("created_on"), "replaces": _gid("Selection", "replaces_id"),
        "endReason": _attr("end_reason"),
    },
    "Person": {
        "id": _gid("Person", "person.id"),
        "idNumber": _attr("shown_id_number"),  # ID-2, decided by core/access.py
        "documentType": _attr("person.document_type"), "name": _attr("person.name"),
        "city": _object(lambda v: f"cities[{v}.person.city]"),
        "scheme": _person_scheme("scheme._value_"), "tier": _person_scheme("tier"),
        "insuredSince": _date("person.insured_since"),
        "schemeHistory": _list(lambda v: f"{v}.person.schemes"),
        "selections": _person_selections,
    },
    "PageInfo": {
        "hasNextPage": _attr("has_next"),
        "endCursor": lambda g, p, v, b: f"({v}.cursors[-1] if {v}.cursors else None)",
    },
    "PersonEdge": {"cursor": lambda g, p, v, b: b["cursor"], "node": _node},
    "InstitutionEdge": {"cursor": lambda g, p, v, b: b["cursor"], "node": _node},
}

_CONNECTION: dict[str, Emit] = {
    "edges": _edges,
    "pageInfo": lambda g, p, v, b: g.obj(p, v),
    "totalCount": lambda g, p, v, b: f"({v}.total if {v}.total is not None else -1)",
}
FIELDS["PersonConnection"] = _CONNECTION
FIELDS["InstitutionConnection"] = _CONNECTION


def source(plan: FieldPlan) -> str:
    """The generated source of `plan`'s builder (raises NotCovered for unknown fields)."""
    g = _Gen()
    body = g.obj(plan, "v")
    lines = ["def build(v, r):", "    today = r.today", "    cities = r.cities",
             *(f"    {line}" for line in g.lines), f"    return {body}"]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=256)
def _function(text: str) -> Callable[[Any, Any], dict]:
    """One function per distinct source (plans of documents that differ only in arguments share it)."""
    found: dict[str, Any] = {}
    exec(compile(text, "<fastpath builder>", "exec"), _NS, found)  # noqa: S102 - our own source, see the module doc
    return found["build"]


def object_builder(plan: FieldPlan) -> Callable[[Any, Any], dict]:
    """The function building `plan`'s object from its value; raises NotCovered for unknown fields."""
    return _function(source(plan))


def attach(plan: Plan) -> None:
    """Give every root field of the plan its builder; raises NotCovered when one has none."""
    for root in plan.roots:
        if root.name == "__typename":
            root.build = None
            continue
        make = ROOTS.get(root.name)
        if make is None:
            raise NotCovered(root.name)
        root.build = make(root)
