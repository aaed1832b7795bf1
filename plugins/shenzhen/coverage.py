"""SZ-3 coverage as network filters: the bound 社康, its settlement hospital (结算医院) and every
社康 under that hospital. Tier I (SZ-2) is covered at every designated institution without binding."""

from __future__ import annotations

from datetime import date

from yibao.core.domain import InstitutionFilter, NetworkKind, Person, Selection

from .binding import SHEKANG
from .tiers import Tier, tier_on

CITY = "shenzhen"


def filters(person: Person, selections: list[Selection], on: date) -> list[InstitutionFilter]:
    if tier_on(person, on) is Tier.EMPLOYEE_I:
        return [InstitutionFilter(city=CITY, whole_city=True, rule="SZ-2")]
    out = []
    for s in selections:
        inst = s.institution
        hospitals = inst.networks_of(NetworkKind.SETTLEMENT_HOSPITAL) if inst.category == SHEKANG else ()
        if not hospitals:
            # a child's hospital, or a 社康 whose settlement hospital is not in the data: itself only
            out.append(InstitutionFilter(city=CITY, codes=(inst.code,), rule="SZ-3"))
            continue
        out.append(InstitutionFilter(  # the bound 社康 and its settlement hospital(s) by code …
            city=CITY, codes=(inst.code, *(h.id for h in hospitals)), rule="SZ-3"))
        out.append(InstitutionFilter(  # … and every 社康 of those hospitals' networks
            city=CITY, networks=tuple(h.ref for h in hospitals), categories=(SHEKANG,), rule="SZ-3"))
    return out
