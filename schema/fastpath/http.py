"""The fast path's entry for the HTTP transport (schema/http.py).

The transport parses, validates, measures and admits the operation, then asks `answer_prepared`
for its `data`; None sends it to strawberry, so every error, status code and extension is
produced where it always is. `document` (parsed and validated once per query text) serves the
differential tests.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from graphql.execution.values import VariableValues
from strawberry.schema.schema import validate_document

from ..build import schema as _strawberry_schema
from . import NOT_COVERED, execute

_DOCUMENTS: OrderedDict[tuple[int, str], DocumentNode | None] = OrderedDict()
_MAX_DOCUMENTS = 512


def document(query: str, schema: GraphQLSchema | None = None) -> DocumentNode | None:
    """The parsed document when it is valid (None when graphql-core must report errors)."""
    gql = schema or _strawberry_schema._schema
    key = (id(gql), query)
    if key in _DOCUMENTS:
        return _DOCUMENTS[key]
    try:
        doc: DocumentNode | None = parse(query)
        if validate_document(gql, doc, specified_rules):  # type: ignore[arg-type]
            doc = None
    except GraphQLError:
        doc = None
    _DOCUMENTS[key] = doc
    if len(_DOCUMENTS) > _MAX_DOCUMENTS:
        _DOCUMENTS.popitem(last=False)
    return doc


async def answer_prepared(document: DocumentNode, variables: dict | None, operation_name: str | None,
                          context: Any, schema: GraphQLSchema | None = None, *,
                          coerced: VariableValues | None = None) -> dict[str, Any] | None:
    """The transport's entry (schema/http.py): `data` for a document it has already parsed, validated,
    measured against its limits and admitted (`coerced`: its variables as the transport coerced them),
    or None when graphql-core must answer (not covered,
    or any error). Pass the same DocumentNode object for the same query text (the transport caches
    parsing per text) so the compiled plan is found again."""
    data = await execute(document, variables, operation_name, context, schema, coerced=coerced)
    return None if data is NOT_COVERED else data
