"""办理时限 → a due date (SC-2), with bilingual notes and a flag when weekdays stood in for holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import WorkingCalendar
from .items import TimeLimit, TimeLimitKind


@dataclass(frozen=True, slots=True)
class DueDate:
    """When an application is due (办结期限); `date` is None when the item states no limit."""

    date: date | None
    kind: TimeLimitKind
    days: int | None
    fallback: bool
    """True when a counted day lies in a year known only by the Monday-Friday fallback."""
    note_zh: str
    note_en: str


def _fallback_notes(years: tuple[int, ...]) -> tuple[str, str]:
    zh = "、".join(str(y) for y in years)
    en = ", ".join(str(y) for y in years)
    return (
        f"{zh}年的法定节假日安排尚未载入，按周一至周五计算工作日",
        f"no official holiday schedule loaded for {en}; working days counted as Monday to Friday",
    )


def _working(
    days: int, submitted_on: date, calendar: WorkingCalendar, zh: str, en: str, kind: TimeLimitKind
) -> DueDate:
    due = calendar.add_working_days(submitted_on, days)
    years = calendar.weekday_fallback_years(submitted_on + timedelta(days=1), due) if days else ()
    if years:
        extra_zh, extra_en = _fallback_notes(years)
        zh, en = f"{zh}；{extra_zh}", f"{en}; {extra_en}"
    return DueDate(due, kind, days, bool(years), zh, en)


def due_date(limit: TimeLimit, submitted_on: date, *, online: bool, calendar: WorkingCalendar) -> DueDate:
    """The due date of an application submitted on `submitted_on` (SC-2).

    Working days are counted from the day after submission: N working days means the N-th
    working day after `submitted_on` (WorkingCalendar.add_working_days). Natural days are plain
    calendar days. `online` matters only for 窗口即时办结/线上不超过N个工作日.
    """
    kind, days = limit.kind, limit.days
    match kind:
        case TimeLimitKind.IMMEDIATE:
            return DueDate(submitted_on, kind, None, False, "即时办结", "completed immediately")
        case TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS if not online:
            return DueDate(submitted_on, kind, days, False, "窗口即时办结", "at the window: completed immediately")
        case TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS:
            assert days is not None
            return _working(
                days, submitted_on, calendar, f"线上不超过{days}个工作日",
                f"online: within {days} working days", kind,
            )
        case TimeLimitKind.WORKING_DAYS:
            assert days is not None
            return _working(
                days, submitted_on, calendar, f"不超过{days}个工作日", f"within {days} working days", kind
            )
        case TimeLimitKind.NATURAL_DAYS:
            assert days is not None
            # 民法典 第二百零三条: a period whose last day is a rest day ends on the next working day
            end = submitted_on + timedelta(days=days)
            last, zh, en = end, f"不超过{days}个自然日", f"within {days} calendar days"
            while not calendar.is_working_day(end):
                end += timedelta(days=1)
            if end != last:
                zh += f"（期限最后一日{last.isoformat()}为休息日，顺延至{end.isoformat()}）"
                en += f" (the last day {last.isoformat()} is a rest day; extended to {end.isoformat()})"
            years = calendar.weekday_fallback_years(last, end) if end != last else ()
            return DueDate(end, kind, days, bool(years), zh, en)
        case _:
            return DueDate(None, kind, None, False, "未规定办理时限", "no time limit stated")
