"""The composed schema, with parser/validation caches and coded top-level errors."""

import logging
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from yibao.core.errors import Refused, RequestError

from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription
from .filing_types import RemoteFiling
from .types import Agency, Application, City, Institution, Person, Selection

log = logging.getLogger("yibao.graphql")


class ErrorCodes(SchemaExtension):
    """Every top-level error carries `extensions.code` (and Chinese and English messages)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [_coded(e) for e in result.errors]


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if error.extensions and "code" in error.extensions:
        return error
    if isinstance(original, RequestError):
        ext = {"code": original.code, "message": original.message, "messageEn": original.message_en}
        message = original.message_en
    elif isinstance(original, Refused):
        first = original.errors[0]
        ext = {"code": first.code, "message": first.message, "messageEn": first.message_en}
        message = first.message_en
    elif original is None:
        ext = {"code": "GRAPHQL_VALIDATION_FAILED"}
        message = error.message
    else:
        ext = {"code": "INTERNAL_ERROR"}
        message = "internal error / 内部错误"
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=original, extensions=ext)


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        # Coded errors are answers, not faults: log only what ErrorCodes could not classify.
        for error in errors:
            if (error.extensions or {}).get("code") == "INTERNAL_ERROR":
                log.error("internal error: %s", error.message, exc_info=error.original_error)


schema = YibaoSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[City, Institution, Agency, Person, Selection, Application, RemoteFiling],
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512), ErrorCodes],
)
