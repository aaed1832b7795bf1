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
from yibao.core.errors import UserError
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
    # the same month is refused; a withdrawn change does not count (it never takes effect).
    month = (request.today.year, request.today.month)
    made = [
        s for s in request.history
        if s.replaces_id is not None and not s.withdrawn and (s.created_on.year, s.created_on.month) == month
    ]
    if made:
        return [UserError(
            "CHANGE_LIMIT_REACHED",
            f"本月已办理过一次变更选点（{made[0].institution.name}，{made[0].effective_from.isoformat()}生效），"
            "原则上每月只能进行一次有效变更；如需更改，可先撤回该待生效的变更",
            f"a change was already made this month ({made[0].institution.code}, effective "
            f"{made[0].effective_from.isoformat()}); at most one change per month. "
            "A change not yet in effect may be withdrawn first",
            ("institutionCode",),
            next_possible_on=first_of_next_month(request.today),
            pending_selection_id=made[0].id if made[0].effective_from > request.today else None,
        )]
    return []


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
