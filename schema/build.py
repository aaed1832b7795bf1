"""The composed schema, with parser/validation caches and coded top-level errors."""

import datetime
import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from . import descriptions
from .errors import process_errors
from .mutations import Mutation
from .queries import Query
from .scalars import DateTime
from .string_inputs import StringInputs
from .subscriptions import Subscription
from .filing_types import RemoteFiling
from .types import Agency, Application, City, Institution, Person, Selection


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


def schema_arguments() -> dict:
    """What the served schema is made of (the federation subgraph, schema/federation.py, too)."""
    return dict(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[City, Institution, Agency, Person, Selection, Application, RemoteFiling],
        extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512), StringInputs],
        scalar_overrides={datetime.datetime: DateTime},
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

