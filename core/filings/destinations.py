"""Destinations (就医地) as GB/T 2260 division codes, checked against python-stdnum's division table."""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import numdb

from ..errors import UserError
from .domain import Destination

_CODE = re.compile(r"^\d{6}$")
_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


def _current_name(raw: str) -> str | None:
    """The name in force today of a table entry like "[1983-1993]某县,[1993-]某市" (None: withdrawn)."""
    current = None
    for part in raw.split(","):
        match = _PERIOD.match(part.strip())
        if match is None:
            current = part.strip() or current
        elif match.group(2) is None:
            current = match.group(3).strip()
    return current


@lru_cache(maxsize=4096)
def lookup(code: str) -> Destination | None:
    """A current division for a 6-digit code, or None when unknown or withdrawn."""
    if not _CODE.match(code):
        return None
    found = numdb.get("cn/loc").info(code)
    if len(found) < 2 or not found[0][1].get("province") or not found[1][1].get("county"):
        return None
    province = found[0][1]["province"]
    name = _current_name(found[1][1]["county"])
    if name is None or name == "市辖区":
        return None
    if code.endswith("0000"):
        level = "PROVINCE"
    elif code.endswith("00"):
        level = "CITY"
    else:
        level = "COUNTY"
    return Destination(code=code, name=name, province_code=code[:2], province_name=province, level=level)


def region_prefix(division_code: str) -> str:
    """The prefix of every code inside a division: 440000 → 44, 440700 → 4407, 440783 → 440783."""
    if division_code.endswith("0000"):
        return division_code[:2]
    if division_code.endswith("00"):
        return division_code[:4]
    return division_code


def check_destination(code: str) -> tuple[Destination | None, list[UserError]]:
    text = (code or "").strip()
    if not _CODE.match(text):
        return None, [UserError(
            "INVALID_DESTINATION", "就医地须为6位行政区划代码（GB/T 2260），如 440300",
            "destination must be a 6-digit GB/T 2260 division code, e.g. 440300", ("destination",))]
    found = lookup(text)
    if found is None:
        return None, [UserError(
            "UNKNOWN_DESTINATION", f"未知或已撤销的行政区划代码：{text}",
            f"{text} is not a current GB/T 2260 division (province, city or county)", ("destination",))]
    return found, []
