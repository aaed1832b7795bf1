"""Who may see and do what. Services call these; resolvers declare role gates only.

ID-2: ID numbers are shown in full only to the person, their proxy, or agency staff of the
person's city; everyone else sees them masked.
"""

from __future__ import annotations

from .auth import Actor, Role
from .errors import Forbidden, NotAuthenticated
from .ids import mask, normalize

READ_CITY_PERSONS = {Role.AGENCY, Role.INSTITUTION}
SELF_ROLES = {Role.PERSON, Role.PROXY}
INTROSPECTION_ROLES = {Role.ADMIN, Role.INTEGRATOR, Role.AGENCY}
"""Production mode: roles that build against the schema (integrators, agencies' systems, admin)."""


def may_introspect(actor: Actor) -> bool:
    return actor.role in INTROSPECTION_ROLES


def require_token(actor: Actor) -> None:
    if actor.anonymous:
        raise NotAuthenticated("需要登录令牌", "a bearer token is required")


def require_roles(actor: Actor, roles: set[Role], what_en: str) -> None:
    require_token(actor)
    if actor.role not in roles:
        raise Forbidden(f"当前角色无权{what_en}", f"role {actor.role.value} may not {what_en}")


def check_person_claim(actor: Actor, id_number: str) -> None:
    """Before any lookup: a person/proxy token may only name its own person."""
    require_token(actor)
    if actor.role in SELF_ROLES and normalize(id_number) != actor.person:
        raise Forbidden("令牌只能查询或办理本人（被代办人）的业务", "this token acts for another person")


def check_person_access(actor: Actor, person_city: str, id_number: str) -> None:
    check_person_claim(actor, id_number)
    if actor.role in READ_CITY_PERSONS and actor.city != person_city:
        raise Forbidden("只能办理本市参保人的业务", "this token serves another city's persons")


def check_city_role(actor: Actor, city: str, roles: set[Role], what_en: str) -> None:
    """Roles bound to a city act only in it; admin acts everywhere."""
    require_roles(actor, roles | {Role.ADMIN}, what_en)
    if actor.role is not Role.ADMIN and actor.role in (Role.AGENCY, Role.INSTITUTION) and actor.city != city:
        raise Forbidden("只能办理本市的业务", f"this token may not {what_en} for city {city}")


def shown_id_number(actor: Actor, person_city: str, id_number: str) -> str:
    if actor.role in SELF_ROLES and actor.person == id_number:
        return id_number
    if actor.role is Role.AGENCY and actor.city == person_city:
        return id_number
    return mask(id_number)
