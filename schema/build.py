"""The composed schema, with parser/validation caches and coded top-level errors."""

import logging
from collections.abc import Iterator

import strawberry
from graphql import FragmentDefinitionNode, GraphQLError, GraphQLSyntaxError, parse
from strawberry.extensions import SchemaExtension

from yibao.core.errors import Refused, RequestError

from .faults import classify, current_request_id
from .prepare import Rejected, coerce_variables, check_limits, parse_document, pick_operation, validate_document
from .limits import measure

from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription
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

    def on_stream_result(self, result) -> None:  # type: ignore[no-untyped-def]
        """WebSocket results are sent before on_operation ends: code their errors here."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_coded(e) for e in errors]


class Prepared(SchemaExtension):
    """Use the operation the HTTP transport already prepared (schema/prepare.py); on other paths
    (WebSocket) prepare it here, so both refuse the same mistakes and limits with the same codes."""

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        prepared = getattr(ec.context, "prepared", None)
        if prepared is not None and prepared.query == ec.query:
            ec.graphql_document = prepared.document
        elif ec.query is not None:
            try:
                ec.graphql_document = parse_document(ec.query, ec.context.limits)
            except Rejected as rejected:
                # Reported by on_validate: strawberry's own error path for a parse failure has no code.
                self.rejected = rejected
                ec.graphql_document = _PLACEHOLDER
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        prepared = getattr(ec.context, "prepared", None)
        rejected = getattr(self, "rejected", None)
        if rejected is not None:
            ec.pre_execution_errors = rejected_errors(rejected)
        elif prepared is not None and prepared.document is ec.graphql_document:
            ec.pre_execution_errors = []
        else:
            ec.pre_execution_errors = _prepare_here(ec)
        yield


_PLACEHOLDER = parse("query { __typename }")  # stands in for a document that did not parse; never executed


def _prepare_here(ec) -> list[GraphQLError]:  # type: ignore[no-untyped-def]
    context = ec.context
    gschema = ec.schema._schema
    policy = context.policy()
    try:
        validate_document(gschema, ec.graphql_document, policy)
        operation = pick_operation(ec.graphql_document, ec.provided_operation_name)
        coerced = coerce_variables(gschema, operation, ec.variables or {}, policy)
        fragments = {d.name.value: d for d in ec.graphql_document.definitions if isinstance(d, FragmentDefinitionNode)}
        check_limits(measure(gschema, fragments, operation, coerced), context.limits)
    except Rejected as rejected:
        return rejected_errors(rejected)
    return []


def rejected_errors(rejected: Rejected) -> list[GraphQLError]:
    """The GraphQL errors a refusal reports: graphql-core's own (with positions) or one of ours, coded."""
    if rejected.errors:
        return [_coded(GraphQLError(e.message, nodes=e.nodes, source=e.source, positions=e.positions,
                                    original_error=rejected)) for e in rejected.errors]
    return [_coded(GraphQLError(rejected.message_en, original_error=rejected))]


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if error.extensions and "code" in error.extensions:
        return error
    known = classify(original) if not isinstance(original, Refused) else None
    if isinstance(known, Rejected) and known.errors:
        ext = {"code": known.code, "message": known.message, "messageEn": known.message_en, **known.facts}
        message = error.message  # graphql-core's own words point at the mistake
    elif known is not None:
        ext = {"code": known.code, "message": known.message, "messageEn": known.message_en, **known.facts}
        message = known.message_en
    elif isinstance(original, Refused):
        first = original.errors[0]
        ext = {"code": first.code, "message": first.message, "messageEn": first.message_en}
        message = first.message_en
    elif isinstance(error, GraphQLSyntaxError):
        ext = {"code": "GRAPHQL_PARSE_FAILED"}
        message = error.message
    elif original is None and error.path is None:
        ext = {"code": "GRAPHQL_VALIDATION_FAILED"}
        message = error.message
    else:  # a bug: logged once by process_errors with this id
        ext = {"code": "INTERNAL_ERROR", "message": "内部错误", "messageEn": "internal error",
               "correlationId": current_request_id()}
        message = "internal error / 内部错误"
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=original, extensions=ext)


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        # Coded errors are answers, not faults: log once what is neither coded nor an outage (a bug),
        # with the correlation id the response carries. This runs before ErrorCodes attaches codes.
        for error in errors:
            if is_bug(error):
                log.error("internal error [%s] at %s: %s", current_request_id(), error.path, error.message,
                          exc_info=error.original_error)


def is_bug(error: GraphQLError) -> bool:
    if (error.extensions or {}).get("code") not in (None, "INTERNAL_ERROR"):
        return False
    original = error.original_error
    if isinstance(original, Refused) or classify(original) is not None:
        return False
    return original is not None or error.path is not None


schema = YibaoSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[City, Institution, Agency, Person, Selection, Application],
    extensions=[Prepared, ErrorCodes],
)
