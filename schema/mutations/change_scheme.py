"""changeScheme: an agency records a dated change of scheme (ID-3, KP-6)."""

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.services.persons import SchemeChangeInput

from ..context import ctx
from ..permissions import policy_for
from ..types import Person, Scheme, UserError
from .base import attempt


@strawberry.input
class ChangeSchemeInput:
    id_number: str
    scheme: Scheme
    tier: Optional[int] = None
    effective_on: Optional[datetime.date] = None


@strawberry.type
class ChangeSchemePayload:
    person: Optional[Person]
    errors: list[UserError]


@strawberry.mutation(permission_classes=policy_for("changeScheme"), description="Change a person's scheme from a date (agency).")
async def change_scheme(info: Info, input: ChangeSchemeInput) -> ChangeSchemePayload:
    c = ctx(info)
    record, errors = await attempt(c.platform.persons.change_scheme(c.call, SchemeChangeInput(
        id_number=input.id_number, scheme=input.scheme, tier=input.tier, effective_on=input.effective_on,
    )))
    return ChangeSchemePayload(person=Person.from_record(record, c.call.today, c.cities) if record else None,
                               errors=errors)
