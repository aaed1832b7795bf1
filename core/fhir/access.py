"""Who may read which FHIR resource: one small gate over the existing access rules (core/access.py).

Same roles and scope as the GraphQL API: anonymous callers read Organization only; a person or
proxy token reads only its own person; agency and institution staff their city's persons;
integrator and admin every person. ID numbers are shown as access.shown_id_number decides (ID-2).
A policy table may replace the bodies below; callers only ever use these two functions.
"""

from __future__ import annotations

from .. import access
from ..auth import Actor, Role
from ..domain import Person
from ..errors import Forbidden

PUBLIC_TYPES = frozenset({"Organization"})
EXPORT_ROLES = {Role.AGENCY, Role.INTEGRATOR, Role.ADMIN}


def check_read(actor: Actor, resource_type: str, person: Person | None = None, *,
               id_number: str | None = None) -> None:
    """Raise NotAuthenticated/Forbidden unless `actor` may read this resource.

    `id_number` (a search by identifier) is checked before any lookup, as the GraphQL `person`
    query does; `person` is the person the resource is about once it has been read (None: not
    found). A person or proxy token gets 403 for any person id that is not its own, found or not,
    so the answer never tells it which ids exist.
    """
    if resource_type in PUBLIC_TYPES:
        return
    access.require_token(actor)
    if id_number is not None:
        access.check_person_claim(actor, id_number)
    if person is None:
        if actor.role in access.SELF_ROLES and id_number is None:
            raise Forbidden("令牌只能查询本人（被代办人）的信息", "this token reads only its own person")
        return
    access.check_person_access(actor, person.city, person.id_number)


def export_scope(actor: Actor) -> str | None:
    """Bulk export (the persons list's roles): an agency exports its city, integrator and admin all
    cities (None). Raises NotAuthenticated/Forbidden for everyone else."""
    access.require_roles(actor, EXPORT_ROLES, "export FHIR data in bulk")
    return actor.city if actor.role is Role.AGENCY else None


def shown_id_number(actor: Actor, person: Person) -> str:
    """ID-2, exactly as the GraphQL API masks it."""
    return access.shown_id_number(actor, person.city, person.id_number)
