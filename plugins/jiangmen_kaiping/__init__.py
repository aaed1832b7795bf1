"""江门市开平市 (440783): two-tier general-outpatient selection with a yearly change window.

Seeds 001 and 003; DOMAIN.md section 5 (KP-1..8). Where each rule lives:
  groups.py         KP-1 groups A / B / children's specialty
  slots.py          KP-2 / KP-3 slots by scheme (2023; the 2022 rules are not public, KP-9)
  change_window.py  KP-4 the yearly change window
  rules.py          KP-4, KP-5 (slot order), KP-6 (old-scheme record) as hooks
  rule_sets.py      the dated 2022 and 2023 rule sets
  filings.py        RF-1 seed 003's filing rules and wording of the materials (异地就医备案)
  data/             KP-7 agencies and phones, KP-8 towns, the 30 institutions of seed 001
"""

from __future__ import annotations

from yibao.core.domain import CityInfo, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.rulesets import RuleSet

from .filings import (  # noqa: F401  (hook implementations: seed 003's filing rules)
    FILING_RULES,
    yibao_filing_required,
    yibao_insured_region,
    yibao_service_item,
)
from .reference import reference
from .rule_sets import RULES
from .rules import (  # noqa: F401  (hook implementations)
    yibao_change_effective_date,
    yibao_first_choice_effective_date,
    yibao_refusal_overrides,
    yibao_selection_slots,
    yibao_validate_selection,
)

CITY = CityInfo(code="jiangmen_kaiping", name="江门市开平市", division_code="440783")


@hookimpl
def yibao_city() -> CityInfo:
    return CITY


@hookimpl
def yibao_reference_data() -> ReferenceData:
    return reference()


@hookimpl
def yibao_rule_sets() -> list[RuleSet]:
    return [*RULES.rule_sets, FILING_RULES]
