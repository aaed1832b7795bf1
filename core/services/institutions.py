"""Institutions (定点医疗机构), agencies and coverage queries; reference data anyone may read."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from ..domain import Agency, Institution, InstitutionFilter, InstitutionLevel
from ..errors import BadArgument
from ..pagination import Page
from ..storage.tables import AgencyRow, InstitutionRow
from . import mapping

if TYPE_CHECKING:
    from ..platform import Platform

CJK = re.compile(r"[\u3400-\u9fff]")
CURSOR_KIND = "institution"


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Institutions:
    def __init__(self, platform: Platform):
        self.p = platform

    def _check_city(self, city: str) -> None:
        if not self.p.plugins.has_city(city):
            known = ", ".join(c.code for c in self.p.plugins.cities)
            raise BadArgument(f"未知城市：{city}（可选：{known}）", f"unknown city {city!r} (known: {known})", "UNKNOWN_CITY")

    async def search(
        self,
        city: str,
        *,
        town: str | None = None,
        level: InstitutionLevel | None = None,
        category: str | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        with_total: bool = False,
    ) -> Page[Institution]:
        """IN-2: by city, town, level, category and name (汉字, full pinyin or initials)."""
        from .read_path import institution_query, institutions_page

        return await institutions_page(self.p, institution_query(city, town, level, category, search), first, after,
                                       lists=True, total=with_total)

    async def import_institutions(self, city: str, items: list[Institution], source: str) -> int:
        """Add or update institutions (e.g. stations, or Jiangmen institutions beyond Kaiping's list)."""
        self._check_city(city)
        wrong = [i.code for i in items if i.city != city]
        if wrong:
            raise BadArgument(f"以下机构不属于{city}：{', '.join(wrong)}", f"institutions not of {city}: {', '.join(wrong)}")
        from .reference import upsert_institutions

        async with self.p.db.write() as session:
            return await upsert_institutions(session, items, source)

    async def by_code(self, code: str) -> Institution | None:
        async with self.p.db.read() as session:
            row = await session.scalar(select(InstitutionRow).where(InstitutionRow.code == code.strip().upper()))
        return mapping.institution(row) if row else None

    async def by_id(self, pk: int) -> Institution | None:
        async with self.p.db.read() as session:
            row = await session.get(InstitutionRow, pk)
        return mapping.institution(row) if row else None

    async def agencies(self, city: str) -> list[Agency]:
        """IN-3 / KP-7: agencies and service points with phones and hours."""
        self._check_city(city)
        async with self.p.db.read() as session:
            rows = (await session.scalars(
                select(AgencyRow).where(AgencyRow.city == city).order_by(AgencyRow.position, AgencyRow.id)
            )).all()
        return [mapping.agency(r) for r in rows]

    async def agency_by_id(self, pk: int) -> Agency | None:
        async with self.p.db.read() as session:
            row = await session.get(AgencyRow, pk)
        return mapping.agency(row) if row else None

    async def matching(self, filters: list[InstitutionFilter]) -> list[Institution]:
        """Resolve coverage filters (from the city's coverage hook) into institutions."""
        found: dict[str, Institution] = {}
        async with self.p.db.read() as session:
            for f in filters:
                ors = []
                if f.codes:
                    ors.append(InstitutionRow.code.in_(f.codes))
                if f.towns:
                    ors.append(InstitutionRow.town.in_(f.towns))
                if not ors:
                    continue
                rows = (await session.scalars(
                    select(InstitutionRow).where(InstitutionRow.city == f.city, or_(*ors))
                )).all()
                for row in rows:
                    inst = mapping.institution(row)
                    in_area = inst.town in f.towns and (
                        inst.category in f.categories or any(t in f.tags for t in inst.tags)
                    )
                    if inst.code in f.codes or in_area:
                        found[inst.code] = inst
        return sorted(found.values(), key=lambda i: i.code)
