"""The strawberry side of schema/prepare.py: one extension so every path refuses the same way.

Over HTTP the transport has already prepared the operation (parsed with the token limit,
validated with the caller's policy, variables coerced, limits checked) and the extension hands
strawberry that document without parsing or validating again. Over WebSocket it prepares the
operation here, so subscriptions meet the same refusals and codes. Errors are shaped afterwards by
schema/errors.py (process_errors), like every other error.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FragmentDefinitionNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

from .limits import measure
from .prepare import Rejected, check_limits, coerce_variables, parse_document, pick_operation, validate_document

_PLACEHOLDER = parse("query { __typename }")  # stands in for a document that did not parse; never executed


def rejected_errors(rejected: Rejected) -> list[GraphQLError]:
    """The GraphQL errors a refusal reports: graphql-core's own (with their positions) or one of ours."""
    if rejected.errors:  # one refusal per error, in graphql-core's words, which point at the mistake
        return [GraphQLError(e.message, nodes=e.nodes, source=e.source, positions=e.positions,
                             original_error=rejected.detailed(e.message)) for e in rejected.errors]
    return [GraphQLError(rejected.message_en, original_error=rejected)]


class Prepared(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        prepared = getattr(ec.context, "prepared", None)
        self.rejected: Rejected | None = None
        if prepared is not None and prepared.query == ec.query:
            ec.graphql_document = prepared.document
        elif ec.query is not None:
            try:
                ec.graphql_document = parse_document(ec.query, ec.context.limits)
            except Rejected as rejected:
                # Reported by on_validate: strawberry's own path for a parse failure would lose the code.
                self.rejected = rejected
                ec.graphql_document = _PLACEHOLDER
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        prepared = getattr(ec.context, "prepared", None)
        if self.rejected is not None:
            ec.pre_execution_errors = rejected_errors(self.rejected)
        elif prepared is not None and prepared.document is ec.graphql_document:
            ec.pre_execution_errors = []
        else:
            ec.pre_execution_errors = _prepare_here(ec)
        yield


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
