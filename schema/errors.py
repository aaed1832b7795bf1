"""One error shape for every top-level GraphQL error, in the caller's language.

Every top-level error leaves here with `extensions.code` (a registered ErrorCode), `message` in
the language the caller asked for (`Accept-Language`, Chinese by default) and both texts in
`extensions.message` (Chinese) and `extensions.messageEn` (English). The HTTP layer may call
`coded_error`/`shape` for errors it produces itself (bad JSON, limits) so they share the shape.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from graphql import GraphQLError, GraphQLSyntaxError

from yibao.core.error_codes import info, is_registered
from yibao.core.errors import Refused, RequestError

from .faults import classify as classify_fault, current_request_id

log = logging.getLogger("yibao.graphql")

Language = Literal["zh", "en"]


def preferred_language(accept_language: str | None) -> Language:
    """The caller's language from `Accept-Language`: English only when it ranks English above
    Chinese (q-values honoured); Chinese when the header is absent or names neither."""
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        lang: Language | None = "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang is None:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, lang)
    return best[2] if best else "zh"


@dataclass(frozen=True, slots=True)
class ErrorText:
    """A top-level error's code and both texts."""

    code: str
    zh: str
    en: str
    extra: Mapping[str, Any] | None = None

    def extensions(self) -> dict[str, Any]:
        return {**(self.extra or {}), "code": self.code, "message": self.zh, "messageEn": self.en}

    def message(self, language: Language) -> str:
        return self.en if language == "en" else self.zh


def classify(error: GraphQLError) -> ErrorText:
    """The code and both texts of any error graphql-core or our code raised."""
    original = error.original_error
    ext = dict(error.extensions or {})
    if isinstance(original, RequestError):
        return ErrorText(original.code, original.message, original.message_en, original.facts or None)
    if isinstance(original, Refused):
        first = original.errors[0]
        return ErrorText(first.code, first.message, first.message_en)
    if isinstance(error, GraphQLSyntaxError):
        return ErrorText("GRAPHQL_PARSE_FAILED", f"查询语法错误：{error.message}", error.message)
    code = ext.pop("code", None)
    if isinstance(code, str) and is_registered(code):
        registered = info(code)
        zh = ext.pop("message", None) or registered.zh
        en = ext.pop("messageEn", None) or error.message or registered.en
        return ErrorText(code, zh, en, ext or None)
    if isinstance(original, GraphQLError) or (isinstance(original, (ValueError, TypeError)) and error.path is None):
        # a variable or literal that does not fit its type (graphql-core or a scalar's parser said so)
        return ErrorText("BAD_USER_INPUT", f"参数值不正确：{error.message}", error.message)
    if original is None:
        if error.path is None:  # before execution: the document does not fit the schema
            return ErrorText("GRAPHQL_VALIDATION_FAILED", f"查询与模式不符：{error.message}", error.message)
        return ErrorText("BAD_USER_INPUT", f"参数值不正确：{error.message}", error.message)
    outage = classify_fault(original)  # database unreachable or pool exhausted: retry later, not a bug
    if outage is not None:
        return ErrorText(outage.code, outage.message, outage.message_en, outage.facts or None)
    return ErrorText("INTERNAL_ERROR", info("INTERNAL_ERROR").zh, "internal error",
                     {"correlationId": current_request_id()})


def shape(error: GraphQLError, language: Language) -> GraphQLError:
    """Give `error` the one shape, in place (graphql-core's errors are plain objects), its message in
    `language`; returns it. Idempotent: a shaped error keeps its code and texts."""
    text = classify(error)
    error.message = text.message(language)
    error.extensions = text.extensions()
    return error


def shape_all(errors: list[GraphQLError], context: Any) -> None:
    """Shape every error of one operation in the language its request asked for."""
    language = language_of(context)
    for error in errors:
        shape(error, language)


def coded_error(code: str, zh: str | None = None, en: str | None = None, language: Language = "zh") -> dict[str, Any]:
    """A top-level error as JSON for answers produced outside GraphQL execution (HTTP layer)."""
    registered = info(code)
    text = ErrorText(code, zh or registered.zh, en or registered.en)
    return {"message": text.message(language), "extensions": text.extensions()}


def language_of(context: Any) -> Language:
    """The language of the request behind a GraphQL context (HTTP headers or WebSocket ones)."""
    headers = getattr(context, "headers", None)
    try:
        header = headers.get("accept-language") if headers is not None else None
    except AttributeError:
        header = None
    return preferred_language(header)


def process_errors(errors: list[GraphQLError], context: Any) -> None:
    """Log what could not be classified (coded errors are answers, not faults), then shape every
    error. Called by the schema's `process_errors`, which strawberry runs on every path: parse,
    validation, execution and subscriptions."""
    for error in errors:
        if classify(error).code == "INTERNAL_ERROR":  # logged once, with the id the response carries
            log.error("internal error [%s] at %s: %s", current_request_id(), error.path, error.message,
                      exc_info=error.original_error)
    shape_all(errors, context)
