"""From request parameters to an operation ready to run, or a coded refusal (GraphQL over HTTP).

Every client mistake is found here, before any resolver runs, with its own code: a syntax error,
a validation error, several operations and no `operationName`, a mutation over GET, variables that
do not coerce, and the static limits (tokens, depth, aliases, cost). The HTTP transport maps the
refusal to its status code; the WebSocket path (strawberry) gets the same refusals through the
`Prepared` extension in build.py.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.validation import NoSchemaIntrospectionCustomRule

from yibao.core.errors import RequestError

from .limits import KEPT_TEXT, Limits, Measure, kept, measure_once


class Rejected(RequestError):
    """A request refused before execution; `errors` are the GraphQL errors to report."""

    def __init__(self, code: str, message: str, message_en: str, *, status: int = 400,
                 facts: dict | None = None, errors: list[GraphQLError] | None = None, allow: str | None = None):
        super().__init__(message, message_en, code, facts=facts, status=status)
        self.errors = errors
        self.allow = allow  # the Allow header of a 405

    def detailed(self, detail: str) -> Rejected:
        """The same refusal about one of graphql-core's errors, its words appended."""
        return Rejected(self.code, f"{self.message}：{detail}", detail, status=self.status, facts=self.facts,
                        allow=self.allow)


@dataclass(frozen=True, slots=True)
class Policy:
    """What this caller may do at validation time (production mode, CONTRACT)."""

    introspection: bool = True
    suggestions: bool = True


@dataclass(slots=True)
class Prepared:
    """A parsed, validated, measured operation with coerced variables."""

    query: str
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: dict
    measure: Measure
    limits: Limits
    extensions: dict = field(default_factory=dict)
    coerced: VariableValues | None = None
    """The variables coerced to their declared types (graphql-core's `get_variable_values`); None
    when the operation declares none."""

    @property
    def operation_name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None

    @property
    def kind(self) -> OperationType:
        return self.operation.operation

    def cost_extension(self) -> dict:
        """Shopify's shape: what the operation asked for and the most it may."""
        return {"requestedQueryCost": self.measure.cost, "maximumAvailable": self.limits.max_cost,
                "requested": self.measure.cost, "limit": self.limits.max_cost}


def _parse(query: str, max_tokens: int) -> DocumentNode | GraphQLError:
    return _parse_kept(query, max_tokens) if len(query) <= KEPT_TEXT else _parse_now(query, max_tokens)


def _parse_now(query: str, max_tokens: int) -> DocumentNode | GraphQLError:
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        return error
    except RecursionError:
        return GraphQLError("the document is nested too deeply")


_parse_kept = lru_cache(maxsize=512)(_parse_now)


def _validate(gschema: GraphQLSchema, document: DocumentNode, policy: Policy) -> tuple[GraphQLError, ...]:
    return _validate_kept(gschema, document, policy) if kept(document) else _validate_now(gschema, document, policy)


def _validate_now(gschema: GraphQLSchema, document: DocumentNode, policy: Policy) -> tuple[GraphQLError, ...]:
    rules = list(specified_rules)
    if not policy.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(validate(gschema, document, rules, hide_suggestions=not policy.suggestions))


_validate_kept = lru_cache(maxsize=512)(_validate_now)


def parse_document(query: str, limits: Limits) -> DocumentNode:
    parsed = _parse(query, limits.max_tokens)
    if isinstance(parsed, DocumentNode):
        return parsed
    if "tokens. Parsing aborted" in parsed.message:
        raise Rejected("TOO_MANY_TOKENS", f"查询文本过长：最多 {limits.max_tokens} 个词法单元",
                       f"the document has more than {limits.max_tokens} tokens",
                       facts={"limit": limits.max_tokens})
    raise Rejected("GRAPHQL_PARSE_FAILED", f"查询语法错误：{parsed.message}", f"syntax error: {parsed.message}",
                   errors=[parsed])


def validate_document(gschema: GraphQLSchema, document: DocumentNode, policy: Policy) -> None:
    errors = _validate(gschema, document, policy)
    if errors:
        raise Rejected("GRAPHQL_VALIDATION_FAILED", "查询不符合接口定义", "the document does not match the schema",
                       errors=list(errors))


def pick_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        if not operations:
            raise Rejected("GRAPHQL_VALIDATION_FAILED", "文档中没有可执行的操作", "the document holds no operation")
        raise Rejected("OPERATION_NAME_REQUIRED", "文档含多个操作，须指定 operationName",
                       "the document holds several operations: name one in operationName",
                       facts={"operations": [o.name.value for o in operations if o.name]})
    for op in operations:
        if op.name and op.name.value == operation_name:
            return op
    raise Rejected("UNKNOWN_OPERATION", f"文档中没有名为 {operation_name} 的操作",
                   f"the document has no operation named {operation_name!r}")


def coerce_variables(gschema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict,
                     policy: Policy) -> dict:
    return coerce_variable_values(gschema, operation, variables, policy).coerced


def coerce_variable_values(gschema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict,
                           policy: Policy) -> VariableValues:
    """graphql-core's coercion of the request's variables (values and their sources), or Rejected."""
    result = get_variable_values(gschema, operation.variable_definitions or (), variables, max_errors=20,
                                 hide_suggestions=not policy.suggestions)
    if isinstance(result, list):
        raise Rejected("BAD_USER_INPUT", "变量值与声明的类型不符", "the variables do not match their declared types",
                       errors=result)
    return result


def check_limits(found: Measure, limits: Limits) -> None:
    """Refuse with the figures (OWASP: depth, aliases, cost; GitHub: node limit)."""
    if found.depth > limits.max_depth:
        raise Rejected("QUERY_TOO_DEEP", f"查询嵌套 {found.depth} 层，最多 {limits.max_depth} 层",
                       f"the query is {found.depth} levels deep; the limit is {limits.max_depth}",
                       facts={"requested": found.depth, "limit": limits.max_depth})
    if found.aliases > limits.max_aliases:
        raise Rejected("TOO_MANY_ALIASES", f"查询使用 {found.aliases} 个别名，最多 {limits.max_aliases} 个",
                       f"the query uses {found.aliases} aliases; the limit is {limits.max_aliases}",
                       facts={"requested": found.aliases, "limit": limits.max_aliases})
    if found.cost > limits.max_cost:
        raise Rejected("QUERY_TOO_COSTLY", f"查询成本 {found.cost} 超过上限 {limits.max_cost}",
                       f"the query costs {found.cost}; the limit is {limits.max_cost}",
                       facts={"requested": found.cost, "limit": limits.max_cost})


@dataclass(slots=True)
class _Known:
    """What one query text gives for one operation name and policy, whatever its variables: parsed,
    validated, the operation picked, and its measure once a request showed that no variable's value
    enters it. Found again by the text, so a repeated query is neither hashed as a tree nor walked."""

    gschema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    measure: Measure | None = None


_KNOWN: OrderedDict[tuple, _Known] = OrderedDict()
_KNOWN_SIZE = 512


def _known(gschema: GraphQLSchema, query: str, operation_name: str | None, limits: Limits, policy: Policy) -> _Known:
    key = (id(gschema), query, operation_name, policy, limits.max_tokens)
    known = _KNOWN.get(key)
    if known is not None and known.gschema is gschema:
        return known
    document = parse_document(query, limits)
    validate_document(gschema, document, policy)
    operation = pick_operation(document, operation_name)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    known = _Known(gschema, document, operation, fragments)
    if len(query) <= KEPT_TEXT:  # a refusal is not kept: it is raised above, and found again the same way
        _KNOWN[key] = known
        if len(_KNOWN) > _KNOWN_SIZE:
            _KNOWN.popitem(last=False)
    return known


def prepare(gschema: GraphQLSchema, query: str, variables: dict | None, operation_name: str | None, *,
            limits: Limits, policy: Policy, allowed: frozenset[OperationType] | None = None,
            extensions: dict | None = None) -> Prepared:
    """Parse, validate, pick the operation, coerce variables and measure; raise Rejected on any mistake."""
    known = _known(gschema, query, operation_name, limits, policy)
    operation = known.operation
    if allowed is not None and operation.operation not in allowed:
        raise Rejected("METHOD_NOT_ALLOWED", "GET 只能执行查询，变更请用 POST",
                       f"{operation.operation.value} operations need POST", status=405, allow="POST")
    # no declared variables: nothing to coerce (graphql-core ignores variables the operation does not declare)
    coerced = (coerce_variable_values(gschema, operation, variables or {}, policy)
               if operation.variable_definitions else None)
    found = known.measure
    if found is None:
        found, read_variables = measure_once(gschema, known.fragments, operation, coerced.coerced if coerced else {})
        if not read_variables:
            known.measure = found
    check_limits(found, limits)
    return Prepared(query=query, document=known.document, operation=operation, variables=variables or {},
                    measure=found, limits=limits, extensions=extensions or {}, coerced=coerced)
