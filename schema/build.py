"""The composed schema: parsing, validation and limits through schema/prepare.py; errors shaped by schema/errors.py."""

import datetime
from typing import Any

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from . import descriptions
from .errors import process_errors
from .mutations import Mutation
from .queries import Query
from .scalars import DateTime
from .string_inputs import StringInputs
from .subscriptions import Subscription
from .filing_types import RemoteFiling
from .prepared import Prepared
from .types import Agency, Application, City, Institution, Person, Selection


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


class OneRootFieldAtATime(StrawberryGraphQLCoreExecutionContext):
    """Root fields run one after another, as a mutation's always do, so a request holds one
    database session at a time however many aliases it has (issue 10: 1,000 aliases held 1,000
    sessions and exhausted the pool for everyone). Below the root, DataLoaders batch as before."""

    def execute_root_grouped_field_set(self, root_type: Any, root_value: Any, grouped_field_set: Any,
                                       serially: bool, position_context: Any) -> Any:
        return super().execute_root_grouped_field_set(root_type, root_value, grouped_field_set, True, position_context)


def schema_arguments() -> dict:
    """What the served schema is made of (the federation subgraph, schema/federation.py, too)."""
    return dict(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[City, Institution, Agency, Person, Selection, Application, RemoteFiling],
        # parsing, validation and limits are cached and checked in schema/prepare.py (Prepared);
        # StringInputs refuses a NUL in any string argument before execution
        extensions=[Prepared, StringInputs],
        scalar_overrides={datetime.datetime: DateTime},
        execution_context_class=OneRootFieldAtATime,
    )


def _build() -> YibaoSchema:
    return YibaoSchema(**schema_arguments())


def served_schema(federation: bool) -> strawberry.Schema:
    """The schema `yibao serve` answers with: this one, or with YIBAO_FEDERATION=1 the same
    schema as an Apollo Federation v2 subgraph (schema/federation.py, built on first use)."""
    if not federation:
        return schema
    from .federation import subgraph

    return subgraph


schema = _build()
"""The schema of the installed plugins: the one served, and the committed schema/schema.graphql."""
UNUSED_DESCRIPTIONS = descriptions.apply(schema._schema)
"""Entries of schema/descriptions.py that name no element (a test lists them)."""

