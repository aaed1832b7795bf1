"""Zhongshan's selection rules (seed 000), each citing its DOMAIN.md id."""

from __future__ import annotations

from datetime import date

from yibao.core.domain import (
    Channel,
    InstitutionFilter,
    Person,
    Selection,
    SelectionKind,
    SelectionRequest,
    Slot,
)
from yibao.core.errors import RefusalOverride, UserError
from yibao.core.hookspecs import hookimpl
from yibao.core.periods import first_of_next_month

CITY = "zhongshan"
GENERAL = SelectionKind.GENERAL_OUTPATIENT
COMMUNITY_CATEGORIES = ("社区卫生服务中心", "社区卫生服务站")
TOWN_HOSPITAL_TAG = "镇街医院"

# ZS-1: one community outpatient selection (社区门诊选点) of a 社区卫生服务中心/站 in Zhongshan.
COMMUNITY_SLOT = Slot(
    key="COMMUNITY",
    label="社区门诊选点（社区卫生服务中心/站）",
    label_en="community outpatient (community health service centre or station)",
    region="4420",
    categories=COMMUNITY_CATEGORIES,
    rule="ZS-1",
)


@hookimpl
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot] | None:
    if kind is GENERAL:
        return [COMMUNITY_SLOT]  # ZS-1 (ID-4: every insured person, whatever their 户籍)
    return None  # SE-1: other kinds follow the provincial defaults


@hookimpl
def yibao_first_choice_effective_date(request: SelectionRequest) -> date | None:
    if request.kind is GENERAL:
        return request.today  # ZS-2: the first selection takes effect the same day
    return None


@hookimpl
def yibao_change_effective_date(request: SelectionRequest) -> date | None:
    if request.kind is GENERAL:
        return first_of_next_month(request.today)  # ZS-3: the 1st of next month
    return None


@hookimpl
def yibao_selection_needs_review(request: SelectionRequest) -> bool | None:
    if request.kind is GENERAL:
        # ZS-6: through 广东政务服务网 the form is uploaded and staff review it (not immediate);
        # 粤医保 and the offline channels take effect at once.
        return request.channel is Channel.GD_GOV_PORTAL
    return None


@hookimpl
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    if request.kind is not GENERAL or not request.is_change:
        return []
    # ZS-4: at most one effective change per calendar month. Reading: a second change request in
    # the same month is refused; a withdrawn or rejected change does not count (it never takes
    # effect); a change waiting for review counts from the day it was applied for (SE-3).
    month = (request.today.year, request.today.month)
    made = [
        (s.institution, s.effective_from, False, s.id if s.effective_from > request.today else None)
        for s in request.history
        if s.replaces_id is not None and not s.withdrawn and (s.created_on.year, s.created_on.month) == month
    ] + [
        (p.institution, None, True, None) for p in request.pending
        if p.replaces_id is not None and (p.applied_on.year, p.applied_on.month) == month
    ]
    if made:
        inst, starts, waiting, pending_id = made[0]
        nxt = first_of_next_month(request.today)
        state = "待审核" if waiting else f"{starts.isoformat()}生效"
        state_en = "waiting for review" if waiting else f"effective {starts.isoformat()}"
        return [UserError(
            "CHANGE_LIMIT_REACHED",
            f"本月已办理过一次变更选点（{inst.name}，{state}），原则上每月只能进行一次有效变更，"
            f"{nxt.year}年{nxt.month}月{nxt.day}日起可再次变更；如需更改本月的变更，可先撤回该尚未生效的变更",
            f"a change was already made this month ({inst.code}, {state_en}); at most one change per month, "
            f"the next change is possible from {nxt.isoformat()}. A change not yet in effect may be withdrawn first",
            ("institutionCode",),
            next_possible_on=nxt,
            pending_selection_id=pending_id,
        )]
    return []


@hookimpl
def yibao_refusal_overrides(request: SelectionRequest) -> list[RefusalOverride]:
    """ZS-5: a town hospital (镇街医院) is no choice of its own; choosing any community centre or
    station of its 镇街 already covers it. Said instead of the default "not among your choices"."""
    inst = request.institution
    if request.kind is not GENERAL or TOWN_HOSPITAL_TAG not in inst.tags or request.slot is not None:
        return []
    town = inst.town or "所在镇街"
    return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
        "INSTITUTION_NOT_ELIGIBLE",
        f"{inst.name}是{town}的镇街医院，不能单独选点。社区门诊选点须选定一家社区卫生服务中心/站："
        f"选定{town}内任一社区卫生服务中心/站后，即可在{inst.name}及{town}所有定点社区卫生服务中心（站）"
        "享受普通门诊待遇",
        f"{inst.code} is the town hospital of {town}; it cannot be selected itself. Choose a community health "
        f"centre or station of {town}: that choice covers {inst.code} and every designated centre and station "
        "of the town (ZS-5)",
        ("institutionCode",),
    ))]


@hookimpl
def yibao_coverage(
    person: Person, kind: SelectionKind, selections: list[Selection], on: date
) -> list[InstitutionFilter] | None:
    if kind is not GENERAL:
        return None
    # ZS-5: the selected clinic opens every designated community centre/station and the town
    # hospital (镇街医院) of its whole 镇街; nothing outside it (emergencies aside).
    towns = tuple(sorted({s.institution.town for s in selections if s.institution.town}))
    codes = tuple(s.institution.code for s in selections)
    if not towns:
        return [InstitutionFilter(city=CITY, codes=codes, rule="ZS-5")]
    return [
        # the selected clinics, and every community centre/station of their 镇街
        InstitutionFilter(city=CITY, codes=codes, towns=towns, categories=COMMUNITY_CATEGORIES, rule="ZS-5"),
        # and the 镇街 hospital (tagged 镇街医院) of each of those 镇街
        InstitutionFilter(city=CITY, towns=towns, tags=(TOWN_HOSPITAL_TAG,), rule="ZS-5"),
    ]
