"""Who may see and do what: the services' side of core/policy.py (the one role-policy table).

Services name the operation they serve; the table says which roles may run it and in which scope.
An object outside the caller's scope is answered as if it did not exist (null for a read,
NOT_FOUND in a payload for a write), so another city's staff cannot tell whether an ID number or
an id is registered (no existence oracle). ID-2 masking is here too.

ID-2: ID numbers are shown in full only to the person, their proxy, or agency staff of the
person's city; everyone else sees them masked.
"""

from __future__ import annotations

from . import policy
from .auth import Actor, Role
from .errors import NotAuthenticated, Refused, UserError
from .ids import mask

require = policy.require
claim = policy.claim
in_scope = policy.in_scope
check_city = policy.check_city

def may_introspect(actor: Actor) -> bool:
    """Production mode: whether the caller may introspect the schema (core/policy.py `schema.introspection`)."""
    return policy.rule("schema.introspection").grant(actor).allowed


def require_token(actor: Actor) -> None:
    if actor.anonymous:
        raise NotAuthenticated("需要登录令牌", "a bearer token is required")


def reach(actor: Actor, operation: str, city: str, id_number: str, missing: UserError) -> None:
    """A write's target, found in storage: out of the caller's scope it is refused exactly as a
    missing one (`missing`, the NOT_FOUND the caller gets when nothing is there)."""
    if not policy.in_scope(actor, operation, city, id_number):
        raise Refused([missing])


_SELF = (Role.PERSON, Role.PROXY)
_AGENCY = Role.AGENCY  # bound once: a member read through its enum class costs ~0.1 µs, and this runs per person shown


def shown_id_number(actor: Actor, person_city: str, id_number: str) -> str:
    """ID-2: the full number for the person (or their proxy) and their city's agency; masked for everyone else."""
    role = actor.role
    if role in _SELF and actor.person == id_number:
        return id_number
    if role is _AGENCY and actor.city == person_city:
        return id_number
    return mask(id_number)


def check_export(actor: Actor, kind: str, city: str) -> None:
    """Issue 12: who may take a bulk export of `kind` for `city`: the `export.<kind>` rule of the
    role-policy table (core/policy.py); the rows are then masked by `shown_id_number` (ID-2)."""
    policy.check_city(actor, f"export.{kind}", city)
