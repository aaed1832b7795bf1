"""The Chinese working-day calendar (工作日) for due dates (SC-2).

A day's status comes from, in order:

1. a schedule the operator loaded for that year (国务院办公厅关于YYYY年部分节假日安排的通知,
   as data: holidays 放假 and adjusted working days 调休上班);
2. the `chinese_calendar` package, which ships the official schedules it knows. Version 1.11.0
   covers 2004 to 2026 inclusive (its data ends with 2026-10-07 国庆 and the 调休 workday
   2026-10-10) and raises NotImplementedError for any other year; newer versions add years and
   are picked up without code changes, since coverage is asked of the package at run time;
3. otherwise Monday to Friday (the weekday fallback), so no year ever fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

try:
    import chinese_calendar
except ImportError:  # pragma: no cover - a declared dependency; weekdays still work without it
    chinese_calendar = None

Coverage = Literal["loaded", "chinese_calendar", "weekdays"]


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's official holiday arrangement: 放假 days and 调休 working days (weekend workdays)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        for label, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            stray = sorted(d for d in days if d.year != self.year)
            if stray:
                raise ValueError(
                    f"schedule for {self.year}: {label} has dates outside {self.year}: "
                    + ", ".join(d.isoformat() for d in stray)
                )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(
                f"schedule for {self.year}: dates both holiday and workday: " + ", ".join(d.isoformat() for d in both)
            )

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@lru_cache(maxsize=None)
def _package_covers(year: int) -> bool:
    if chinese_calendar is None:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Answers "is this a working day?" for any date, never failing for an unknown year (SC-2)."""

    schedules: Mapping[int, YearSchedule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for year, schedule in self.schedules.items():
            if year != schedule.year:
                raise ValueError(f"schedule for {schedule.year} filed under year {year}")
        object.__setattr__(self, "schedules", MappingProxyType(dict(self.schedules)))

    def with_schedule(self, schedule: YearSchedule) -> WorkingCalendar:
        """A new calendar with this year's schedule loaded (replacing any loaded before)."""
        return replace(self, schedules={**self.schedules, schedule.year: schedule})

    def coverage(self, year: int) -> Coverage:
        if year in self.schedules:
            return "loaded"
        if _package_covers(year):
            return "chinese_calendar"
        return "weekdays"

    def is_working_day(self, day: date) -> bool:
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        if _package_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; the day of submission itself never counts.

        n = 0 gives `start`. E.g. submitted Wednesday 2026-09-30 with n = 2: 10-01..10-07 are the
        National Day holiday, so 10-08 is the first working day and 10-09 the second.
        """
        if n < 0:
            raise ValueError(f"number of working days must be >= 0, got {n}")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def weekday_fallback_years(self, first: date, last: date) -> tuple[int, ...]:
        """Years from `first` to `last` (inclusive) that only the Monday-Friday fallback covers."""
        return tuple(y for y in range(first.year, last.year + 1) if self.coverage(y) == "weekdays")


def _dates(raw: object, label: str) -> Iterable[date]:
    if not isinstance(raw, list):
        raise ValueError(f"schedule: {label} must be a list of YYYY-MM-DD dates")
    for value in raw:
        try:
            yield date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"schedule: {label} has {value!r}, expected a YYYY-MM-DD date") from None


def parse_schedule(json_text: str | bytes) -> YearSchedule:
    """An operator's year schedule file (the year's official 节假日安排) → YearSchedule.

    Shape: {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": ["2027-01-01", …], "workdays": ["2027-02-07", …]}. Raises ValueError when a key
    is missing, a date lies outside the year, or a date is both a holiday and a workday.
    """
    try:
        raw = json.loads(json_text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"schedule: not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError("schedule: expected a JSON object with year, source, holidays and workdays")
    absent = [key for key in ("year", "source", "holidays", "workdays") if key not in raw]
    if absent:
        raise ValueError(f"schedule: missing {', '.join(absent)}")
    year, source = raw["year"], raw["source"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
        raise ValueError(f"schedule: year must be an integer year, got {year!r}")
    if not isinstance(source, str) or not source.strip():
        raise ValueError("schedule: source must name the official notice")
    return YearSchedule(
        year=year,
        holidays=frozenset(_dates(raw["holidays"], "holidays")),
        workdays=frozenset(_dates(raw["workdays"], "workdays")),
        source=source.strip(),
    )
