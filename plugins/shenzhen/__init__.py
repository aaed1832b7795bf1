"""深圳市 (440300): identity and reference data; 社康 binding (SZ-1..5) arrives with its own issue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from yibao.core.domain import CityInfo, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.reference import load_reference_dir

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
