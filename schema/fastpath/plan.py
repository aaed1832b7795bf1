"""Compiling a validated operation into a plan: which root fields, which response keys, in order.

Field collection follows the GraphQL spec (CollectFields: aliases, merged fields, fragment
spreads and inline fragments whose type condition applies). An operation the plan does not
cover (a mutation or subscription, a directive, a field or root field without a builder in
objects.py) compiles to None and runs through graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)


class NotCovered(Exception):
    """The operation, or this request of it, is left to graphql-core."""


@dataclass(slots=True)
class FieldPlan:
    key: str
    """The response key (alias or name)."""
    name: str
    node: FieldNode
    definition: GraphQLField
    type_name: str
    """The named type of the field (lists and non-null removed)."""
    children: list[FieldPlan] = field(default_factory=list)
    arg_slot: int = -1
    """Index of this field's coerced arguments in the request's argument table (-1: none)."""
    build: Callable[..., Any] | None = None
    """A root field's runner, set by objects.attach (fields below a root are compiled into their
    root's generated builder and keep None)."""

    def child(self, name: str) -> FieldPlan | None:
        return next((c for c in self.children if c.name == name), None)

    def wants(self, *path: str) -> bool:
        """Whether the selection asks for `path` below this field."""
        level: list[FieldPlan] = [self]
        for name in path:
            level = [c for f in level for c in f.children if c.name == name]
            if not level:
                return False
        return True


@dataclass(slots=True)
class Plan:
    operation: OperationDefinitionNode
    roots: list[FieldPlan]
    with_args: list[FieldPlan]
    """Every field with arguments, in arg_slot order (coerced once per request)."""
    constant_args: list[dict] | None = None
    """The coerced arguments of an operation without variables (the same for every request)."""


def _named(t: Any) -> Any:
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return ops[0] if len(ops) == 1 else None
    return next((o for o in ops if o.name and o.name.value == name), None)


class _Compiler:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode):
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.with_args: list[FieldPlan] = []

    def applies(self, condition: Any, parent: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is parent:
            return True
        return named is not None and self.schema.is_sub_type(named, parent)  # type: ignore[arg-type]

    def collect(self, sets: list[SelectionSetNode], parent: GraphQLObjectType) -> dict[str, list[FieldNode]]:
        grouped: dict[str, list[FieldNode]] = {}
        seen: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for sel in selection_set.selections:
                if sel.directives:
                    raise NotCovered("directive")
                if isinstance(sel, FieldNode):
                    grouped.setdefault(sel.alias.value if sel.alias else sel.name.value, []).append(sel)
                elif isinstance(sel, InlineFragmentNode):
                    if self.applies(sel.type_condition, parent):
                        walk(sel.selection_set)
                elif isinstance(sel, FragmentSpreadNode):
                    name = sel.name.value
                    if name in seen:
                        continue
                    seen.add(name)
                    frag = self.fragments[name]
                    if frag.directives:
                        raise NotCovered("directive")
                    if self.applies(frag.type_condition, parent):
                        walk(frag.selection_set)

        for s in sets:
            walk(s)
        return grouped

    def fields(self, sets: list[SelectionSetNode], parent: GraphQLObjectType) -> list[FieldPlan]:
        out = []
        for key, nodes in self.collect(sets, parent).items():
            first = nodes[0]
            name = first.name.value
            if name == "__typename":
                out.append(FieldPlan(key, name, first, None, "String"))  # type: ignore[arg-type]
                continue
            if name.startswith("__"):
                raise NotCovered("introspection")
            definition = parent.fields[name]
            named = _named(definition.type)
            plan = FieldPlan(key, name, first, definition, named.name)
            if first.arguments or definition.args:
                plan.arg_slot = len(self.with_args)
                self.with_args.append(plan)
            if isinstance(named, GraphQLObjectType):
                plan.children = self.fields([n.selection_set for n in nodes if n.selection_set], named)
            elif not hasattr(named, "serialize"):
                raise NotCovered("abstract type")  # interfaces and unions (node) go to graphql-core
            out.append(plan)
        return out


def compile_plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The plan of a validated document's operation, or None when graphql-core must run it."""
    from .objects import attach

    operation = _operation(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY or operation.directives:
        return None
    compiler = _Compiler(schema, document)
    try:
        roots = compiler.fields([operation.selection_set], schema.query_type)  # type: ignore[arg-type]
        plan = Plan(operation, roots, compiler.with_args)
        attach(plan)
    except (NotCovered, KeyError):
        return None
    return plan
