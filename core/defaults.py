"""Province-wide defaults, written as a plugin so the core has no special path.

Every hook here is trylast: a city plugin's answer comes first and, for deciding hooks, wins.
"""

from __future__ import annotations

from datetime import date

from .domain import (
    InstitutionFilter,
    Person,
    PersonInput,
    Selection,
    SelectionKind,
    SelectionRequest,
    Slot,
)
from .errors import UserError
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
            "USE_REMOTE_FILING", "异地门诊选点须随异地就医备案一并办理",
            "a remote outpatient choice is made together with a remote-treatment filing", ("kind",)))
    if request.scheme is None:
        errors.append(UserError(
            "NOT_INSURED", "该参保人当日没有有效的参保记录，不能选点",
            "the person has no insurance scheme in force today and cannot select", ("idNumber",)))
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
    # Without a city rule a selection covers the selected institutions themselves.
    return [InstitutionFilter(city=person.city, codes=tuple(s.institution.code for s in selections))]
