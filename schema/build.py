"""The composed schema, with parser/validation caches and coded top-level errors."""

import datetime
import functools

import strawberry
from graphql import GraphQLEnumType, GraphQLEnumValue
from strawberry.extensions import ParserCache, ValidationCache

from yibao.core.plugins import PluginHost

from . import descriptions
from .error_types import plugin_codes
from .errors import process_errors
from .mutations import Mutation
from .queries import Query
from .scalars import DateTime
from .subscriptions import Subscription
from .types import Agency, Application, City, Institution, Person, Selection


class YibaoSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


def _build() -> YibaoSchema:
    return YibaoSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[City, Institution, Agency, Person, Selection, Application],
        extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
        scalar_overrides={datetime.datetime: DateTime},
    )


schema = _build()
"""The schema of the installed plugins: the one served, and the committed schema/schema.graphql."""
UNUSED_DESCRIPTIONS = descriptions.apply(schema._schema)
"""Entries of schema/descriptions.py that name no element (a test lists them)."""


def schema_for(plugins: PluginHost) -> YibaoSchema:
    """The schema for a plugin host: `schema` itself unless a loaded plugin declares error codes
    the installed ones do not (hook yibao_error_codes), which become extra ErrorCode values."""
    extra = plugin_codes(plugins)
    if not extra:
        return schema
    return _with_codes(tuple(sorted((c.code, c.zh, c.en) for c in extra.values())))


@functools.lru_cache(maxsize=8)
def _with_codes(codes: tuple[tuple[str, str, str], ...]) -> YibaoSchema:
    built = _build()
    descriptions.apply(built._schema)
    enum = built._schema.type_map["ErrorCode"]
    assert isinstance(enum, GraphQLEnumType)
    for code, zh, en in codes:  # before the type serializes anything (graphql-core caches its lookup)
        enum.values[code] = GraphQLEnumValue(code, description=f"{zh} {en}")
    return built
