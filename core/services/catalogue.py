"""The provincial service catalogue in storage (SC-1) and the working-day calendar (SC-2)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from importlib.resources import files

from sqlalchemy import select

from .. import access
from ..call import Call
from ..catalogue.calendar import WorkingCalendar, YearSchedule
from ..catalogue.due_dates import DueDate, due_date
from ..catalogue.items import Catalogue, ServiceItem, load_catalogue
from ..domain import Channel
from ..plugins import PluginHost
from ..storage.database import Database, lock_start_up
from ..storage.tables import CalendarScheduleRow, CatalogueVersionRow, ServiceItemRow

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
    async with db.write(None) as session:  # start-up, not audited
        await lock_start_up(session)  # a process starting at once waits, then sees this digest
        latest = await session.scalar(select(CatalogueVersionRow.digest)
                                      .order_by(CatalogueVersionRow.loaded_at.desc()).limit(1))
        if latest == digest:
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
        version = await session.get(CatalogueVersionRow, digest)  # a version loaded before, back again
        if version is None:
            session.add(CatalogueVersionRow(digest=digest, loaded_at=now))
        else:
            version.loaded_at = now
    return True


class ServiceCatalogue:
    """The catalogue and the working-day calendar, built once and served from memory.

    The catalogue is the packaged one (`load_catalogue()`, the same value the data tests check);
    each city's version is made once, at start-up, by passing every item through the city's
    adjusting hook (`yibao_service_item`) and `Catalogue.with_override`. The calendar is read from
    storage at start-up and re-read only when the stored schedules' revision changed (one small
    statement; an operator's `yibao calendar load` in another process or on another host is seen at
    the next due date).
    """

    def __init__(self, db: Database, plugins: PluginHost):
        self.db = db
        self.plugins = plugins
        self._catalogues: dict[str | None, Catalogue] = {}
        self._calendar: WorkingCalendar | None = None
        self._calendar_revision: tuple | None = None

    async def start(self) -> None:
        """Build every city's catalogue and read the calendar (Platform.start)."""
        self._build()
        await self.calendar()

    def _build(self) -> None:
        base = load_catalogue()
        built: dict[str | None, Catalogue] = {None: base}
        for info in self.plugins.cities:
            local = base
            for item in base:
                adjusted = self.plugins.adjust(info.code, "yibao_service_item", "item", item)
                if adjusted is not item:
                    local = local.with_override(adjusted)
            built[info.code] = local
        self._catalogues = built

    async def catalogue(self, city: str | None = None) -> Catalogue:
        """The catalogue; with a city, as that city applies it."""
        if city is not None:
            self.plugins.check_city(city)
        if not self._catalogues:
            self._build()
        return self._catalogues[city]

    async def items(self, city: str | None = None, search: str | None = None) -> tuple[ServiceItem, ...]:
        catalogue = await self.catalogue(city)
        return catalogue.search(search) if search else catalogue.items()

    async def item(self, code: str, city: str | None = None) -> ServiceItem | None:
        """One item as the city applies it."""
        return (await self.catalogue(city)).get(code)

    # -- the working-day calendar ---------------------------------------------------------------

    async def calendar(self) -> WorkingCalendar:
        """The calendar with every loaded schedule; re-read when the stored revision changed."""
        async with self.db.read() as session:
            # Every year's load time, not the count and the newest: a host whose clock is behind
            # reloads a year with an older time than another year's (one row a year: small).
            revision = tuple((await session.execute(
                select(CalendarScheduleRow.year, CalendarScheduleRow.loaded_at).order_by(CalendarScheduleRow.year)
            )).all())
            if self._calendar is None or revision != self._calendar_revision:
                rows = (await session.scalars(select(CalendarScheduleRow))).all()
                self._calendar = WorkingCalendar({r.year: _schedule(r) for r in rows})
                self._calendar_revision = revision
        return self._calendar

    async def due(self, item: ServiceItem, submitted_on: date, channel: Channel, case: str | None = None) -> DueDate:
        """SC-2: the due date by the item's time limit (or its exception for `case`, e.g. 个人账户申办)."""
        calendar = await self.calendar()
        limit = item.time_limit.for_case(case) if case else item.time_limit
        return due_date(limit, submitted_on, online=channel not in WINDOW_CHANNELS, calendar=calendar)

    async def load_schedule(self, call: Call, schedule: YearSchedule) -> None:
        """SC-2: an operator loads a year's official holiday schedule; it wins over the package."""
        access.require(call.actor, "cli.loadCalendarSchedule")
        async with self.db.write(call.audit("loadCalendarSchedule")) as session:
            row = await session.get(CalendarScheduleRow, schedule.year) or CalendarScheduleRow(year=schedule.year)
            row.source = schedule.source
            row.holidays = sorted(d.isoformat() for d in schedule.holidays)
            row.workdays = sorted(d.isoformat() for d in schedule.workdays)
            row.loaded_at, row.loaded_by = datetime.now(UTC), call.actor.label
            session.add(row)
        self._calendar = None  # this process re-reads at once; others see the new revision


def _schedule(row: CalendarScheduleRow) -> YearSchedule:
    return YearSchedule(
        year=row.year, source=row.source,
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        workdays=frozenset(date.fromisoformat(d) for d in row.workdays),
    )
