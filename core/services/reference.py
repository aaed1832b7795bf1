"""Loading reference data into storage: the cities' shipped data at start-up, and imports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, date, datetime

from pypinyin import Style, lazy_pinyin
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain import Agency, Institution
from ..plugins import PluginHost
from ..storage.database import Database, lock_start_up
from ..storage.tables import AgencyRow, InstitutionNetworkRow, InstitutionRow, ReferenceVersionRow


def pinyin_keys(name: str) -> tuple[str, str]:
    """IN-2: full pinyin and initials of a name, lower case, without separators (石岐 → shiqi, sq)."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default") if s.strip()]
    full = "".join(syllables).replace(" ", "")
    initials = "".join(s[0] for s in syllables if s[0].isalnum())
    return full, initials


def _digest(institutions: Iterable[Institution], agencies: Iterable[Agency]) -> str:
    payload = json.dumps(
        [[asdict(i) for i in institutions], [asdict(a) for a in agencies]],
        ensure_ascii=False, sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


async def withdraw_missing(session: AsyncSession, city: str, keep: Iterable[str], today: date, *,
                           imported: bool) -> list[str]:
    """Mark the city's institutions absent from `keep` withdrawn as of `today`: those shipped by the
    plugin (imported=False) or those brought by imports (imported=True). Rows stay: history and
    existing selections keep pointing at them."""
    kept = set(keep)
    origin = InstitutionRow.source.like("import:%") if imported else InstitutionRow.source == "plugin"
    rows = (await session.scalars(select(InstitutionRow).where(
        InstitutionRow.city == city, InstitutionRow.withdrawn_on.is_(None), origin))).all()
    gone = [r for r in rows if r.code not in kept]
    for row in gone:
        row.withdrawn_on = today
    return sorted(r.code for r in gone)


async def upsert_institutions(session: AsyncSession, items: Iterable[Institution], source: str) -> int:
    items = list(items)
    codes = [i.code for i in items]
    existing = {
        r.code: r for r in (await session.scalars(select(InstitutionRow).where(InstitutionRow.code.in_(codes)))).all()
    }
    written: dict[str, InstitutionRow] = {}
    for inst in items:
        row = existing.get(inst.code) or written.get(inst.code) or InstitutionRow(code=inst.code)
        full, initials = pinyin_keys(inst.name)
        row.name, row.city, row.division_code, row.town = inst.name, inst.city, inst.division_code, inst.town
        row.level, row.category = inst.level.value, inst.category
        row.tags, row.specialties = list(inst.tags), list(inst.specialties)
        row.services = [s.value for s in inst.services]
        row.name_pinyin, row.name_initials, row.source = full, initials, source
        row.withdrawn_on = None  # shipped or imported again: current again
        row.networks = [{"kind": m.kind.value, "id": m.id, "name": m.name} for m in inst.networks]
        row.withdrawn_on = None  # shipped or imported again: current again
        if inst.code not in existing and inst.code not in written:
            session.add(row)
        written[inst.code] = row
    await session.flush()
    # The membership index follows the JSON column: rewritten for every institution written here.
    if existing:
        await session.execute(delete(InstitutionNetworkRow).where(
            InstitutionNetworkRow.institution_id.in_([r.id for r in existing.values()])))
    for code, row in written.items():
        for kind, network_id in dict.fromkeys((n["kind"], n["id"]) for n in row.networks):
            session.add(InstitutionNetworkRow(institution_id=row.id, kind=kind, network_id=network_id))
    return len(items)


async def sync_reference_data(db: Database, plugins: PluginHost, today: date) -> dict[str, bool]:
    """Load each city's shipped data when it changed since the last start (digest compare); a shipped
    institution the data no longer holds is withdrawn as of `today`."""
    changed: dict[str, bool] = {}
    for city in plugins.cities:
        data = plugins.city(city.code).yibao_reference_data()
        if data is None:
            continue
        digest = _digest(data.institutions, data.agencies)
        async with db.write(None) as session:  # start-up, not audited
            await lock_start_up(session)  # a process starting at once waits, then sees this digest
            version = await session.get(ReferenceVersionRow, city.code)
            if version is not None and version.digest == digest:
                changed[city.code] = False
                continue
            await upsert_institutions(session, data.institutions, source="plugin")
            await withdraw_missing(session, city.code, [i.code for i in data.institutions], today, imported=False)
            existing = {
                a.name: a
                for a in (await session.scalars(select(AgencyRow).where(AgencyRow.city == city.code))).all()
            }
            for position, agency in enumerate(data.agencies):
                row = existing.get(agency.name) or AgencyRow(city=city.code, name=agency.name)
                row.kind, row.town, row.hours, row.position = agency.kind, agency.town, agency.hours, position
                row.phones = [{"number": p.number, "purpose": p.purpose} for p in agency.phones]
                if agency.name not in existing:
                    session.add(row)
            now = datetime.now(UTC)
            if version is None:
                session.add(ReferenceVersionRow(city=city.code, digest=digest, loaded_at=now))
            else:
                version.digest, version.loaded_at = digest, now
            changed[city.code] = True
    return changed
