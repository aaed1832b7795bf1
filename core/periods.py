"""Calendar arithmetic the rules share."""

from __future__ import annotations

from datetime import date, timedelta


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
