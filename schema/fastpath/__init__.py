"""The fast read path (issue 9): validated query operations run through a plan compiled once per
(document, operation name) and built straight into response JSON; what the plan does not cover
(introspection, mutations, subscriptions, directives, fields without a builder, and every error)
answers NOT_COVERED and runs through strawberry/graphql-core as before.

    result = await execute(document, variables, operation_name, context)
    if result is NOT_COVERED: ...  # run strawberry
    else: send {"data": result}

The caller parses and validates the document first (and applies any cost limits).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from ..build import schema as _strawberry_schema
from ..limits import kept
from ..string_inputs import validate as validate_inputs
from .plan import NotCovered, Plan, compile_plan

NOT_COVERED: Any = object()
"""Returned when graphql-core must execute the request."""

_PLANS: OrderedDict[tuple[int, int, str | None], tuple[DocumentNode, Plan | None]] = OrderedDict()
_MAX_PLANS = 512


class Run:
    """One request's state as builders see it."""

    __slots__ = ("context", "platform", "call", "today", "cities", "args")

    def __init__(self, context: Any, args: list[dict]):
        self.context = context
        self.platform = context.platform
        self.call = context.call  # raises for a bad token or business date: graphql-core answers those
        self.today = self.call.today
        self.cities = context.cities
        self.args = args


def plan_for(document: DocumentNode, operation_name: str | None, schema: GraphQLSchema | None = None) -> Plan | None:
    gql = schema or _strawberry_schema._schema
    key = (id(gql), id(document), operation_name)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is document:
        return cached[1]
    plan = compile_plan(gql, document, operation_name)
    if kept(document):  # a large text is planned each time (schema/limits.py KEPT_TEXT)
        _PLANS[key] = (document, plan)  # holding the document keeps its id from being reused
        if len(_PLANS) > _MAX_PLANS:
            _PLANS.popitem(last=False)
    return plan


async def execute(document: DocumentNode, variables: dict | None, operation_name: str | None, context: Any,
                  schema: GraphQLSchema | None = None, *, coerced: VariableValues | None = None) -> Any:
    """The operation's `data`, or NOT_COVERED (nothing was answered; run graphql-core instead).

    `schema` is the served graphql-core schema (default: the installed plugins' schema); `coerced`,
    when given, is `variables` already coerced to their declared types (used when the input layer
    leaves the variables as they are)."""
    gql = schema or _strawberry_schema._schema
    plan = plan_for(document, operation_name, gql)
    if plan is None:
        return NOT_COVERED
    # issue 10's input layer: a refused string or JSON input is strawberry's to answer, coded
    # (string_inputs.py); accepted ones are read NFC-normalised, as strawberry would read them
    checked = validate_inputs(gql, document, variables, operation_name)
    if checked.problems or checked.document is not document:  # a literal to normalise: strawberry's
        return NOT_COVERED
    if coerced is not None and checked.variables != variables:  # NFC changed a value: coerce that one
        coerced = None
    variables = checked.variables
    try:
        if plan.constant_args is not None:  # no variables: arguments coerced once, at the first request
            args = plan.constant_args
        else:
            if coerced is None:
                coerced = get_variable_values(gql, plan.operation.variable_definitions or (), variables or {})
                if isinstance(coerced, list):
                    return NOT_COVERED
            args = [get_argument_values(f.definition, f.node, coerced) for f in plan.with_args]
            if not plan.operation.variable_definitions:
                plan.constant_args = args
        run = Run(context, args)
        data: dict[str, Any] = {}
        for root in plan.roots:
            data[root.key] = "Query" if root.build is None else await root.build(run)
        return data
    except (NotCovered, GraphQLError):
        return NOT_COVERED
    except Exception:  # noqa: BLE001 - every failure is graphql-core's to report, coded as usual
        return NOT_COVERED
