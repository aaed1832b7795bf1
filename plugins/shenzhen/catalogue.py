"""Seed 002's "深圳市按当地规定执行" items as Shenzhen applies them (the yibao_service_item hook).

The province's data says only that some cities follow local rules (`local_rules_note`); the
lines of seed 002 naming 深圳 live here (data/catalogue.json). Shenzhen's version of such an item
puts the seed line back where the seed has it and states it as Shenzhen's process:
GD-12 (参保人员个人账户一次性支取) the five steps 申请－受理－审核－拨付－办结; the others only
"按当地规定执行", nothing invented. Items without such a line stay the province's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from yibao.core.catalogue.items import LocalRule, ProcessKind, ServiceItem

CITY = "shenzhen"
DATA = Path(__file__).with_name("data") / "catalogue.json"


@dataclass(frozen=True, slots=True)
class SeedLine:
    """One line of seed 002 naming Shenzhen, and where it sits in its item."""

    code: str
    seed_field: str  # "handling_modes" or "notes"
    position: int
    text: str
    process_kind: ProcessKind
    steps: tuple[str, ...]


@cache
def seed_lines() -> dict[str, SeedLine]:
    raw = json.loads(DATA.read_text("utf-8"))
    return {r["code"]: SeedLine(r["code"], r["seed_field"], r["position"], r["text"],
                                ProcessKind(r["process_kind"]), tuple(r["steps"])) for r in raw["items"]}


def shenzhen_version(item: ServiceItem) -> ServiceItem:
    line = seed_lines().get(item.code)
    if line is None:
        return item  # no Shenzhen note: the province's item
    if line.seed_field not in ("handling_modes", "notes"):
        raise ValueError(f"{item.code}: unknown seed field {line.seed_field!r}")
    restored = list(getattr(item, line.seed_field))
    if line.text not in restored:
        restored.insert(min(line.position, len(restored)), line.text)
    return replace(
        item,
        **{line.seed_field: tuple(restored)},
        process=line.steps or (line.text,),
        process_kind=line.process_kind,
        local_rules=(*item.local_rules, LocalRule(CITY, line.text, line.process_kind, line.steps)),
    )
