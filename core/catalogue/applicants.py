"""Who may apply for a catalogue item (SC-1 服务对象), as data with the seed's words.

`submitApplication` files an application for one insured person. Some items are not that:
- a parent item that only groups sub-items (e.g. GD-02 职工参保登记: apply for GD-02-1…GD-02-4);
- items done through the tax authority's payment data, with no application (办理流程
  "通过采集税务部门的缴费登记信息办理": GD-01, GD-02-1, GD-04, GD-05);
- the selection items (GD-21 门特, GD-22 普通门诊, GD-25 产检 选定): made with selectInstitution,
  which decides the slot and the effective date;
- items whose 服务对象 is a unit (参保单位), a medical institution (医疗机构) or a retail pharmacy
  (零售药店): 定点申请 and 费用结算 are not a person's application.
Items whose 服务对象 is the employee scheme are refused to a person not insured as an employee
on the day of the application.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .items import ProcessKind, ServiceItem


class Applicant(str, enum.Enum):
    PERSON = "PERSON"  # 参保人员 (any scheme)
    EMPLOYEE = "EMPLOYEE"  # 职工基本医疗保险参保人员
    UNIT = "UNIT"  # 参保单位
    INSTITUTION = "INSTITUTION"  # 医疗机构
    PHARMACY = "PHARMACY"  # 零售药店


APPLICANTS: dict[str, tuple[Applicant, str]] = {
    # code: (who, the seed's 服务对象 or the reason)
    "GD-01": (Applicant.UNIT, "单位参保登记"),
    "GD-04": (Applicant.UNIT, "单位参保信息变更登记"),
    "GD-07": (Applicant.UNIT, "职工基本医疗保险参保单位"),
    "GD-02-2": (Applicant.EMPLOYEE, "职工医保退休待遇核定（职工参保登记子项）"),
    "GD-02-3": (Applicant.EMPLOYEE, "个人账户申办/变更/资金归集（职工参保登记子项）"),
    "GD-02-4": (Applicant.EMPLOYEE, "个人账户家庭共济关系绑定/解绑（职工参保登记子项）"),
    "GD-12": (Applicant.EMPLOYEE, "职工基本医疗保险参保人员"),
    "GD-19": (Applicant.EMPLOYEE, "符合国家生育政策的职工基本医疗保险参保人员"),
    "GD-28": (Applicant.EMPLOYEE, "参加生育保险女职工、参加生育保险的男职工"),
    "GD-32": (Applicant.INSTITUTION, "医疗机构"),
    "GD-34": (Applicant.INSTITUTION, "医疗机构"),
    "GD-33": (Applicant.PHARMACY, "零售药店"),
    "GD-35": (Applicant.PHARMACY, "零售药店"),
}

SELECTION_ITEM_CODES = ("GD-21", "GD-22", "GD-25")
"""Made with selectInstitution (SE-5), not submitApplication."""

APPLICANT_ZH = {Applicant.UNIT: "参保单位", Applicant.INSTITUTION: "医疗机构", Applicant.PHARMACY: "零售药店"}


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """Why no person's application can be filed for an item, with its code, in Chinese and English."""

    code: str
    zh: str
    en: str


def applicant(item: ServiceItem) -> tuple[Applicant, str]:
    return APPLICANTS.get(item.code, (Applicant.PERSON, item.serves or "基本医疗保险参保人员"))


def not_applicable(item: ServiceItem) -> NotApplicable | None:
    """Why `item` takes no application from a person, or None when it does."""
    if item.process_kind is ProcessKind.SUB_ITEMS:
        subs = "、".join(item.sub_item_codes)
        return NotApplicable("ITEM_NOT_APPLICABLE", f"“{item.name}”包含多个子项，请选择具体子项办理（{subs}）",
                             f"{item.code} only groups sub-items; apply for one of {', '.join(item.sub_item_codes)}")
    if item.process_kind is ProcessKind.TAX_DATA_COLLECTION:
        return NotApplicable("ITEM_NOT_APPLICABLE", f"“{item.name}”通过采集税务部门的缴费登记信息办理，无需提交申请",
                             f"{item.code} is done from the tax authority's payment records; no application is filed")
    if item.code in SELECTION_ITEM_CODES:
        return NotApplicable("ITEM_NOT_APPLICABLE", f"“{item.name}”请通过门诊选点登记办理（选定机构后即按规则生效或进入审核）",
                             f"{item.code} is made with selectInstitution, which records the choice")
    who, serves = applicant(item)
    if who in APPLICANT_ZH:
        return NotApplicable("APPLICANT_NOT_ELIGIBLE", f"“{item.name}”的服务对象是{APPLICANT_ZH[who]}（{serves}），不能以参保人名义申请",
                             f"{item.code} serves a {who.value.lower()}, not an insured person")
    return None
