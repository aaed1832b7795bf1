"""中山市 (442000): community outpatient selection (社区门诊选点), ZS-1..7, seed 000.

The rules themselves live in `rules.py`; this module is the plugin pluggy registers.
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
    yibao_selection_needs_review,
    yibao_selection_slots,
    yibao_validate_selection,
)

CITY = CityInfo(code="zhongshan", name="中山市", division_code="442000")
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
        id="zhongshan-community-outpatient",
        city=CITY.code,
        valid_from=None,
        valid_to=None,
        source="seed 000 如何办理定点医院选点中山",
        rules=("ZS-1", "ZS-2", "ZS-3", "ZS-4", "ZS-5", "ZS-6", "ZS-7"),
    )]
