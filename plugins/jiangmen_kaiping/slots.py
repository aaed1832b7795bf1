"""Kaiping's general-outpatient slots by scheme, under the 2022 and the 2023 rules (seed 001)."""

from __future__ import annotations

from yibao.core.domain import InstitutionLevel, Scheme, Slot

from .groups import CHILDREN, CHILDREN_HOSPITAL, JIANGMEN

L1 = (InstitutionLevel.LEVEL_1_OR_BELOW,)
L23 = (InstitutionLevel.LEVEL_2, InstitutionLevel.LEVEL_3)

# 2023 rules.
# KP-2: employees choose one institution in A and one in B, anywhere in Jiangmen.
EMPLOYEE_2023 = (
    Slot("A", "一级及以下定点医疗机构（A组）", "level 1 or below (group A)", JIANGMEN, levels=L1, rule="KP-2"),
    Slot("B", "二级或三级定点医疗机构（B组）", "level 2 or 3 (group B)", JIANGMEN, levels=L23, rule="KP-2"),
)
# KP-3: residents choose one institution, in A or a children's specialty institution, in Jiangmen.
RESIDENT_2023 = (
    Slot("GENERAL", "一级及以下或儿童专科定点医疗机构", "level 1 or below, or a children's specialty institution",
         JIANGMEN, levels=L1, categories=(CHILDREN_HOSPITAL,), specialties=(CHILDREN,), rule="KP-3"),
)
# KP-3 reading: the children's specialty option is for insured children (CHILD_AGE_LIMIT in
# rules.py); an adult resident's one slot is level 1 or below. The slot keeps its key.
RESIDENT_ADULT_2023 = (
    Slot("GENERAL", "一级及以下定点医疗机构", "level 1 or below", JIANGMEN, levels=L1, rule="KP-3"),
)

# 2022 rules: seed 001 says only that they differ from 2023's ("2022 年和 2023 年的普通门诊选点规定
#不一样"); the 2022 classification is not public (KP-9) and no 2022 rule allowing "two of any
# level" is stated (KP-5). So no 2022 slot is modelled: 2022 records arrive by import as they were
# (`yibao persons import`), and the 2023 rules judge them from 2023-01-01.
EMPLOYEE_2022: tuple[Slot, ...] = ()
RESIDENT_2022: tuple[Slot, ...] = ()

SLOTS = {
    "2022": {Scheme.EMPLOYEE: EMPLOYEE_2022, Scheme.RESIDENT: RESIDENT_2022},
    "2023": {Scheme.EMPLOYEE: EMPLOYEE_2023, Scheme.RESIDENT: RESIDENT_2023},
}
