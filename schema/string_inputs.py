"""One validation layer for every string and JSON argument, before any resolver or service runs
(issue 10). The rules per field are core/input_rules.py's; this module finds every string an
operation carries — literal or variable, nested in input objects and lists — with the field it
fills, and answers coded top-level errors, all at once, each with its field path, nothing run:

- a NUL character: `BAD_USER_INPUT` (PostgreSQL cannot store it; the code it has had since the
  first case of issue 10);
- any other control character, except line breaks and tabs in free text: `INPUT_CONTROL_CHARACTER`;
- longer than the field's column: `INPUT_TOO_LONG` (with `maxLength` and `length`);
- a JSON input that is not an object, too deep or too large: `INPUT_JSON_INVALID`.

Strings that pass are NFC-normalised (variables, and string literals in a normalised copy of the
parsed document, which is immutable and shared by the parser cache), so services only ever see
composed text.

Where each string goes is worked out once per parsed document (cached, as the fast path's plans
are); a request then only walks its variables along those sites.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from yibao.core.input_rules import JsonRule, TextRule, control_character, json_rule, normalise, text_rule

from .limits import kept

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused input: code, field path and both texts, plus figures."""

    code: str
    path: Path
    zh: str
    en: str
    extra: dict[str, Any] = field(default_factory=dict)

    def error(self) -> GraphQLError:
        where = ".".join(self.path)
        return GraphQLError(f"{self.en} ({where})", extensions={
            **self.extra, "code": self.code, "field": list(self.path),
            "message": f"{self.zh}（{where}）", "messageEn": f"{self.en} ({where})"})


def check_text(value: str, rule: TextRule, path: Path) -> list[Problem]:
    """The problems of one (already normalised) string filling a field with `rule`."""
    if "\x00" in value:
        return [Problem("BAD_USER_INPUT", path, "字符串参数含有不允许的空字符（NUL）",
                        "a string argument contains a NUL character, which is not allowed")]
    out = []
    if len(value) > rule.max_length:
        out.append(Problem("INPUT_TOO_LONG", path, f"输入过长：最多 {rule.max_length} 个字符，收到 {len(value)} 个",
                           f"too long: at most {rule.max_length} characters, got {len(value)}",
                           {"maxLength": rule.max_length, "length": len(value)}))
    else:
        bad = control_character(value, rule)
        if bad is not None:
            out.append(Problem("INPUT_CONTROL_CHARACTER", path, f"输入含有控制字符 U+{ord(bad):04X}",
                               f"contains the control character U+{ord(bad):04X}", {"character": f"U+{ord(bad):04X}"}))
    return out


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _json_strings(value: Any, path: Path) -> Iterator[tuple[str, Path]]:
    if isinstance(value, str):
        yield value, path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k), path
            yield from _json_strings(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_strings(v, (*path, str(i)))


def check_json(value: Any, rule: JsonRule, path: Path) -> list[Problem]:
    """A JSON input: an object, at most `max_depth` deep and `max_chars` long, its strings clean."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [Problem("INPUT_JSON_INVALID", path, "应为 JSON 对象", "must be a JSON object", {"reason": "NOT_OBJECT"})]
    depth = _depth(value)
    if depth > rule.max_depth:
        return [Problem("INPUT_JSON_INVALID", path, f"JSON 嵌套过深：最多 {rule.max_depth} 层，收到 {depth} 层",
                        f"nested too deeply: at most {rule.max_depth} levels, got {depth}",
                        {"reason": "TOO_DEEP", "maxDepth": rule.max_depth, "depth": depth})]
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if size > rule.max_chars:
        return [Problem("INPUT_JSON_INVALID", path, f"JSON 过大：最多 {rule.max_chars} 个字符，收到 {size} 个",
                        f"too large: at most {rule.max_chars} characters as JSON, got {size}",
                        {"reason": "TOO_LARGE", "maxLength": rule.max_chars, "length": size})]
    out: list[Problem] = []
    for text, where in _json_strings(value, path):
        out += check_text(text, TextRule(rule.max_chars), where)
    return out


# -- where an operation's strings go --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Site:
    """A variable used at one argument position: its type there and the rule key of the position."""

    operation: str | None
    """The operation it belongs to (None: in a fragment, any operation may use it)."""
    variable: str
    type: GraphQLInputType
    qualified: str
    name: str
    path: Path


@dataclass(slots=True)
class _Sites:
    literal_problems: list[tuple[str | None, Problem]]
    variables: list[_Site]
    normalised: DocumentNode | None = None
    """The document with its string literals NFC-normalised, when any was not (else None)."""


class _Normalise(Visitor):
    def enter_string_value(self, node: StringValueNode, *_: Any) -> StringValueNode | None:
        value = normalise(node.value)
        return None if value == node.value else StringValueNode(value=value, block=node.block, loc=node.loc)


def _named(t: Any) -> Any:
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


class _Collector(Visitor):
    def __init__(self, type_info: TypeInfo):
        super().__init__()
        self.type_info = type_info
        self.sites = _Sites([], [])
        self.operation: str | None = None
        self.rewrite = False

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        self.operation = node.name.value if node.name else ""

    def leave_operation_definition(self, *_: Any) -> None:
        self.operation = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        arg = self.type_info.get_argument()
        parent = self.type_info.get_parent_type()
        field_def = self.type_info.get_field_def()
        if arg is None or field_def is None:
            return  # unknown argument: validation has refused the document already
        field_name = next((n for n, f in parent.fields.items() if f is field_def), "?") if parent else "?"
        qualified = f"{parent.name if parent else '?'}.{field_name}({node.name.value}:)"
        self._value(node.value, arg.type, qualified, node.name.value, (node.name.value,))

    def _value(self, node: ValueNode, t: Any, qualified: str, name: str, path: Path) -> None:
        if isinstance(node, VariableNode):
            self.sites.variables.append(_Site(self.operation, node.name.value, t, qualified, name, path))
            return
        named = _named(t)
        inner = t.of_type if isinstance(t, GraphQLNonNull) else t
        if isinstance(node, ListValueNode):
            item = inner.of_type if isinstance(inner, GraphQLList) else inner
            for i, v in enumerate(node.values):
                self._value(v, item, qualified, name, (*path, str(i)))
        elif isinstance(node, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            for f in node.fields:
                fdef = named.fields.get(f.name.value)
                if fdef is not None:
                    self._value(f.value, fdef.type, f"{named.name}.{f.name.value}", f.name.value,
                                (*path, f.name.value))
        elif isinstance(node, StringValueNode) and isinstance(named, GraphQLScalarType):
            value = normalise(node.value)
            if value != node.value:
                self.rewrite = True
            self.sites.literal_problems += [(self.operation, p) for p in check_text(value, text_rule(qualified, name), path)]


def _walk(value: Any, t: Any, qualified: str, name: str, path: Path, out: list[Problem]) -> None:
    """Check a variable's (normalised) value against the type and rules of the position it fills."""
    if value is None:
        return
    named = _named(t)
    inner = t.of_type if isinstance(t, GraphQLNonNull) else t
    if isinstance(inner, GraphQLList):
        items = value if isinstance(value, list) else [value]  # GraphQL coerces a single value to a list
        for i, v in enumerate(items):
            _walk(v, inner.of_type, qualified, name, (*path, str(i)), out)
    elif isinstance(named, GraphQLInputObjectType):
        if isinstance(value, dict):
            for key, v in value.items():
                fdef = named.fields.get(key)
                if fdef is not None:
                    _walk(v, fdef.type, f"{named.name}.{key}", key, (*path, key), out)
    elif isinstance(named, GraphQLScalarType) and named.name == "JSON":
        out += check_json(value, json_rule(qualified), path)
    elif isinstance(value, str) and isinstance(named, GraphQLScalarType):
        out += check_text(value, text_rule(qualified, name), path)


def _collect(schema: GraphQLSchema, document: DocumentNode) -> _Sites:
    type_info = TypeInfo(schema)
    collector = _Collector(type_info)
    visit(document, TypeInfoVisitor(type_info, collector))
    if collector.rewrite:  # parsed documents are immutable (and cached): a normalised copy
        collector.sites.normalised = visit(document, _Normalise())
    return collector.sites


_CACHE: OrderedDict[int, tuple[DocumentNode, _Sites]] = OrderedDict()
_CACHE_SIZE = 512


def _sites(schema: GraphQLSchema, document: DocumentNode) -> _Sites:
    key = id(document)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is document:
        _CACHE.move_to_end(key)
        return cached[1]
    sites = _collect(schema, document)
    if kept(document):  # a large text is collected each time (schema/limits.py KEPT_TEXT)
        _CACHE[key] = (document, sites)  # holding the document keeps its id from being reused
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return sites


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _runs(site_operation: str | None, operation: str | None, document: DocumentNode) -> bool:
    """Whether a site belongs to the operation that runs (the only one, or the one named)."""
    if site_operation is None or operation is None:
        return True  # a fragment's site, or the document's single operation
    return site_operation == operation


@dataclass(frozen=True, slots=True)
class Checked:
    problems: list[Problem]
    variables: dict[str, Any] | None
    """NFC-normalised."""
    document: DocumentNode | None
    """The document to run: a normalised copy when a literal was not NFC."""


def validate(schema: GraphQLSchema, document: DocumentNode | None, variables: dict[str, Any] | None,
             operation: str | None = None) -> Checked:
    """Every problem of the operation's string and JSON inputs, the variables and document NFC-normalised."""
    normalised = _normalised(variables) if variables else variables
    if document is None:
        return Checked([], normalised, document)
    sites = _sites(schema, document)
    problems = [p for op, p in sites.literal_problems if _runs(op, operation, document)]
    for site in sites.variables:
        if normalised and site.variable in normalised and _runs(site.operation, operation, document):
            _walk(normalised[site.variable], site.type, site.qualified, site.name, site.path, problems)
    return Checked(_unique(problems), normalised, sites.normalised or document)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, Path]] = set()
    out = []
    for p in problems:
        if (p.code, p.path) not in seen:
            seen.add((p.code, p.path))
            out.append(p)
    return out


def carries_nul(document: DocumentNode | None, variables: dict[str, Any] | None) -> bool:
    """Whether any string of the variables holds a NUL (kept for callers of the first version)."""
    return any("\x00" in s for s, _ in _json_strings(variables or {}, ()))


class StringInputs(SchemaExtension):
    """Answers the coded errors, without executing, when an input breaks its field's rule; else runs
    the operation with the variables normalised."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        checked = validate(ctx.schema._schema, ctx.graphql_document, ctx.variables, ctx.operation_name)
        if checked.problems:
            ctx.result = ExecutionResult(data=None, errors=[p.error() for p in checked.problems])
        else:
            ctx.variables = checked.variables
            ctx.graphql_document = checked.document
        yield
