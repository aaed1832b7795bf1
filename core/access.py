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


EXPORT_PUBLIC = {"institutions"}
"""Bulk exports anyone may take, without a token: reference data (IN-2 lists it publicly)."""
EXPORT_ROLES = {Role.AGENCY, Role.INTEGRATOR, Role.ADMIN}
"""Who may take the other bulk exports (issue 12): agency staff of their own city, integrators, admin."""


def check_export(actor: Actor, kind: str, city: str) -> None:
    """Issue 12: who may take a bulk export of `kind` for `city`. The one place the rule lives
    (a role-policy table may take it over); the rows are then masked by `shown_id_number` (ID-2)."""
    if kind in EXPORT_PUBLIC:
        return
    require_roles(actor, EXPORT_ROLES, f"export {kind}")
    if actor.role is Role.AGENCY and actor.city != city:
        raise Forbidden("只能导出本市的数据", f"this token may not export {kind} of city {city}")
