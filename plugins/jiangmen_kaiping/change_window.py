"""KP-4: Kaiping's yearly change window (seed 001: "参保人在 2022 年 10 月至 12 月期间可变更选定
2023 年普通门诊定点医疗机构，逾期则不能变更").

Changes for year Y+1 may be made from 1 October to 31 December of year Y and take effect on
1 January of Y+1. A first choice for an empty slot may be made at any time and is immediate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yibao.core.errors import UserError


@dataclass(frozen=True, slots=True)
class ChangeWindow:
    """The window as data: months and days within a year, and when its changes take effect."""

    opens: tuple[int, int] = (10, 1)  # 1 October
    closes: tuple[int, int] = (12, 31)  # 31 December
    rule: str = "KP-4"

    def is_open(self, today: date) -> bool:
        return date(today.year, *self.opens) <= today <= date(today.year, *self.closes)

    def effective_date(self, today: date) -> date:
        """A change made in the window of year Y takes effect on 1 January of Y+1."""
        return date(today.year + 1, 1, 1)

    def next_opening(self, today: date) -> date:
        this_year = date(today.year, *self.opens)
        return this_year if today < this_year else date(today.year + 1, *self.opens)

    def refusal(self, today: date, phones: str) -> UserError:
        opens = self.next_opening(today)
        return UserError(
            "OUTSIDE_CHANGE_WINDOW",
            f"普通门诊定点只能在每年10月1日至12月31日变更，次年1月1日生效，逾期则不能变更。"
            f"下一次变更时间为{opens.year}年10月1日至12月31日（{opens.year + 1}年1月1日生效）。"
            f"新参保人首次选点不受此限。咨询电话：{phones}",
            f"general-outpatient choices can only be changed from 1 October to 31 December, taking effect on "
            f"1 January; the next window opens on {opens.isoformat()} (for {opens.year + 1}). "
            f"A first choice for an empty slot is not limited. Enquiries: {phones}",
            ("institutionCode",),
            next_possible_on=opens,
            phones=tuple(phones.split("、")),
        )


WINDOW = ChangeWindow()
