"""Importing existing state: persons with their dated schemes and selections (e.g. a
city's records from before its current rules). All or nothing: any problem refuses the whole file with every reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from sqlalchemy import select

from .. import access, ids
from ..call import Call
from ..domain import OPEN_END, Channel, Scheme, SelectionKind
from ..errors import Refused, UserError
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import InstitutionRow, PersonRow, SchemePeriodRow, SelectionEventRow, SelectionRow


def _date(raw: str | None, default: date | None, errors: list, where: tuple[str, ...]) -> date | None:
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        errors.append(UserError("INVALID_DATE", f"日期格式应为 YYYY-MM-DD：{raw}", f"not a date: {raw!r}", where))
        return default


async def import_persons(db: Database, plugins: PluginHost, call: Call, payload: dict) -> int:
    """Write every person of `payload["persons"]`, or nothing; returns how many."""
    access.require(call.actor, "cli.importPersons")
    errors: list[UserError] = []
    people = payload.get("persons", [])
    async with db.write(call.audit("importPersons")) as session:
        codes = {s["institutionCode"] for p in people for s in p.get("selections", [])}
        institutions = {r.code: r for r in (await session.scalars(
            select(InstitutionRow).where(InstitutionRow.code.in_(codes)))).all()}
        now = datetime.now(UTC)
        for n, raw in enumerate(people):
            where = ("persons", str(n))
            number = ids.normalize(raw.get("idNumber", ""))
            doc = raw.get("documentType", ids.RESIDENT_ID)
            errors += [UserError(e.code, e.message, e.message_en, where + ("idNumber",))
                       for e in ids.check_document(number, doc)]
            if not plugins.has_city(raw.get("city", "")):
                errors.append(UserError("UNKNOWN_CITY", f"未知城市：{raw.get('city')}", f"unknown city {raw.get('city')!r}",
                                        where + ("city",)))
            if await session.scalar(select(PersonRow.id).where(PersonRow.id_number == number)):
                errors.append(UserError("PERSON_EXISTS", "该证件号码已登记参保人", "already registered", where))
            schemes = raw.get("schemes") or []
            if not schemes:
                errors.append(UserError("SCHEME_REQUIRED", "至少需要一段险种记录", "at least one scheme period",
                                        where + ("schemes",)))
            for k, sel in enumerate(raw.get("selections", [])):
                if sel.get("institutionCode") not in institutions:
                    errors.append(UserError("NOT_FOUND", f"未找到定点医疗机构：{sel.get('institutionCode')}",
                                            f"institution {sel.get('institutionCode')!r} not found",
                                            where + ("selections", str(k), "institutionCode")))
            if errors:
                continue  # keep checking the other persons: every reason at once
            person = PersonRow(id_number=number, document_type=doc, name=raw.get("name", ""), city=raw["city"],
                               insured_since=_date(raw.get("insuredSince"), None, errors, where), created_at=now,
                               created_by=call.actor.label)
            session.add(person)
            await session.flush()
            for s in schemes:
                session.add(SchemePeriodRow(
                    person_id=person.id, scheme=Scheme(s["scheme"]).value, tier=s.get("tier"),
                    valid_from=_date(s.get("validFrom"), None, errors, where), recorded_at=now,
                    valid_to=_date(s.get("validTo"), OPEN_END, errors, where), recorded_by=call.actor.label))
            for sel in raw.get("selections", []):
                inst = institutions[sel["institutionCode"]]
                starts = _date(sel.get("effectiveFrom"), None, errors, where)
                row = SelectionRow(
                    person_id=person.id, kind=SelectionKind(sel.get("kind", "GENERAL_OUTPATIENT")).value,
                    slot=sel.get("slot", sel.get("kind", "GENERAL_OUTPATIENT")), institution_id=inst.id,
                    scheme=Scheme(sel["scheme"]).value if sel.get("scheme") else None,
                    effective_from=starts, effective_to=_date(sel.get("effectiveTo"), OPEN_END, errors, where),
                    channel=Channel(sel.get("channel", "WINDOW")).value,
                    created_on=_date(sel.get("createdOn"), starts, errors, where), created_at=now,
                    created_by=call.actor.label)
                session.add(row)
                await session.flush()
                session.add(SelectionEventRow(selection_id=row.id, event="IMPORTED", at=now, business_date=call.today,
                                              actor=call.actor.label, channel=None, detail={"source": "import"}))
        if errors:
            raise Refused(errors)  # the transaction rolls back: nothing of the file is written
    return len(people)
