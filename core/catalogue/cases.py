"""Cases: "one of these, depending on the case" (SC-3, SC-5), as data.

Some items ask for different materials, or run under a different time limit, depending on the
applicant's case, and the seed writes it in one line:
- GD-28 / GD-29: "病历资料（门诊）/出院记录（住院）": outpatient brings the medical record,
  inpatient the discharge record;
- GD-02-3: "个人账户申办/变更/资金归集": 个人账户申办 needs 有效身份证件 itself (not the e-voucher or
  card) and runs 8 working days instead of 30.
An applicant must name exactly one option (`details.case`); the option is then the one switch for
both the conditional materials (its code is the material condition's code) and the time limit
(its `time_limit_case` picks the item's exception). Declaring an option's code among free `facts`
does nothing: the checker cannot be bypassed by declaring no case or both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaseOption:
    code: str
    """Also the condition code of the materials this case needs."""
    text: str
    text_en: str
    time_limit_case: str | None = None
    """The item's time-limit exception (`TimeLimitException.applies_to`) this case runs under."""


@dataclass(frozen=True, slots=True)
class CaseChoice:
    item_code: str
    question: str
    question_en: str
    options: tuple[CaseOption, ...]
    source: str

    def option(self, given: str) -> CaseOption | None:
        """The option named by its code or its Chinese text."""
        key = given.strip()
        return next((o for o in self.options if key in (o.code, o.text)), None)


_VISIT = (
    CaseOption("outpatient", "门诊", "outpatient: bring the medical record (病历资料)"),
    CaseOption("inpatient", "住院", "inpatient: bring the discharge record (出院记录)"),
)

CASES: dict[str, CaseChoice] = {
    "GD-02-3": CaseChoice(
        "GD-02-3", "办理的是哪一项：个人账户申办、变更还是资金归集", "which one: open, change, or collect funds",
        (
            CaseOption("personal_account_application", "个人账户申办",
                       "opening a personal account: the ID document itself, 8 working days", "个人账户申办"),
            CaseOption("personal_account_change", "个人账户变更", "changing a personal account"),
            CaseOption("personal_account_fund_collection", "资金归集", "collecting personal-account funds"),
        ),
        "seed 002 item 2 (三): 有效身份证件或医保电子凭证或社会保障卡（其中，个人账户申办需凭有效身份证件办理）; "
        "不超过30个工作日（其中，个人账户申办8个工作日）",
    ),
    "GD-28": CaseChoice("GD-28", "门诊还是住院", "outpatient or inpatient", _VISIT,
                        "seed 002 item 28: 病历资料（门诊）/出院记录（住院）"),
    "GD-29": CaseChoice("GD-29", "门诊还是住院", "outpatient or inpatient", _VISIT,
                        "seed 002 item 29: 病历资料（门诊）/出院记录（住院）"),
}

CASE_CODES = frozenset(o.code for c in CASES.values() for o in c.options)


def case_choice(item_code: str) -> CaseChoice | None:
    return CASES.get(item_code)
