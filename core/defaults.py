"""Province-wide defaults, written as a plugin so the core has no special path.

Every hook here is trylast: a city plugin's answer comes first and, for deciding hooks, wins.
"""

from __future__ import annotations

from datetime import date

from .domain import (
    InstitutionFilter,
    Person,
    Scheme,
    PersonInput,
    Selection,
    SelectionKind,
    SelectionRequest,
    Slot,
)
from .errors import UserError
from .filings.province import (  # noqa: F401  (the province's filing rules, registered with these defaults)
    yibao_filing_benefits,
    yibao_filing_required,
    yibao_filing_terms,
    yibao_insured_region,
    yibao_validate_filing,
)
from .hookspecs import hookimpl

REFUSAL_CODES: dict[str, str] = {
    "USE_REMOTE_FILING": "RF-4: a REMOTE choice is made together with a remote-treatment filing",
    "NOT_INSURED": "the person has no scheme in force on the request day",
    "INSTITUTION_OTHER_CITY": "the institution belongs to another city than the person's",
    "INSTITUTION_WITHDRAWN": "the institution was withdrawn (no longer shipped or imported) on or before the request day",
    "INSTITUTION_NOT_ELIGIBLE": "the institution does not offer the kind, or fits none of the person's slots "
                                "(the message lists the slots' labels)",
    "PENDING_CHANGE_EXISTS": "the record being changed already has a pending change",
    "SAME_INSTITUTION": "the change names the institution already selected",
    "NOT_ENTITLED": "SE-1: 产检 without the maternity-insurance basis (a woman under the employee scheme), "
                    "or 门特 without an approved GD-20 recognition of a special disease",
}
"""Every code `yibao_validate_selection` of the defaults refuses with, and when (docs/plugins.md).

A city may silence or reword any of them with `yibao_refusal_overrides`."""

KIND_ZH = {
    SelectionKind.GENERAL_OUTPATIENT: "普通门诊",
    SelectionKind.SPECIAL_DISEASE: "门特",
    SelectionKind.PRENATAL: "产检",
    SelectionKind.REMOTE: "异地",
}


@hookimpl(trylast=True)
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot]:
    # Seed 002 item 22: the choice is made among institutions "市内" (of the insured city);
    # without a city rule a person has one slot per kind.
    return [Slot(key=kind.value, label=KIND_ZH[kind], label_en=kind.value.replace("_", " ").lower(), region="")]


@hookimpl(trylast=True)
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    errors: list[UserError] = []
    inst = request.institution
    if request.kind is SelectionKind.REMOTE:
        # RF-4: the outpatient choice at a remote destination is made with the remote filing.
        errors.append(UserError(
            "USE_REMOTE_FILING",
            "异地门诊选点须随异地长期备案一并办理：请通过 fileRemoteTreatment 提交备案（类型为异地安置退休、"
            "异地长期居住或常驻异地工作），在 outpatientInstitutionCodes / outpatientChoices 中填写就医地的"
            "定点医疗机构（职工：一家一级及以下，可再选一家二级或三级；居民：一家一级及以下），备案通过后生效",
            "a remote outpatient choice is made with a long-term remote-treatment filing: file it with "
            "fileRemoteTreatment (RETIREE_RESETTLED, LONG_TERM_RESIDENT or STATIONED_WORKER) naming the "
            "institutions at the destination in outpatientInstitutionCodes / outpatientChoices (employees one "
            "level-1-or-below and optionally one level 2/3, residents one level-1-or-below); they take effect "
            "when the filing is approved", ("kind",)))
    if request.scheme is None:
        errors.append(UserError(
            "NOT_INSURED", "该参保人当日没有有效的参保记录，不能选点",
            "the person has no insurance scheme in force today and cannot select", ("idNumber",)))
    unmet = _preconditions(request)
    if unmet is not None:  # SE-1
        errors.append(UserError("NOT_ENTITLED", unmet[0], unmet[1], ("kind",)))
    if inst.withdrawn_on is not None and inst.withdrawn_on <= request.today:
        # Reference data lifecycle: a withdrawn institution keeps its history but takes no new selections.
        errors.append(UserError(
            "INSTITUTION_WITHDRAWN",
            f"{inst.name}已于{inst.withdrawn_on.isoformat()}退出定点医疗机构名单，不能再选定，请选择其他机构",
            f"{inst.code} left the list of designated institutions on {inst.withdrawn_on.isoformat()} "
            "and cannot be chosen; choose another institution",
            ("institutionCode",)))
    if inst.city != request.person.city:
        errors.append(UserError(
            "INSTITUTION_OTHER_CITY", f"{inst.name}不属于参保地的定点医疗机构，只能在参保地内选点",
            f"{inst.code} is not an institution of the person's insured city; choose one in that city",
            ("institutionCode",)))
    elif request.kind not in inst.services:
        errors.append(UserError(
            "INSTITUTION_NOT_ELIGIBLE", f"{inst.name}不提供{KIND_ZH[request.kind]}定点服务",
            f"{inst.code} does not offer {request.kind.value} as a designated service",
            ("institutionCode",)))
    elif request.slot is None:
        allowed = "；".join(s.label for s in request.slots) or "无"
        errors.append(UserError(
            "INSTITUTION_NOT_ELIGIBLE", f"{inst.name}不在您可选的定点范围内（可选：{allowed}）",
            f"{inst.code} fits none of the person's selection slots "
            f"({', '.join(s.label_en for s in request.slots) or 'none'})",
            ("institutionCode",)))
    if request.replaces is not None:
        pending = [s for s in request.active() if s.replaces_id == request.replaces.id]
        waiting = [p for p in request.pending if p.replaces_id == request.replaces.id]
        if waiting and not pending:  # SE-3: a reviewed change of this record waits for staff
            errors.append(UserError(
                "PENDING_CHANGE_EXISTS",
                f"已有一项待审核的变更申请（{waiting[0].applied_on.isoformat()}提交，{waiting[0].institution.name}），"
                "请等待审核结果或先撤回该申请",
                f"a change of this record applied for on {waiting[0].applied_on.isoformat()} is waiting for review; "
                "wait for it or withdraw it first",
                ("replacesSelectionId",)))
        if pending:
            errors.append(UserError(
                "PENDING_CHANGE_EXISTS",
                f"已有一项待生效的变更（{pending[0].effective_from.isoformat()}起），请先撤回再重新变更",
                f"a change is already pending (from {pending[0].effective_from.isoformat()}); "
                "withdraw it before changing again",
                ("replacesSelectionId",), pending_selection_id=pending[0].id))
        if request.replaces.institution.code == inst.code:
            errors.append(UserError(
                "SAME_INSTITUTION", "变更后的机构与当前选点相同",
                "the change names the institution already selected", ("institutionCode",)))
    return errors


RECOGNITION_ITEM = "GD-20"
"""Seed 002 item 20 门诊特定病种待遇认定: the recognition a 门特 selection (item 21) needs (SE-1)."""


def _preconditions(request: SelectionRequest) -> tuple[str, str] | None:
    """SE-1: 产检 (item 25) is for persons entitled to maternity-insurance benefits; 门特 (item 21)
    needs a recognised special disease (item 20). Reading: 生育保险 is carried by the employee
    scheme, so the basis is being a woman insured as an employee on the day the choice takes
    effect; an employee's unemployed spouse (item 25's 《结婚证》 case) applies at a window.
    Returns why not (Chinese, English), or None."""
    person = request.person
    if request.kind is SelectionKind.PRENATAL:
        reasons = []
        if person.is_female() is False:
            reasons.append(("产前检查定点只适用于享受生育保险待遇的女性参保人", "prenatal check-ups are for women"))
        if request.scheme is not Scheme.EMPLOYEE:
            reasons.append((
                "产前检查定点适用于符合享受生育保险相关待遇的参保人员（职工医保参保人）；"
                "职工未就业配偶请持《结婚证》到医保经办窗口办理",
                "only persons entitled to maternity-insurance benefits (the employee scheme) choose a prenatal "
                "institution; an employee's unemployed spouse applies at an agency window"))
        if reasons:
            return ("；".join(r[0] for r in reasons) + "（生育保险）",
                    "; ".join(r[1] for r in reasons) + " (maternity insurance)")
    if request.kind is SelectionKind.SPECIAL_DISEASE and RECOGNITION_ITEM not in request.approved_items:
        return ("选定门特定点医疗机构前，须先办理门诊特定病种待遇认定（由符合要求的定点医疗机构办理）",
                "a special-disease institution can be chosen only after the special disease is recognised "
                "(门诊特定病种待遇认定, done by a qualified institution)")
    return None


@hookimpl(trylast=True)
def yibao_first_choice_effective_date(request: SelectionRequest) -> date:
    return request.today


@hookimpl(trylast=True)
def yibao_change_effective_date(request: SelectionRequest) -> date:
    # No provincial rule sets when a change takes effect; a city that has one overrides this.
    return request.today


@hookimpl(trylast=True)
def yibao_selection_needs_review(request: SelectionRequest) -> bool:
    # Seed 002 item 22 allows "线上不超过2个工作日" but names no channel that needs review; cities do.
    return False


@hookimpl(trylast=True)
def yibao_validate_withdrawal(selection: Selection, today: date) -> list[UserError]:
    return []


@hookimpl(trylast=True)
def yibao_validate_person(person: PersonInput) -> list[UserError]:
    if person.tier is not None and person.tier not in (1, 2, 3):
        return [UserError("INVALID_TIER", "档次只能是1、2或3", "tier must be 1, 2 or 3", ("tier",))]
    return []


@hookimpl(trylast=True)
def yibao_coverage(
    person: Person, kind: SelectionKind, selections: list[Selection], on: date
) -> list[InstitutionFilter]:
    # Without a city rule a selection covers the selected institutions themselves, in their own
    # city: a REMOTE selection (RF-4) lies at the filing's destination, not in the insured city.
    cities = sorted({s.institution.city for s in selections} | {person.city})
    return [InstitutionFilter(city=c, codes=tuple(s.institution.code for s in selections if s.institution.city == c))
            for c in cities]
