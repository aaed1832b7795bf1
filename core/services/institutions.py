"""Institutions (定点医疗机构), agencies and coverage queries; reference data anyone may read."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..call import Call
from ..domain import Agency, Institution, InstitutionFilter, InstitutionLevel, NetworkRef
from ..errors import BadArgument
from ..plugins import PluginHost
from ..pagination import Page, build_page, page_request
from ..storage.database import Database
from ..storage.tables import AgencyRow, InstitutionNetworkRow, InstitutionRow
from . import mapping
from .reference import upsert_institutions
from .reference import withdraw_missing as withdraw

CJK = re.compile(r"[\u3400-\u9fff]")
CURSOR_KIND = "institution"


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(city: str, town: str | None, level: InstitutionLevel | None, category: str | None,
                search: str | None, network: NetworkRef | None = None, include_withdrawn: bool = False) -> list:
    conditions = [InstitutionRow.city == city]
    if not include_withdrawn:  # reference data lifecycle: withdrawn institutions only when asked for
        conditions.append(InstitutionRow.withdrawn_on.is_(None))
    if town:
        conditions.append(InstitutionRow.town == town)
    if level:
        conditions.append(InstitutionRow.level == level.value)
    if category:
        conditions.append(InstitutionRow.category == category)
    if network is not None:
        conditions.append(_in_networks((network,)))
    term = re.sub(r"[\s']+", "", search or "").lower()
    if term:
        if CJK.search(term):
            conditions.append(InstitutionRow.name.like(_like(term), escape="\\"))
        else:
            conditions.append(or_(
                InstitutionRow.name_pinyin.like(_like(term), escape="\\"),
                InstitutionRow.name_initials.like(_like(term), escape="\\"),
                func.lower(InstitutionRow.code).like(_like(term), escape="\\"),
            ))
    return conditions


class Institutions:
    def __init__(self, db: Database, plugins: PluginHost):
        self.db = db
        self.plugins = plugins

    async def search(
        self,
        city: str,
        *,
        town: str | None = None,
        level: InstitutionLevel | None = None,
        category: str | None = None,
        network: NetworkRef | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        with_total: bool = False,
        include_withdrawn: bool = False,
    ) -> Page[Institution]:
        """IN-2: by city, town, level, category, network and name (汉字, full pinyin or initials);
        withdrawn institutions only when asked for."""
        self.plugins.check_city(city)
        request = page_request(first, after, CURSOR_KIND)
        conditions = _conditions(city, town, level, category, search, network, include_withdrawn)
        stmt = select(InstitutionRow).where(*conditions).order_by(InstitutionRow.code).limit(request.first + 1)
        if request.after:
            stmt = stmt.where(InstitutionRow.code > request.after)
        async with self.db.read() as session:
            rows = (await session.scalars(stmt)).all()
            total = None
            if with_total:
                total = await session.scalar(select(func.count()).select_from(InstitutionRow).where(*conditions))
        return build_page([mapping.institution(r) for r in rows], request, CURSOR_KIND, lambda i: i.code, total)

    async def in_city(self, city: str, search: str | None = None) -> list[Institution]:
        """Every institution of the city (matching `search`, IN-2), ordered by code."""
        self.plugins.check_city(city)
        stmt = select(InstitutionRow).where(*_conditions(city, None, None, None, search)).order_by(InstitutionRow.code)
        async with self.db.read() as session:
            return [mapping.institution(r) for r in (await session.scalars(stmt)).all()]

    async def count(self, city: str, *, town: str | None = None, level: InstitutionLevel | None = None,
                    category: str | None = None, search: str | None = None, network: NetworkRef | None = None,
                    include_withdrawn: bool = False) -> int:
        """How many institutions `search` with these filters finds (a connection's totalCount)."""
        self.plugins.check_city(city)
        async with self.db.read() as session:
            return await session.scalar(select(func.count()).select_from(InstitutionRow).where(
                *_conditions(city, town, level, category, search, network, include_withdrawn))) or 0

    async def import_institutions(self, city: str, items: list[Institution], source: str, *,
                                  withdraw_missing: date | None = None, call: Call | None = None) -> int:
        """Add or update institutions (e.g. stations, or institutions beyond a plugin's shipped list).

        With `withdraw_missing` (a day) the items are the complete list of the city's imported
        institutions: any imported earlier and absent now is withdrawn as of that day. With `call` (the
        operator at `yibao institutions import`) the import is recorded in the audit log."""
        self.plugins.check_city(city)
        wrong = [i.code for i in items if i.city != city]
        if wrong:
            raise BadArgument(f"以下机构不属于{city}：{', '.join(wrong)}", f"institutions not of {city}: {', '.join(wrong)}")
        async with self.db.write(call.audit("importInstitutions") if call else None) as session:
            count = await upsert_institutions(session, items, source)
            if withdraw_missing is not None:
                await withdraw(session, city, [i.code for i in items], withdraw_missing, imported=True)
            return count

    async def by_code(self, code: str) -> Institution | None:
        async with self.db.read() as session:
            row = await session.scalar(select(InstitutionRow).where(InstitutionRow.code == code.strip().upper()))
        return mapping.institution(row) if row else None

    async def by_id(self, pk: int) -> Institution | None:
        async with self.db.read() as session:
            row = await session.get(InstitutionRow, pk)
        return mapping.institution(row) if row else None

    async def agencies(self, city: str) -> list[Agency]:
        """IN-3 / KP-7: agencies and service points with phones and hours."""
        self.plugins.check_city(city)
        async with self.db.read() as session:
            rows = (await session.scalars(
                select(AgencyRow).where(AgencyRow.city == city).order_by(AgencyRow.position, AgencyRow.id)
            )).all()
        return [mapping.agency(r) for r in rows]

    async def agency_by_id(self, pk: int) -> Agency | None:
        async with self.db.read() as session:
            row = await session.get(AgencyRow, pk)
        return mapping.agency(row) if row else None

    async def matching(self, filters: list[InstitutionFilter]) -> list[Institution]:
        """Resolve coverage filters (from the city's coverage hook) into institutions.

        One statement narrows by every axis SQL can test portably (codes, towns, categories,
        levels, networks); `InstitutionFilter.matches` then decides exactly (tags live in a JSON
        list), so the query and the documented combination can never disagree (reads.py)."""
        from . import reads

        return await self.db.run_read(lambda reader: reads.matching_institutions(reader, filters))


def _in_networks(refs: tuple[NetworkRef, ...]) -> ColumnElement[bool]:
    members = select(InstitutionNetworkRow.institution_id).where(or_(*(
        and_(InstitutionNetworkRow.kind == ref.kind.value, InstitutionNetworkRow.network_id == ref.id) for ref in refs
    )))
    return InstitutionRow.id.in_(members)
