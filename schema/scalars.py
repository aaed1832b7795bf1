"""Scalars with the offset a browser needs: `DateTime` is sent in China time with `+08:00`."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import strawberry

CHINA = ZoneInfo("Asia/Shanghai")


def serialize_datetime(value: datetime.datetime) -> str:
    """Stored instants are UTC (SQLite returns them without tzinfo); send them as Asia/Shanghai
    with the offset, so `new Date(value)` in a browser anywhere is the right instant."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(CHINA).isoformat()


def parse_datetime(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a DateTime needs its offset, e.g. 2026-03-10T09:30:00+08:00")
    return parsed


DateTime = strawberry.scalar(
    name="DateTime",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
    description="日期时间，ISO 8601 格式，带时区偏移，以北京时间（Asia/Shanghai，+08:00）表示，"
                "如 2026-03-10T09:30:00+08:00。An instant in ISO 8601 with its offset, given in China "
                "time (Asia/Shanghai, +08:00), e.g. 2026-03-10T09:30:00+08:00.",
)
