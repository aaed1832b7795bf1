"""Slot.codes (issue 11): a slot names institutions one by one, beside levels, categories and specialties."""

from __future__ import annotations

from yibao.core.domain import Institution, InstitutionLevel, Slot


def inst(code: str, division: str = "449900", level=InstitutionLevel.LEVEL_2, category: str = "医院") -> Institution:
    return Institution(code=code, name=code, city="x", level=level, category=category, division_code=division)


def test_a_named_institution_fits_whatever_its_level_or_category():
    slot = Slot("H", "指定医院", "listed hospitals", "4499", categories=("社区卫生服务中心",), codes=("H44990000002",))
    assert slot.accepts(inst("H44990000002"))  # by code
    assert slot.accepts(inst("H44990000009", category="社区卫生服务中心"))  # by category, as before
    assert not slot.accepts(inst("H44990000003"))  # neither


def test_codes_alone_accept_only_those_institutions_and_the_region_still_applies():
    slot = Slot("H", "指定医院", "listed hospitals", "4499", codes=("H44990000002", "H44200000001"))
    assert slot.accepts(inst("H44990000002"))
    assert not slot.accepts(inst("H44990000003"))  # not named: a slot with codes is no longer "any institution"
    assert not slot.accepts(inst("H44200000001", division="442000"))  # named, but outside the slot's region


def test_a_slot_with_no_axis_still_takes_every_institution_of_its_region():
    assert Slot("ANY", "任意", "any", "4499").accepts(inst("H44990000004", level=InstitutionLevel.LEVEL_3))
