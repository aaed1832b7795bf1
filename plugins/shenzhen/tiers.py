"""SZ-1: Shenzhen's schemes and tiers, and who must bind a 社康 (SZ-2).

Employee insurance has tier I (一档) and tier II (二档); resident insurance is the third
(三档 under the old rules). Reading: an employee registered without a tier is treated as tier II
(the tier that must bind), so a missing tier never widens coverage.
"""

from __future__ import annotations

import enum
from datetime import date

from yibao.core.domain import Person, PersonInput, Scheme
from yibao.core.errors import UserError


class Tier(str, enum.Enum):
    EMPLOYEE_I = "EMPLOYEE_I"  # 职工一档: need not bind, covered at every designated institution
    EMPLOYEE_II = "EMPLOYEE_II"  # 职工二档: binds one 社康
    RESIDENT = "RESIDENT"  # 居民（原三档）: binds one 社康


def tier_on(person: Person, day: date) -> Tier | None:
    """The person's Shenzhen tier on `day` (None when not insured that day)."""
    period = person.scheme_period_on(day)
    if period is None:
        return None
    if period.scheme is Scheme.RESIDENT:
        return Tier.RESIDENT
    return Tier.EMPLOYEE_I if period.tier == 1 else Tier.EMPLOYEE_II


def validate_tier(person: PersonInput) -> list[UserError]:
    """SZ-1: employees are tier 1 or 2; residents carry no tier or the old 三档."""
    # tiers outside 1-3 are refused by the province defaults already (INVALID_TIER)
    if person.scheme is Scheme.EMPLOYEE and person.tier == 3:
        return [UserError("INVALID_TIER", "深圳职工医保只有一档和二档（档次填1或2）",
                          "Shenzhen employee insurance has tier 1 or tier 2 only", ("tier",))]
    if person.scheme is Scheme.RESIDENT and person.tier in (1, 2):
        return [UserError("INVALID_TIER", "深圳居民医保不分一、二档（档次不填或填3，即原三档）",
                          "Shenzhen resident insurance takes no tier, or 3 (the old third tier)", ("tier",))]
    return []
