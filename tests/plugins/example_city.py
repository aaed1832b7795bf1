"""示例市 (exampleville): an example city plugin implementing every hook, for tests and as a model.

Like datasette's tests/plugins/my_plugin.py: each hook is small, cites its (made-up) rule id
EX-…, and tests/test_hooks.py exercises each one through GraphQL (`test_hook_<hook>`).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from yibao.core.domain import (
    Channel,
    CityInfo,
    Institution,
    InstitutionFilter,
    InstitutionLevel,
    ReferenceData,
    Scheme,
    SelectionKind,
    Slot,
    Town,
)
from yibao.core.errors import RefusalOverride, UserError
from yibao.core.error_codes import CodeInfo
from yibao.core.hookspecs import hookimpl
from yibao.core.periods import first_of_next_month
from yibao.core.rulesets import RuleSet
from yibao.core.settings import PluginSetting, SettingType

CITY = CityInfo(code="exampleville", name="示例市", division_code="449900")
GENERAL = SelectionKind.GENERAL_OUTPATIENT
COMMUNITY = ("社区卫生服务中心", "社区卫生服务站")
L1, L2, L3 = InstitutionLevel.LEVEL_1_OR_BELOW, InstitutionLevel.LEVEL_2, InstitutionLevel.LEVEL_3

JIA_CENTRE = "H44990010001"
YI_CENTRE = "H44990010002"
JIA_STATION = "H44990010003"
PEOPLES_HOSPITAL = "H44990020001"
TCM_HOSPITAL = "H44990020002"
MATERNITY = "H44990030001"
LISTED_HOSPITALS = (PEOPLES_HOSPITAL, TCM_HOSPITAL)  # EX-2: the hospitals employees may name, by code


def _inst(code: str, name: str, level: InstitutionLevel, category: str, town: str,
          services: tuple[SelectionKind, ...] = (GENERAL,)) -> Institution:
    return Institution(code=code, name=name, city=CITY.code, level=level, category=category,
                       division_code=CITY.division_code, town=town, services=services)


REFERENCE = ReferenceData(
    towns=(Town("甲镇", "449900001"), Town("乙镇", "449900002")),
    institutions=(
        _inst(JIA_CENTRE, "示例市甲镇社区卫生服务中心", L1, COMMUNITY[0], "甲镇"),
        _inst(YI_CENTRE, "示例市乙镇社区卫生服务中心", L1, COMMUNITY[0], "乙镇"),
        _inst(JIA_STATION, "示例市甲镇东社区卫生服务站", L1, COMMUNITY[1], "甲镇"),
        _inst(PEOPLES_HOSPITAL, "示例市人民医院", L3, "综合医院", "甲镇",
              (GENERAL, SelectionKind.SPECIAL_DISEASE, SelectionKind.PRENATAL)),
        _inst(TCM_HOSPITAL, "示例市中医院", L2, "中医医院", "乙镇"),
        _inst(MATERNITY, "示例市妇幼保健院", L2, "妇幼保健院", "乙镇", (GENERAL, SelectionKind.PRENATAL)),
    ),
)

RULES = RuleSet(id="exampleville-2026", city=CITY.code, valid_from=date(2026, 1, 1), valid_to=None,
                source="tests/plugins/example_city.py (made up)",
                rules=("EX-1", "EX-2", "EX-3", "EX-4", "EX-5", "EX-6", "EX-7", "EX-8"))

COMMUNITY_SLOT = Slot("COMMUNITY", "社区门诊（社区卫生服务中心/站）", "community outpatient", "4499",
                      categories=COMMUNITY, rule="EX-1")
HOSPITAL_SLOT = Slot("HOSPITAL", "指定医院（人民医院、中医院）", "a listed hospital", "4499",
                     codes=LISTED_HOSPITALS, rule="EX-2")


@hookimpl
def yibao_city() -> CityInfo:
    return CITY


@hookimpl
def yibao_reference_data() -> ReferenceData:
    return REFERENCE


@hookimpl
def yibao_rule_sets() -> list[RuleSet]:
    return [RULES]


@hookimpl
def yibao_settings() -> list[PluginSetting]:
    # EX-3's last day for changes, overridable by an operator (YIBAO_SETTING_EXAMPLEVILLE_CHANGE_LAST_DAY).
    return [PluginSetting("change_last_day", SettingType.INT, 20, "每月受理变更的最后一天",
                          "the last day of a month on which changes are accepted", minimum=1, maximum=28, rule="EX-3")]


@hookimpl
def yibao_error_codes() -> list[CodeInfo]:
    # The city's own refusal codes (EX-3, EX-4, EX-7, EX-8). Installed through the entry point they
    # would be ErrorCode values; registered only in tests they are served as CITY_RULE + cityCode.
    return [
        CodeInfo("TIER_NOT_OFFERED", "本市居民医保只设一、二档。", "Residents choose tier 1 or 2 here."),
        CodeInfo("CHANGE_CLOSED", "每月21日起不受理变更。", "Changes are accepted from the 1st to the 20th of a month."),
        CodeInfo("EX_NOT_LISTED", "该机构不在本市普通门诊可选范围。", "The institution is not selectable for general outpatient here."),
        CodeInfo("WITHDRAWAL_TOO_LATE", "生效前两日内不能撤回。", "Too close to taking effect to withdraw."),
    ]


@hookimpl
def yibao_validate_person(person):
    # EX-8: residents choose tier 1 or 2 (tier 3 is not offered here).
    if person.scheme is Scheme.RESIDENT and person.tier == 3:
        return [UserError("TIER_NOT_OFFERED", "本市居民医保只设一、二档", "residents choose tier 1 or 2 here", ("tier",))]
    return []


@hookimpl
def yibao_selection_slots(person, kind, today):
    if kind is not GENERAL:
        return None  # the province defaults: one slot per kind
    # EX-1: everyone holds one community slot; EX-2: employees also one listed hospital, named by code.
    if person.scheme_on(today) is Scheme.EMPLOYEE:
        return [COMMUNITY_SLOT, HOSPITAL_SLOT]
    return [COMMUNITY_SLOT]


@hookimpl
def yibao_validate_selection(request):
    # EX-3: changes are made from the 1st to the 20th of a month (the 20th is a setting).
    if request.kind is GENERAL and request.is_change and request.today.day > request.settings.integer("change_last_day", 20):
        return [UserError("CHANGE_CLOSED", "每月21日起不受理变更，请于下月1日至20日办理",
                          "changes are accepted from the 1st to the 20th of a month", ("institutionCode",))]
    return []


@hookimpl
def yibao_refusal_overrides(request):
    # EX-4: the city says which institutions fit, in its own code, instead of the generic default.
    if request.kind is not GENERAL:
        return []
    hospitals = "、".join(i.name for i in REFERENCE.institutions if i.code in LISTED_HOSPITALS)
    return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
        "EX_NOT_LISTED", f"{request.institution.name}不在本市普通门诊可选范围：社区卫生服务中心/站，职工另可选{hospitals}",
        f"{request.institution.code} is not selectable: community centres or stations, and for employees "
        f"{', '.join(LISTED_HOSPITALS)}", ("institutionCode",)))]


@hookimpl
def yibao_first_choice_effective_date(request):
    return request.today if request.kind is GENERAL else None  # EX-5: at once


@hookimpl
def yibao_change_effective_date(request):
    return first_of_next_month(request.today) if request.kind is GENERAL else None  # EX-5: the 1st of next month


@hookimpl
def yibao_selection_needs_review(request):
    return request.channel is Channel.PHONE if request.kind is GENERAL else None  # EX-6: phone requests are reviewed


@hookimpl
def yibao_validate_withdrawal(selection, today):
    # EX-7: a pending change may be withdrawn until two days before it takes effect.
    if selection.effective_from - today < timedelta(days=2):
        return [UserError("WITHDRAWAL_TOO_LATE", "生效前两日内不能撤回", "too close to taking effect to withdraw",
                          ("selectionId",))]
    return []


@hookimpl
def yibao_coverage(person, kind, selections, on):
    if kind is not GENERAL:
        return None
    # EX-1: a community choice opens every centre and station of its town, and the chosen ones.
    towns = tuple(sorted({s.institution.town for s in selections if s.institution.town}))
    return [InstitutionFilter(city=CITY.code, codes=tuple(s.institution.code for s in selections), towns=towns,
                              categories=COMMUNITY, rule="EX-1")]


@hookimpl
def yibao_service_item(item):
    if item.code == "GD-22":
        return dataclasses.replace(item, notes=(*item.notes, "示例市：电话申请须经审核（EX-6）"))
    return item
