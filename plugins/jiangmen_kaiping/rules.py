"""Kaiping's general-outpatient rules (seeds 001 and 003), each citing its DOMAIN.md id."""

from __future__ import annotations

from collections import Counter
from datetime import date

from yibao.core.domain import Person, Scheme, SelectionKind, SelectionRequest, Slot
from yibao.core.errors import UserError
from yibao.core.hookspecs import hookimpl

from .change_window import WINDOW
from .contacts import benefit_phones
from .groups import GROUP_ZH, Group, group_of
from .rule_sets import RULES

GENERAL = SelectionKind.GENERAL_OUTPATIENT
SCHEME_ZH = {Scheme.EMPLOYEE: "职工医保", Scheme.RESIDENT: "居民医保"}


@hookimpl
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot] | None:
    if kind is not GENERAL:
        return None  # SE-1: other kinds follow the provincial defaults
    scheme = person.scheme_on(today)
    return list(RULES.on(today).slots.get(scheme, ())) if scheme else []  # KP-2 / KP-3


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
    takes_effect = WINDOW.effective_date(request.today) if request.is_change else request.today
    if request.scheme is Scheme.EMPLOYEE and RULES.on(takes_effect).slot_order:
        errors += _slot_order(request, takes_effect)  # KP-5
    return errors


def _old_scheme_active(request: SelectionRequest) -> list[UserError]:
    """KP-6: a record under the old scheme blocks every selection under the new one until ended."""
    new = request.scheme
    old = [s for s in request.active() if s.scheme is not None and new is not None and s.scheme is not new]
    if not old:
        return []
    phones = benefit_phones()
    record = old[0]
    return [UserError(
        "OLD_SCHEME_SELECTION_ACTIVE",
        f"您的险种已变更为{SCHEME_ZH[new]}，但{SCHEME_ZH[record.scheme]}的普通门诊选点记录（{record.institution.name}）"
        f"仍有效，须先终止旧记录才能新增选点。可选择以下其中一种方式办理："
        f"1.现场办理：职工医保生效参保人在开平市行政服务中心办理（需提前预约）；居民医保生效参保人在所属镇街公共服务中心办理。"
        f"2.线上办理：先致电 {phones} 申请终止旧医保险种的选点记录，再自行在“粤医保”操作“新增选点”。",
        f"your scheme is now {new.value} but the general-outpatient selection made under {record.scheme.value} "
        f"({record.institution.code}) is still active; it must be ended before a new selection can be added. "
        "Either (1) at a window: employees at the Kaiping administrative service centre (by appointment), "
        "residents at their town's public service centre; or (2) online: phone "
        f"{phones.replace('、', ' or ')} to end the old record, then add the selection in 粤医保 (新增选点).",
        ("idNumber",),
        phones=tuple(phones.split("、")),
    )]


def _slot_order(request: SelectionRequest, takes_effect: date) -> list[UserError]:
    """KP-5: an employee's selections must move toward one in A and one in B, never away."""
    state = [s for s in request.history
             if not s.withdrawn and s.effective_from <= takes_effect <= s.effective_to]
    before = [group_of(s.institution) for s in state]
    after = [group_of(s.institution) for s in state if request.replaces is None or s.id != request.replaces.id]
    after.append(group_of(request.institution))
    limit = len(RULES.on(takes_effect).slots[Scheme.EMPLOYEE])
    if len(after) <= limit and _valid(after):
        return []
    if len(after) <= limit and not _valid(before) and _distance(after) < _distance(before):
        return []
    return [_slot_order_error(before)]


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
