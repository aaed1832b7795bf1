"""Covered root fields: each asks a core service for domain values, then builds its JSON.

The permission classes declared on the strawberry field run first; a refusal, a bad argument or
any error leaves the request to graphql-core, which answers it exactly as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from yibao.core.domain import NetworkKind, NetworkRef, SelectionKind
from yibao.core.services import read_path

from .plan import FieldPlan, NotCovered

Root = Callable[[Any], Awaitable[Any]]

LIST_FIELDS = ("tags", "specialties", "services", "networks")


class _Info:
    """What strawberry permission classes read from `info`."""

    __slots__ = ("context",)

    def __init__(self, context: Any):
        self.context = context


def _gate(plan: FieldPlan) -> Callable[[Any, dict], None]:
    definition = plan.definition.extensions.get("strawberry-definition")
    classes = list(getattr(definition, "permission_classes", None) or ())

    def check(r: Any, args: dict) -> None:
        info = _Info(r.context)
        for cls in classes:
            if not cls().has_permission(None, info, **args):
                raise NotCovered("permission refused")
    return check


def _args(plan: FieldPlan, r: Any) -> dict:
    return r.args[plan.arg_slot] if plan.arg_slot >= 0 else {}


def _wants_lists(plan: FieldPlan | None) -> bool:
    return plan is not None and any(plan.wants(name) for name in LIST_FIELDS)


def _nodes(plan: FieldPlan) -> list[FieldPlan]:
    """Every `node` under every `edges` of a connection (each alias may ask for more)."""
    return [n for e in plan.children if e.name == "edges" for n in e.children if n.name == "node"]


def persons(plan: FieldPlan) -> Root:
    from .objects import object_builder

    build = object_builder(plan)
    gate = _gate(plan)
    sels = [s for node in _nodes(plan) for s in node.children if s.name == "selections"]
    institutions = [i for s in sels for i in s.children if i.name == "institution"]
    selections = bool(sels)
    lists = any(_wants_lists(i) for i in institutions)
    total = plan.wants("totalCount")

    async def run(r: Any) -> Any:
        args = _args(plan, r)
        gate(r, args)
        page = await read_path.persons_page(r.platform.db, r.platform.plugins, r.call, args["city"], args.get("first"), args.get("after"),
                                            selections=selections, lists=lists, total=total)
        return build(page, r)
    return run


def institutions(plan: FieldPlan) -> Root:
    from .objects import object_builder

    build = object_builder(plan)
    gate = _gate(plan)
    lists = any(_wants_lists(node) for node in _nodes(plan))
    total = plan.wants("totalCount")

    async def run(r: Any) -> Any:
        args = _args(plan, r)
        gate(r, args)
        r.context.check_request()
        network = args.get("network")
        ref = None
        if network is not None:  # as the resolver: NetworkRef(kind, id stripped)
            kind, nid = ((network["kind"], network["id"]) if isinstance(network, dict)
                         else (network.kind, network.id))
            ref = NetworkRef(NetworkKind(kind), nid.strip())
        q = read_path.institution_query(args["city"], args.get("town"), args.get("level"), args.get("category"),
                                        args.get("search"),
                                        args.get("includeWithdrawn", args.get("include_withdrawn", False)), ref)
        page = await read_path.institutions_page(r.platform.db, r.platform.plugins, q, args.get("first"), args.get("after"),
                                                 lists=lists, total=total)
        return build(page, r)
    return run


def coverage(plan: FieldPlan) -> Root:
    from .objects import object_builder

    build = object_builder(plan)
    gate = _gate(plan)

    async def run(r: Any) -> Any:
        args = _args(plan, r)
        gate(r, args)
        kind = args.get("kind") or SelectionKind.GENERAL_OUTPATIENT
        found = await r.platform.selections.coverage(r.call, args["idNumber"] if "idNumber" in args
                                                     else args["id_number"], SelectionKind(kind), args.get("on"))
        return [build(i, r) for i in found]
    return run


def cities(plan: FieldPlan) -> Root:
    from .objects import object_builder

    build = object_builder(plan)
    gate = _gate(plan)

    async def run(r: Any) -> Any:
        gate(r, {})
        r.context.check_request()
        return [build(c, r) for c in r.cities.values()]
    return run


ROOTS: dict[str, Callable[[FieldPlan], Root]] = {
    "persons": persons, "institutions": institutions, "coverage": coverage, "cities": cities,
}
