"""The schema as an Apollo Federation v2 subgraph (YIBAO_FEDERATION=1, issue 12).

The same Query, Mutation, Subscription and types as schema/build.py, plus `_service { sdl }` and
`_entities(representations:)`, with three entities:

    City         @key(fields: "code")
    Institution  @key(fields: "code")
    Person       @key(fields: "idHash")   HMAC-SHA256 of the ID number (core/ids.py), never the number

`_entities` resolves each reference through the same service and the same checks as the root a
client would otherwise call: a City as `cities` does (anyone; a bad token still fails), an
Institution as `institution(code:)` (anyone), a Person as `person(idNumber:)` (the same role gate,
policy_for("person"), then Persons' own ownership and city checks and ID-2 masking). The Person
references of one request are looked up together (Persons.get_many_by_id_hash through a
DataLoader): a constant number of statements however many a gateway sends.

Why the keys are attached only while this schema is built: strawberry reads `@key` from the
types' shared definitions, and the normal schema (schema.graphql, served without the variable)
must not change. So the keys are set for the construction (which decides the `_Entity` union and
the `@link` imports) and removed again, and this schema's own GraphQL types get copies of the
definitions that keep them (strawberry's printer, hence `_service { sdl }`, reads the definition
from the GraphQL type).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.types import Info

from yibao.core.errors import BadArgument

from . import descriptions
from .build import schema_arguments
from .context import ctx
from .errors import process_errors
from .permissions import policy_for
from .types import City, Institution, Person

ENTITY_KEYS: dict[type, str] = {City: "code", Institution: "code", Person: "idHash"}


class YibaoSubgraph(strawberry.federation.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        process_errors(errors, execution_context.context if execution_context else None)


# -- resolving references (strawberry calls `resolve_reference` on the entity's class) ----------

def _check_request(info: Info) -> None:
    ctx(info).check_request()  # a bad token or business date fails even where anonymous may read


def _key(type_name: str, field: str, representation: dict[str, Any]) -> str:
    value = representation.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadArgument(f"{type_name} 的实体引用缺少键 {field}（字符串）",
                          f"a {type_name} representation needs its key `{field}` as a string")
    return value.strip()


async def resolve_city(info: Info, representation: dict[str, Any]) -> Optional[City]:
    """As `cities`: anyone."""
    _check_request(info)
    return ctx(info).cities.get(_key("City", "code", representation))


async def resolve_institution(info: Info, representation: dict[str, Any]) -> Optional[Institution]:
    """As `institution(code:)`: anyone, through Institutions.by_code."""
    c = ctx(info)
    c.check_request()
    found = await c.platform.institutions.by_code(_key("Institution", "code", representation))
    return Institution.from_domain(found, c.cities) if found else None


async def resolve_person(info: Info, representation: dict[str, Any]) -> Optional[Person]:
    """As `person(idNumber:)`: its role gate first, then Persons' checks and ID-2 masking."""
    for permission_class in policy_for("person"):
        permission = permission_class()
        if not permission.has_permission(None, info):
            permission.on_unauthorized()  # raises the coded error the root field raises
    c = ctx(info)
    # claimed per reference, before any lookup (a person token's foreign hash fails only its own
    # reference); the lookups of all references are then read in one batch (schema/dataloaders.py)
    id_hash = c.platform.persons.claim_id_hash(c.call, _key("Person", "idHash", representation))
    record = await c.loaders.persons_by_id_hash(c.call).load(id_hash)
    if record is None:
        return None
    person = Person.from_record(record, c.call.today, c.cities)
    person._id_hash = id_hash  # the caller sent it: returning it reveals nothing
    return person


def _reference(resolver: Any) -> classmethod:
    def resolve_reference(cls: type, info: Info, **representation: Any) -> Any:
        return resolver(info, representation)
    return classmethod(resolve_reference)


City.resolve_reference = _reference(resolve_city)  # type: ignore[attr-defined]
Institution.resolve_reference = _reference(resolve_institution)  # type: ignore[attr-defined]
Person.resolve_reference = _reference(resolve_person)  # type: ignore[attr-defined]


# -- building the subgraph -----------------------------------------------------------------------

@contextmanager
def _keys_attached() -> Iterator[None]:
    saved = {t: t.__strawberry_definition__.directives for t in ENTITY_KEYS}  # type: ignore[attr-defined]
    try:
        for t, fields in ENTITY_KEYS.items():
            t.__strawberry_definition__.directives = [*(saved[t] or ()), Key(fields=fields)]  # type: ignore[attr-defined]
        yield
    finally:
        for t, directives in saved.items():
            t.__strawberry_definition__.directives = directives  # type: ignore[attr-defined]


def _build() -> YibaoSubgraph:
    with _keys_attached():
        built = YibaoSubgraph(**schema_arguments())
    for t, fields in ENTITY_KEYS.items():
        definition = t.__strawberry_definition__  # type: ignore[attr-defined]
        gql = built._schema.type_map[definition.name]
        gql.extensions = {**gql.extensions, "strawberry-definition": dataclasses.replace(
            definition, directives=[*(definition.directives or ()), Key(fields=fields)])}
    descriptions.apply(built._schema)
    return built


subgraph = _build()
"""The subgraph schema: served with YIBAO_FEDERATION=1; its SDL is committed as schema/subgraph.graphql."""
