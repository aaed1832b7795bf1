"""recordPersonCategory: an agency records a dated person category (e.g. 在校学生)."""

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.services.person_categories import CategoryInput

from ..context import ctx
from ..permissions import policy_for
from ..types import Person, PersonCategory, UserError
from .base import attempt


@strawberry.input(description="登记人员类别。Record a person category with its dates.")
class RecordPersonCategoryInput:
    id_number: str = strawberry.field(description="参保人证件号码。The person's ID number.")
    category: PersonCategory = strawberry.field(description="人员类别。The category.")
    valid_from: Optional[datetime.date] = strawberry.field(
        default=None, description="开始日期（默认业务日期）。First day (default: the business date).")
    valid_to: Optional[datetime.date] = strawberry.field(
        default=None, description="结束日期（默认长期）。Last day (default: open-ended, 2099-12-31).")


@strawberry.type(description="登记人员类别的结果。The result of recording a person category.")
class RecordPersonCategoryPayload:
    person: Optional[Person] = strawberry.field(description="登记后的参保人。The person after recording.")
    errors: list[UserError] = strawberry.field(description="拒绝原因（一次全部列出）。Every reason for a refusal.")


@strawberry.mutation(permission_classes=policy_for("recordPersonCategory"), description=(
    "经办机构为本市参保人登记人员类别（如在校学生）及起止日期。"
    "An agency of the person's city records a dated category (e.g. student)."))
async def record_person_category(info: Info, input: RecordPersonCategoryInput) -> RecordPersonCategoryPayload:
    c = ctx(info)
    record, errors = await attempt(c.platform.person_categories.record(c.call, CategoryInput(
        id_number=input.id_number, category=input.category, valid_from=input.valid_from, valid_to=input.valid_to,
    )))
    return RecordPersonCategoryPayload(
        person=Person.from_record(record, c.call.today, c.cities) if record else None, errors=errors)
