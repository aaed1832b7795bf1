"""Who may read which FHIR resource: one small gate over the existing access rules (core/access.py).

Same roles and scope as the GraphQL API: anonymous callers read Organization only; a person or
proxy token reads only its own person; agency and institution staff their city's persons;
integrator and admin every person. ID numbers are shown as access.shown_id_number decides (ID-2).
A policy table may replace the bodies below; callers only ever use these two functions.
"""

from __future__ import annotations

from .. import access, policy
from ..auth import Actor
from ..domain import Person
from ..errors import Forbidden

PUBLIC_TYPES = frozenset({"Organization"})


class OutOfScope(Exception):
    """The person exists but lies outside the caller's scope: answered exactly as a missing one
    (404, or no match in a search), so another city's staff learn nothing (no existence oracle)."""


def check_read(actor: Actor, resource_type: str, person: Person | None = None, *,
               id_number: str | None = None) -> None:
    """Raise NotAuthenticated/Forbidden unless `actor` may read this resource (the rule
    `fhir.<type>` of core/policy.py), OutOfScope for a person outside the caller's scope.

    `id_number` (a search by identifier) is checked before any lookup, as the GraphQL `person`
    query does; `person` is the person the resource is about once it has been read (None: not
    found). A person or proxy token gets 403 for any person id that is not its own, found or not,
    so the answer never tells it which ids exist.
    """
    operation = f"fhir.{resource_type}"
    if resource_type in PUBLIC_TYPES:
        return
    grant = policy.claim(actor, operation, id_number) if id_number is not None else policy.require(actor, operation)
    if person is None:
        if grant.scope is policy.Scope.OWN_PERSON and id_number is None:
            raise Forbidden("令牌只能查询本人（被代办人）的信息", "this token reads only its own person")
        return
    if not policy.in_scope(actor, operation, person.city, person.id_number):
        if grant.scope is policy.Scope.OWN_PERSON:
            raise Forbidden("令牌只能查询本人（被代办人）的信息", "this token reads only its own person")
        raise OutOfScope()


def export_scope(actor: Actor) -> str | None:
    """Bulk export (rule `fhir.$export`): an agency exports its city, integrator and admin all
    cities (None). Raises NotAuthenticated/Forbidden for everyone else."""
    grant = policy.require(actor, "fhir.$export")
    return actor.city if grant.scope is policy.Scope.OWN_CITY else None


def shown_id_number(actor: Actor, person: Person) -> str:
    """ID-2, exactly as the GraphQL API masks it."""
    return access.shown_id_number(actor, person.city, person.id_number)
