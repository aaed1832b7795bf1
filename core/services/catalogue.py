"""The provincial service catalogue in storage (SC-1) and the working-day calendar (SC-2)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from importlib.resources import files

from sqlalchemy import select

from .. import access
from ..auth import Role
from ..call import Call
from ..catalogue._parse import parse_item
from ..catalogue.calendar import WorkingCalendar, YearSchedule
from ..catalogue.due_dates import DueDate, due_date
from ..catalogue.items import Catalogue, ServiceItem, load_common_rules
from ..domain import Channel
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import CalendarScheduleRow, ReferenceVersionRow, ServiceItemRow

CATALOGUE_VERSION_KEY = "__catalogue__"
WINDOW_CHANNELS = (Channel.WINDOW, Channel.INSTITUTION)  # on site: "窗口即时办结"


def _packaged_documents() -> list[dict]:
    """Every item and sub-item document of the packaged data files, sub-items flattened."""
    folder = files("yibao.core.catalogue").joinpath("data").joinpath("items")
    out = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".json"):
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        subs = raw.get("sub_items") or []
        out.append({**raw, "sub_items": [{"code": s["code"]} for s in subs]})
        out += [{**sub, "_parent": raw["code"]} for sub in subs]
    return out


async def sync_catalogue(db: Database) -> bool:
    """Load the packaged catalogue into storage when it changed since the last start."""
    documents = _packaged_documents()
    digest = hashlib.sha256(json.dumps(documents, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    async with db.write() as session:
        version = await session.get(ReferenceVersionRow, CATALOGUE_VERSION_KEY)
        if version is not None and version.digest == digest:
            return False
        existing = {r.code: r for r in (await session.scalars(select(ServiceItemRow))).all()}
        for doc in documents:
            row = existing.pop(doc["code"], None) or ServiceItemRow(code=doc["code"])
            row.number, row.sub_number, row.name = doc["number"], doc["sub_number"], doc["name"]
            row.parent_code = doc.get("_parent")
            row.document = {k: v for k, v in doc.items() if k != "_parent"}
            session.add(row)
        for stale in existing.values():
            await session.delete(stale)
        now = datetime.now(UTC)
        if version is None:
            session.add(ReferenceVersionRow(city=CATALOGUE_VERSION_KEY, digest=digest, loaded_at=now))
        else:
            version.digest, version.loaded_at = digest, now
    return True


class ServiceCatalogue:
    def __init__(self, db: Database, plugins: PluginHost):
        self.db = db
        self.plugins = plugins

    async def catalogue(self, city: str | None = None) -> Catalogue:
        """The stored catalogue; with a city, each item passed through that city's plugin."""
        async with self.db.read() as session:
            rows = (await session.scalars(select(ServiceItemRow))).all()
        return Catalogue(tuple(self._local(_parse(r), city) for r in rows), load_common_rules())

    async def items(self, city: str | None = None, search: str | None = None) -> tuple[ServiceItem, ...]:
        catalogue = await self.catalogue(city)
        return catalogue.search(search) if search else catalogue.items()

    async def item(self, code: str, city: str | None = None) -> ServiceItem | None:
        """One item as the city applies it (one row read, one item adjusted)."""
        async with self.db.read() as session:
            row = await session.get(ServiceItemRow, code.strip())
        return self._local(_parse(row), city) if row is not None else None

    def _local(self, item: ServiceItem, city: str | None) -> ServiceItem:
        if city is None:
            return item
        self.plugins.check_city(city)
        return self.plugins.adjust(city, "yibao_service_item", "item", item)

    # -- the working-day calendar ---------------------------------------------------------------

    async def calendar(self) -> WorkingCalendar:
        async with self.db.read() as session:
            rows = (await session.scalars(select(CalendarScheduleRow))).all()
        return WorkingCalendar({r.year: _schedule(r) for r in rows})

    async def due(self, item: ServiceItem, submitted_on: date, channel: Channel, case: str | None = None) -> DueDate:
        """SC-2: the due date by the item's time limit (or its exception for `case`, e.g. 个人账户申办)."""
        calendar = await self.calendar()
        limit = item.time_limit.for_case(case) if case else item.time_limit
        return due_date(limit, submitted_on, online=channel not in WINDOW_CHANNELS, calendar=calendar)

    async def load_schedule(self, call: Call, schedule: YearSchedule) -> None:
        """SC-2: an operator loads a year's official holiday schedule; it wins over the package."""
        access.require_roles(call.actor, {Role.ADMIN}, "load calendar schedules")
        async with self.db.write() as session:
            row = await session.get(CalendarScheduleRow, schedule.year) or CalendarScheduleRow(year=schedule.year)
            row.source = schedule.source
            row.holidays = sorted(d.isoformat() for d in schedule.holidays)
            row.workdays = sorted(d.isoformat() for d in schedule.workdays)
            row.loaded_at, row.loaded_by = datetime.now(UTC), call.actor.label
            session.add(row)


def _parse(row: ServiceItemRow) -> ServiceItem:
    return parse_item(row.document, {"code": row.parent_code} if row.parent_code else None)


def _schedule(row: CalendarScheduleRow) -> YearSchedule:
    return YearSchedule(
        year=row.year, source=row.source,
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        workdays=frozenset(date.fromisoformat(d) for d in row.workdays),
    )
