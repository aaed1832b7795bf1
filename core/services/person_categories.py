"""Person categories (人员类别, e.g. 在校学生): recorded by an agency of the person's city, with dates.

City rules read them from `Person.categories` (e.g. a student's change takes effect at once).
History is kept: a period is never edited or deleted by this service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from .. import access
from ..call import Call
from ..domain import OPEN_END, PersonCategory
from ..errors import Refused, UserError, not_found
from ..storage.database import Database
from ..storage.tables import PersonCategoryRow
from .persons import PersonRecord, load_person, selections_of



@dataclass(frozen=True, slots=True)
class CategoryInput:
    id_number: str
    category: PersonCategory
    valid_from: date | None = None
    valid_to: date | None = None


class PersonCategories:
    def __init__(self, db: Database):
        self.db = db

    async def record(self, call: Call, data: CategoryInput) -> PersonRecord:
        """Record a dated category; refused (nothing written) on bad dates or an overlapping period."""
        access.claim(call.actor, "mutation.recordPersonCategory", data.id_number)
        start = data.valid_from or call.today
        end = data.valid_to or OPEN_END
        async with self.db.write(call.audit("recordPersonCategory")) as session:
            found = await load_person(session, data.id_number, lock=True)
            missing = not_found("参保人", "person", ("idNumber",))
            if found is None:
                raise Refused([missing])
            row, person = found
            access.reach(call.actor, "mutation.recordPersonCategory", person.city, person.id_number, missing)
            errors: list[UserError] = []
            if end < start:
                errors.append(UserError(
                    "INVALID_DATE", "类别的结束日期不能早于开始日期", "validTo may not precede validFrom", ("validTo",)))
            else:
                clash = next((c for c in person.categories
                              if c.category is data.category and c.valid_from <= end and start <= c.valid_to), None)
                if clash is not None:
                    errors.append(UserError(
                        "CATEGORY_PERIOD_OVERLAPS",
                        f"该参保人已有重叠的同类记录（{clash.valid_from.isoformat()}至{clash.valid_to.isoformat()}）",
                        f"the person already has this category from {clash.valid_from.isoformat()} "
                        f"to {clash.valid_to.isoformat()}, overlapping the new period", ("validFrom",)))
            if errors:
                raise Refused(errors)
            session.add(PersonCategoryRow(person_id=row.id, category=data.category.value, valid_from=start,
                                          valid_to=end, recorded_at=datetime.now(UTC), recorded_by=call.actor.label))
            await session.flush()
            person = (await load_person(session, person.id_number))[1]  # type: ignore[index]
            sels = (await selections_of(session, [row.id]))[row.id]
        shown = access.shown_id_number(call.actor, person.city, person.id_number)
        return PersonRecord(person, shown, tuple(sels))
