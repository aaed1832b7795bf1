"""KP-6 / KP-7: whom to phone, read from the agency data (seed 003), not written into messages."""

from __future__ import annotations

from functools import cache

from .reference import reference

CENTRAL_AGENCY = "开平市医疗保障事业管理中心"


@cache
def benefit_phones() -> str:
    """The 待遇组 numbers of the city agency, e.g. "2256983、2259876"."""
    agency = next(a for a in reference().agencies if a.name == CENTRAL_AGENCY)
    return "、".join(p.number for p in agency.phones)
