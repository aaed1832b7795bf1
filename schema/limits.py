"""Static limits over a validated operation: cost, depth and aliases, computed before execution.

OWASP's GraphQL cheat sheet and GitHub's node limit: refuse what is too expensive before any
resolver runs. These are pure functions over graphql-core's AST and schema, so every execution
path (strawberry, or a faster one in front of it) can call them with the same answer.

The cost model follows Shopify's: an object field costs 1, a scalar or enum 0, and a field taking
`first` (a connection, at most 100 per page) multiplies what it selects by that page size (the
default page size when absent). Mutations cost 10 each. Introspection (`__schema`, `__type`) is
free here: it reads the static schema, and production mode refuses it to callers who need none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLInterfaceType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

KEPT_TEXT = 64 * 1024
"""Documents whose text is at most this many characters are kept between requests (parsed,
validated, measured, planned: schema/prepare.py, schema/fastpath, schema/string_inputs.py); larger
ones (a body may be 1 MB) are prepared each time, so each cache of 512 holds at most 32 MB."""

DEFAULT_PAGE = 20  # CONTRACT: `first` defaults to 20
MAX_PAGE = 100  # a larger `first` is refused by the field itself (PAGE_SIZE_OUT_OF_RANGE)
MUTATION_COST = 10


def kept(document: DocumentNode) -> bool:
    """Whether a parsed document may be kept between requests (see KEPT_TEXT): it holds its text."""
    loc = document.loc
    return loc is None or len(loc.source.body) <= KEPT_TEXT


@dataclass(frozen=True, slots=True)
class Limits:
    """The refusal thresholds; every figure is configurable (YIBAO_MAX_*)."""

    max_cost: int = 1000
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000
    max_body_bytes: int = 1_000_000  # 1 MB: the longest legitimate value (a 100,000-character material) fits; 10 MB does not
    timeout_seconds: float = 15.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        base = cls()

        def number(name: str, default, kind=int):  # type: ignore[no-untyped-def]
            raw = env.get(name)
            return kind(raw) if raw else default

        return cls(
            max_cost=number("YIBAO_MAX_COST", base.max_cost),
            max_depth=number("YIBAO_MAX_DEPTH", base.max_depth),
            max_aliases=number("YIBAO_MAX_ALIASES", base.max_aliases),
            max_tokens=number("YIBAO_MAX_TOKENS", base.max_tokens),
            max_body_bytes=number("YIBAO_MAX_BODY_BYTES", base.max_body_bytes),
            timeout_seconds=number("YIBAO_TIMEOUT_SECONDS", base.timeout_seconds, float),
        )


@dataclass(frozen=True, slots=True)
class Measure:
    """What one operation would cost, before it runs."""

    cost: int
    depth: int
    aliases: int


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict):
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.aliases = 0
        self.read_variables = False  # whether a variable's value entered the figures (schema/prepare.py caches them if not)

    def page_size(self, node: FieldNode, field: GraphQLField) -> int:
        if "first" not in field.args:
            return 1
        for arg in node.arguments or ():
            if arg.name.value == "first":
                value = arg.value
                if isinstance(value, IntValueNode):
                    return min(max(int(value.value), 0), MAX_PAGE)
                if isinstance(value, VariableNode):
                    self.read_variables = True
                    given = self.variables.get(value.name.value)
                    return min(max(given, 0), MAX_PAGE) if isinstance(given, int) else DEFAULT_PAGE
        return DEFAULT_PAGE

    def walk(self, selections: SelectionSetNode | None, parent: GraphQLNamedType, seen: frozenset[str]) -> tuple[int, int]:
        """(cost, depth) of a selection set under `parent`."""
        if selections is None:
            return 0, 0
        cost, depth = 0, 0
        for sel in selections.selections:
            if isinstance(sel, FieldNode):
                if sel.alias is not None:
                    self.aliases += 1
                name = sel.name.value
                if name.startswith("__"):
                    continue
                field = self._field(parent, name)
                if field is None:
                    continue
                target = get_named_type(field.type)
                if is_leaf_type(target):
                    depth = max(depth, 1)
                    continue
                child_cost, child_depth = self.walk(sel.selection_set, target, seen)
                cost += 1 + self.page_size(sel, field) * child_cost
                depth = max(depth, 1 + child_depth)
            elif isinstance(sel, InlineFragmentNode):
                inner = parent
                if sel.type_condition is not None:
                    inner = self.schema.get_type(sel.type_condition.name.value) or parent  # type: ignore[assignment]
                c, d = self.walk(sel.selection_set, inner, seen)
                cost, depth = cost + c, max(depth, d)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value) or parent
                c, d = self.walk(fragment.selection_set, inner, seen | {name})  # type: ignore[arg-type]
                cost, depth = cost + c, max(depth, d)
        return cost, depth

    def _field(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return parent.fields.get(name)
        if isinstance(parent, GraphQLUnionType):  # only __typename is selectable on a union itself
            return None
        return None


def measure(schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
            operation: OperationDefinitionNode, variables: dict | None = None) -> Measure:
    """Cost, depth and alias count of a validated operation (variables: the coerced values)."""
    return measure_once(schema, fragments, operation, variables)[0]


def measure_once(schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 operation: OperationDefinitionNode, variables: dict | None = None) -> tuple[Measure, bool]:
    """The measure, and whether it read a variable's value (a page size given as `first: $n`):
    if not, it holds for every request of the same operation."""
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables or {})
    cost, depth = walker.walk(operation.selection_set, root, frozenset())  # type: ignore[arg-type]
    if operation.operation is OperationType.MUTATION:
        cost += MUTATION_COST * sum(1 for s in operation.selection_set.selections if isinstance(s, FieldNode))
    return Measure(cost=cost, depth=depth, aliases=walker.aliases), walker.read_variables
