"""江门市开平市 (440783): two-tier general-outpatient selection, seeds 001 and 003.

Identity and reference data; the KP rules arrive with their own issue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from yibao.core.domain import CityInfo, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.reference import load_reference_dir

CITY = CityInfo(code="jiangmen_kaiping", name="江门市开平市", division_code="440783")
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
