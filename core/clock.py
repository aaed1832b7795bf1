"""The business date. Rules receive "today" from here, never from date.today()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from .errors import BadArgument

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUSINESS_DATE_HEADER = "x-business-date"


_day: tuple[float, date] = (0.0, date.min)  # (when the cached day ends, epoch seconds; the day)


def shanghai_today() -> date:
    """Today in Asia/Shanghai. Asked on every request: the day is kept until its midnight passes,
    so most calls compare two floats instead of converting the time zone."""
    global _day
    now = time.time()
    ends, day = _day
    if now < ends:
        return day
    current = datetime.fromtimestamp(now, SHANGHAI)
    midnight = datetime.combine(current.date() + timedelta(days=1), dtime.min, SHANGHAI)
    _day = (midnight.timestamp(), current.date())
    return current.date()


@dataclass(frozen=True, slots=True)
class Clock:
    """Answers "today" for a request.

    Without training mode the header is ignored; with it, `X-Business-Date: YYYY-MM-DD`
    becomes today for that request (CONTRACT: training mode).
    """

    training: bool = False
    source: Callable[[], date] = shanghai_today

    def today(self, headers: Mapping[str, str] | None = None) -> date:
        if self.training and headers:
            raw = headers.get(BUSINESS_DATE_HEADER)
            if raw:
                try:
                    return date.fromisoformat(raw.strip())
                except ValueError:
                    raise BadArgument(
                        f"X-Business-Date 应为 YYYY-MM-DD：{raw!r}",
                        f"X-Business-Date must be YYYY-MM-DD, got {raw!r}",
                        "BAD_BUSINESS_DATE",
                    ) from None
        return self.source()
