"""registerPerson: an agency (or admin) registers an insured person."""

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.ids import RESIDENT_ID
from yibao.core.services.persons import RegisterInput

from ..context import ctx
from ..permissions import policy_for
from ..types import Person, Scheme, UserError
from .base import attempt


@strawberry.input
class RegisterPersonInput:
    id_number: str
    name: str
    city: str
    scheme: Scheme
    tier: Optional[int] = None
    insured_since: Optional[datetime.date] = None
    document_type: str = strawberry.field(default=RESIDENT_ID, description="RESIDENT_ID, PASSPORT, HK_MACAO_PERMIT, …")


@strawberry.type
class RegisterPersonPayload:
    person: Optional[Person]
    errors: list[UserError]


@strawberry.mutation(permission_classes=policy_for("registerPerson"), description="Register an insured person (agency of that city, or admin).")
async def register_person(info: Info, input: RegisterPersonInput) -> RegisterPersonPayload:
    c = ctx(info)
    record, errors = await attempt(c.platform.persons.register(c.call, RegisterInput(
        id_number=input.id_number, name=input.name, city=input.city, scheme=input.scheme, tier=input.tier,
        insured_since=input.insured_since, document_type=input.document_type,
    )))
    return RegisterPersonPayload(person=Person.from_record(record, c.call.today, c.cities) if record else None,
                                 errors=errors)
