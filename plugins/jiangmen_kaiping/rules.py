"""Kaiping's general-outpatient rules (seeds 001 and 003), each citing its DOMAIN.md id."""

from __future__ import annotations

from collections import Counter
from datetime import date

from yibao.core.domain import Person, Scheme, SelectionKind, SelectionRequest, Slot
from yibao.core.errors import RefusalOverride, UserError
from yibao.core.hookspecs import hookimpl

from .change_window import WINDOW
from .contacts import benefit_phones
from .groups import CHILDREN, CHILDREN_HOSPITAL, GROUP_ZH, Group, group_of
from .rule_sets import RULES, RULES_2023
from .slots import RESIDENT_2023, RESIDENT_ADULT_2023

GENERAL = SelectionKind.GENERAL_OUTPATIENT
SCHEME_ZH = {Scheme.EMPLOYEE: "职工医保", Scheme.RESIDENT: "居民医保"}
SCHEME_EN = {Scheme.EMPLOYEE: "employee scheme", Scheme.RESIDENT: "resident scheme"}
# KP-6 (seed 001 special case 2): where each scheme's members end an old record at a window.
COUNTERS = {
    Scheme.EMPLOYEE: ("职工医保生效参保人在开平市行政服务中心办理（需提前预约）",
                      "employees at the Kaiping administrative service centre (by appointment)"),
    Scheme.RESIDENT: ("居民医保生效参保人在所属镇街公共服务中心办理",
                      "residents at their town's public service centre"),
}
CHILD_AGE_LIMIT = 18
"""KP-3 reading: the children's specialty option is for residents under this age (the seed gives none)."""


def is_child(person: Person, day: date) -> bool:
    age = person.age_on(day)
    return age is not None and age < CHILD_AGE_LIMIT


@hookimpl
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot] | None:
    if kind is not GENERAL:
        return None  # SE-1: other kinds follow the provincial defaults
    scheme = person.scheme_on(today)
    slots = RULES.on(today).slots.get(scheme, ()) if scheme else ()  # KP-2 / KP-3
    if slots == RESIDENT_2023 and not is_child(person, today):
        slots = RESIDENT_ADULT_2023  # KP-3: the children's specialty option is for children
    return list(slots)


@hookimpl
def yibao_first_choice_effective_date(request: SelectionRequest) -> date | None:
    if request.kind is GENERAL:
        return request.today  # KP-4: a first choice for an empty slot takes effect at once
    return None


@hookimpl
def yibao_change_effective_date(request: SelectionRequest) -> date | None:
    if request.kind is GENERAL:
        return WINDOW.effective_date(request.today)  # KP-4: 1 January of next year
    return None


@hookimpl
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    if request.kind is not GENERAL:
        return []
    errors: list[UserError] = []
    if request.is_change and not WINDOW.is_open(request.today):
        errors.append(WINDOW.refusal(request.today, benefit_phones()))  # KP-4
    errors += _old_scheme_active(request)  # KP-6
    errors += _childrens_option(request)  # KP-3
    takes_effect = request.effective_on  # KP-4: judged by the rules in force when it takes effect
    if request.scheme is Scheme.EMPLOYEE and RULES.on(takes_effect).slot_order:
        errors += _slot_order(request, takes_effect)  # KP-5
    return errors


@hookimpl
def yibao_refusal_overrides(request: SelectionRequest) -> list[RefusalOverride]:
    """KP-9: before 2023 no rule set is public, so nothing fits a slot; say that, not "not eligible"."""
    if request.kind is not GENERAL or RULES_2023.applies_on(request.effective_on):
        return []
    return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
        "INSTITUTION_NOT_ELIGIBLE",
        "2022年的普通门诊选点规定未公开，2023年1月1日前生效的选点记录由经办机构按原记录导入；"
        f"2022年10月至12月可变更2023年的选点（次年1月1日生效）。咨询电话：{benefit_phones()}",
        "the 2022 rules are not public: records effective before 2023-01-01 are imported by the agency as they "
        "were; from October to December 2022 a choice for 2023 (effective 2023-01-01) can be made",
        ("institutionCode",),
    ))]


def _childrens_option(request: SelectionRequest) -> list[UserError]:
    """KP-3: a resident adult choosing a children's specialty institution is told why not."""
    inst, day = request.institution, request.effective_on
    childrens = inst.category == CHILDREN_HOSPITAL or CHILDREN in inst.specialties
    if request.scheme is not Scheme.RESIDENT or not childrens or is_child(request.person, day):
        return []
    if request.slot is not None:  # it fits the slot anyway (e.g. a level-1 institution)
        return []
    return [UserError(
        "INSTITUTION_NOT_ELIGIBLE",
        f"{inst.name}是儿童专科定点医疗机构，只供未满{CHILD_AGE_LIMIT}周岁的居民医保参保人选定；"
        "您可在一级及以下定点医疗机构中选定一家",
        f"{inst.code} is a children's specialty institution, open to resident-scheme members under "
        f"{CHILD_AGE_LIMIT}; choose a level-1-or-below institution",
        ("institutionCode",),
    )]


def _old_scheme_active(request: SelectionRequest) -> list[UserError]:
    """KP-6: a record under the old scheme blocks every selection under the new one until ended."""
    new = request.scheme
    old = [s for s in request.active() if s.scheme is not None and new is not None and s.scheme is not new]
    if not old:
        return []
    phones = benefit_phones()
    record = old[0]
    counters = [COUNTERS[new], COUNTERS[record.scheme]]  # the counter for the new scheme first
    return [UserError(
        "OLD_SCHEME_SELECTION_ACTIVE",
        f"您的险种已变更为{SCHEME_ZH[new]}，但{SCHEME_ZH[record.scheme]}的普通门诊选点记录（{record.institution.name}）"
        f"仍有效，须先终止旧记录才能新增选点。可选择以下其中一种方式办理："
        f"1.现场办理：{counters[0][0]}（您现在适用此项）；{counters[1][0]}。"
        f"2.线上办理：先致电 {phones} 申请终止旧医保险种的选点记录，再自行在“粤医保”操作“新增选点”。",
        f"your scheme is now {SCHEME_EN[new]} but the general-outpatient selection made under the "
        f"{SCHEME_EN[record.scheme]} ({record.institution.code}) is still active; it must be ended before a new "
        f"selection can be added. Either (1) at a window: {counters[0][1]} (this applies to you); "
        f"{counters[1][1]}; or (2) online: phone "
        f"{phones.replace('、', ' or ')} to end the old record, then add the selection in 粤医保 (新增选点).",
        ("idNumber",),
        phones=tuple(phones.split("、")),
    )]


def _slot_order(request: SelectionRequest, takes_effect: date) -> list[UserError]:
    """KP-5: an employee's selections must move toward one in A and one in B, never away."""
    if request.replaces is not None and any(
            s.replaces_id == request.replaces.id for s in request.active() if s.id != request.replaces.id):
        return []  # a change of this record is already pending: PENDING_CHANGE_EXISTS says so
    state = [s for s in request.history
             if not s.withdrawn and s.effective_from <= takes_effect <= s.effective_to]
    before = [group_of(s.institution) for s in state]
    after = [group_of(s.institution) for s in state if request.replaces is None or s.id != request.replaces.id]
    after.append(group_of(request.institution))
    limit = len(RULES.on(takes_effect).slots[Scheme.EMPLOYEE])
    if request.replaces is None and len(after) > limit:
        return [_name_the_record(state)]  # the real problem: which record does this change?
    if len(after) <= limit and _valid(after):
        return []
    if len(after) <= limit and not _valid(before) and _distance(after) < _distance(before):
        return []
    return [_slot_order_error(before)]


def _name_the_record(state: list) -> UserError:
    names = "、".join(s.institution.name for s in state)
    return UserError(
        "REPLACEMENT_AMBIGUOUS",
        f"您已有{len(state)}家有效的普通门诊定点（{names}），请选择要变更的是哪一家，再提交变更",
        f"{len(state)} general-outpatient selections are in effect ({', '.join(s.institution.code for s in state)}); "
        "name the one this request changes (replacesSelectionId)",
        ("replacesSelectionId",),
    )


def _valid(groups: list[Group]) -> bool:
    counts = Counter(groups)
    return counts[Group.A] <= 1 and counts[Group.B] <= 1


def _distance(groups: list[Group]) -> int:
    counts = Counter(groups)
    return abs(counts[Group.A] - 1) + abs(counts[Group.B] - 1)


def _slot_order_error(before: list[Group]) -> UserError:
    counts = Counter(before)
    if counts[Group.A] >= 2:
        first, then = Group.B, Group.A
    elif counts[Group.B] >= 2:
        first, then = Group.A, Group.B
    else:
        first = then = None
    if first is not None:
        held = "一级及以下" if then is Group.A else "二级或三级"
        zh = (f"您目前有效的两家普通门诊定点均为{held}医疗机构。如需变更，请先将其中一家变更为{GROUP_ZH[first]}，"
              f"再将另一家变更为{GROUP_ZH[then]}（变更时请指明要变更的选点记录）。")
        en = (f"both current general-outpatient selections are in group {then.value}; first change one of them to "
              f"a group {first.value} institution, then change the other to group {then.value} "
              "(name the record with replacesSelectionId)")
    else:
        zh = "职工医保参保人应在一级及以下（A组）和二级或三级（B组）定点医疗机构中各选定一家，本次变更不符合该要求。"
        en = "an employee holds one group A and one group B selection; this request would not keep or reach that"
    return UserError("SLOT_ORDER", zh, en, ("institutionCode",))
