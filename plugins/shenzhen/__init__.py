"""深圳市 (440300): 社康 binding through a settlement hospital (SZ-1..5, DOMAIN.md section 7).

Where each rule lives:
  tiers.py            SZ-1 tiers (一档, 二档, 居民) and who must bind
  binding.py          SZ-2 one 社康; under 14 also a hospital of level 2 or below; refusals that say why
  coverage.py         SZ-3 the bound 社康, its 结算医院 and every 社康 under it (a network filter)
  effective_dates.py  SZ-4 first binding at once; the cut-off day; children's and students' changes
  settings.py         SZ-4's cut-off day and exemptions as operator settings
  catalogue.py        seed 002's "深圳市按当地规定执行" items, Shenzhen's version (yibao_service_item)
  rules.py            the hook implementations
  data/               SZ-5 districts, settlement hospitals and the 社康 under them
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from yibao.core.domain import CityInfo, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.reference import load_reference_dir
from yibao.core.rulesets import RuleSet

from .rules import (  # noqa: F401  (hook implementations)
    yibao_change_effective_date,
    yibao_coverage,
    yibao_first_choice_effective_date,
    yibao_refusal_overrides,
    yibao_selection_slots,
    yibao_service_item,
    yibao_settings,
    yibao_validate_person,
    yibao_validate_selection,
)

CITY = CityInfo(code="shenzhen", name="深圳市", division_code="440300")
DATA = Path(__file__).with_name("data")


@hookimpl
def yibao_city() -> CityInfo:
    return CITY


@cache
def _reference() -> ReferenceData:
    return load_reference_dir(DATA, CITY.code)


@hookimpl
def yibao_reference_data() -> ReferenceData:
    return _reference()


@hookimpl
def yibao_rule_sets() -> list[RuleSet]:
    return [RuleSet(
        id="shenzhen-shekang-binding",
        city=CITY.code,
        valid_from=None,
        valid_to=None,
        source="DOMAIN.md section 7 (public sources, not a seed; SZ-4's cut-off and exemptions are settings)",
        rules=("SZ-1", "SZ-2", "SZ-3", "SZ-4", "SZ-5"),
    )]
