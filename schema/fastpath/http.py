"""The fast path at the HTTP edge: POST application/json, parsed and validated once per query text.

`answer(request, make_context)` returns a Response for a covered operation, or None: then the
request (its body already read and kept by Starlette) goes to strawberry unchanged, so every
error, status code and extension is produced where it always was.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from starlette.requests import Request
from starlette.responses import Response
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


async def answer(schema: Any, request: Request, make_context: Callable[[Request], Any]) -> Response | None:
    """`schema`: the strawberry schema the view serves."""
    if request.method != "POST" or not request.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        payload = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    query, variables, name = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not (variables is None or isinstance(variables, dict)) \
            or not (name is None or isinstance(name, str)):
        return None
    gql = schema._schema
    doc = document(query, gql)
    if doc is None:
        return None
    data = await execute(doc, variables, name, make_context(request), gql)
    if data is NOT_COVERED:
        return None
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def answer_prepared(document: DocumentNode, variables: dict | None, operation_name: str | None,
                          context: Any, schema: GraphQLSchema | None = None) -> dict[str, Any] | None:
    """The transport's entry (schema/http.py): `data` for a document it has already parsed, validated,
    measured against its limits and admitted, or None when graphql-core must answer (not covered,
    or any error). Pass the same DocumentNode object for the same query text (the transport caches
    parsing per text) so the compiled plan is found again."""
    data = await execute(document, variables, operation_name, context, schema)
    return None if data is NOT_COVERED else data
