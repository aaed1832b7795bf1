"""The composed schema: parsing, validation and limits through schema/prepare.py; errors shaped by schema/errors.py."""

import strawberry

from .errors import process_errors
from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription
from .prepared import Prepared
from .types import Agency, Application, City, Institution, Person, Selection


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


schema = YibaoSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[City, Institution, Agency, Person, Selection, Application],
    extensions=[Prepared],  # parsing and validation are cached in schema/prepare.py
)
