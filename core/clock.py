"""The business date. Rules receive "today" from here, never from date.today()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .errors import BadArgument

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUSINESS_DATE_HEADER = "x-business-date"


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


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
