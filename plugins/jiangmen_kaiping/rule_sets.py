"""Kaiping's dated rule sets: the 2022 rules until 31 December 2022, the 2023 rules from 1 January 2023."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yibao.core.domain import Scheme, Slot
from yibao.core.rulesets import Dated, RuleSet

from .slots import SLOTS

CITY = "jiangmen_kaiping"


@dataclass(frozen=True, slots=True)
class KaipingRules:
    slots: dict[Scheme, tuple[Slot, ...]]
    slot_order: bool
    """KP-5 applies: employees must move toward one A and one B."""


RULES_2022 = RuleSet(
    id="kaiping-2022", city=CITY, valid_from=None, valid_to=date(2022, 12, 31),
    source="seed 001: 2022 年和 2023 年的普通门诊选点规定不一样 (the 2022 rules are not public: records by import, KP-9)",
    rules=("KP-4", "KP-6", "KP-9"),
)
RULES_2023 = RuleSet(
    id="kaiping-2023", city=CITY, valid_from=date(2023, 1, 1), valid_to=None,
    source="seed 001: 2023 年普通门诊定点简介; seed 003",
    rules=("KP-1", "KP-2", "KP-3", "KP-4", "KP-5", "KP-6", "KP-7", "KP-8"),
)

RULES: Dated[KaipingRules] = Dated([
    (RULES_2022, KaipingRules(SLOTS["2022"], slot_order=False)),
    (RULES_2023, KaipingRules(SLOTS["2023"], slot_order=True)),
])
