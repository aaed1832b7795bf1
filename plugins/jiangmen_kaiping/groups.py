"""KP-1: Kaiping's groups of general-outpatient institutions (seed 001).

A = 一级及以下, B = 二级或三级; children's specialty institutions (儿童专科) form a third kind.
The group follows from an institution's level and specialties, which are data.
"""

from __future__ import annotations

import enum

from yibao.core.domain import Institution, InstitutionLevel

CHILDREN = "儿童"  # the specialty tag of 儿童专科定点医疗机构
CHILDREN_HOSPITAL = "儿童医院"  # the category of a children's hospital
JIANGMEN = "4407"  # GB/T 2260 prefix of 江门市: KP-2/3 choose "in Jiangmen"


class Group(str, enum.Enum):
    A = "A"  # 一级及以下定点医疗机构
    B = "B"  # 二级或三级定点医疗机构


GROUP_ZH = {Group.A: "一级及以下定点医疗机构（A组）", Group.B: "二级或三级定点医疗机构（B组）"}


def group_of(inst: Institution) -> Group:
    return Group.A if inst.level is InstitutionLevel.LEVEL_1_OR_BELOW else Group.B
