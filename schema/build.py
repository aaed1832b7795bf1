"""The composed schema, with parser/validation caches and coded top-level errors."""

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from .errors import process_errors
from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription
from .filing_types import RemoteFiling
from .types import Agency, Application, City, Institution, Person, Selection


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


schema = YibaoSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[City, Institution, Agency, Person, Selection, Application, RemoteFiling],
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
)
