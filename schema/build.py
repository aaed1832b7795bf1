"""The composed schema: parsing, validation and limits through schema/prepare.py; errors shaped by schema/errors.py."""

import datetime
import strawberry

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


def _build() -> YibaoSchema:
    return YibaoSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[City, Institution, Agency, Person, Selection, Application, RemoteFiling],
        # parsing, validation and limits are cached and checked in schema/prepare.py (Prepared);
        # StringInputs refuses a NUL in any string argument before execution
        extensions=[Prepared, StringInputs],
        scalar_overrides={datetime.datetime: DateTime},
    )


schema = _build()
"""The schema of the installed plugins: the one served, and the committed schema/schema.graphql."""
UNUSED_DESCRIPTIONS = descriptions.apply(schema._schema)
"""Entries of schema/descriptions.py that name no element (a test lists them)."""

