"""Kaiping's shipped reference data: institutions (seed 001), towns (KP-8), agencies (seed 003)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from yibao.core.domain import ReferenceData
from yibao.core.reference import load_reference_dir

DATA = Path(__file__).with_name("data")


@cache
def reference() -> ReferenceData:
    return load_reference_dir(DATA, "jiangmen_kaiping")
