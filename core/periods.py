"""Calendar arithmetic the rules share."""

from __future__ import annotations

from datetime import date, timedelta


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (2026-08-31 + 6 → 2027-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (first_of_next_month(date(year, month, 1)) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
