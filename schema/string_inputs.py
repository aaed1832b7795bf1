"""Strings a database cannot store are refused before any resolver runs (issue 10's first case).

PostgreSQL rejects a NUL character in text, which surfaced as INTERNAL_ERROR for any string
argument. Every string argument, literal or variable (nested in input objects and lists too), is
checked once per operation; one carrying a NUL is a client mistake: BAD_USER_INPUT, nothing run.
The fuller validation layer of issue 10 (control characters, lengths, normalisation) is not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.found = True


def carries_nul(document: DocumentNode | None, variables: dict[str, Any] | None) -> bool:
    """Whether any string argument of the operation (literal or variable) holds a NUL character."""
    if any("\x00" in s for s in _strings(variables or {})):
        return True
    if document is None:
        return False
    literals = _Literals()
    visit(document, literals)
    return literals.found


class StringInputs(SchemaExtension):
    """Answers BAD_USER_INPUT, without executing, when a string argument holds a NUL."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if carries_nul(ctx.graphql_document, ctx.variables):
            ctx.result = ExecutionResult(data=None, errors=[GraphQLError(
                "字符串参数含有不允许的空字符（NUL）。A string argument contains a NUL character, which is not allowed.",
                extensions={"code": "BAD_USER_INPUT"})])
        yield
