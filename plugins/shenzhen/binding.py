"""SZ-2: who binds what. Tier I need not bind; tier II employees and residents bind exactly one
社康; children under 14 (age from the ID number's birth date on the request's day) may bind a 社康
or a hospital of level 2 or below; from 14 only a 社康. The refusals say why."""

from __future__ import annotations

from datetime import date

from yibao.core.domain import InstitutionLevel, Person, SelectionKind, SelectionRequest, Slot
from yibao.core.errors import RefusalOverride, UserError

from .tiers import Tier, tier_on

GENERAL = SelectionKind.GENERAL_OUTPATIENT
REGION = "4403"
SHEKANG = "社区健康服务中心"
HOSPITAL_CATEGORIES = ("医院", "妇幼保健院")
CHILD_AGE_LIMIT = 14
"""SZ-2: under 14 a child may bind a hospital of level 2 or below."""

SHEKANG_SLOT = Slot("SHEKANG", "绑定社康（社区健康服务中心）", "a 社康 (community health centre)", REGION,
                    categories=(SHEKANG,), rule="SZ-2")
CHILD_SLOT = Slot("SHEKANG", "绑定社康或二级及以下医院（未满14周岁）",
                  "a 社康 or a hospital of level 2 or below (under 14)", REGION,
                  categories=(SHEKANG, *HOSPITAL_CATEGORIES), rule="SZ-2")


def is_child(person: Person, day: date) -> bool:
    age = person.age_on(day)
    return age is not None and age < CHILD_AGE_LIMIT


def slots(person: Person, today: date) -> list[Slot]:
    tier = tier_on(person, today)
    if tier is None or tier is Tier.EMPLOYEE_I:
        return []  # SZ-2: tier I need not bind (covered everywhere); the uninsured get NOT_INSURED
    return [CHILD_SLOT if is_child(person, today) else SHEKANG_SLOT]  # exactly one binding


def hospital_level_refusals(request: SelectionRequest) -> list[UserError]:
    """SZ-2: a child's hospital must be of level 2 or below."""
    inst = request.institution
    if (request.kind is GENERAL and request.slot == CHILD_SLOT and inst.category in HOSPITAL_CATEGORIES
            and inst.level is InstitutionLevel.LEVEL_3):
        return [_child_level_3(request)]
    return []


def overrides(request: SelectionRequest) -> list[RefusalOverride]:
    """The province default's generic INSTITUTION_NOT_ELIGIBLE, said the Shenzhen way (SZ-2)."""
    if request.kind is not GENERAL:
        return []
    inst, person, today = request.institution, request.person, request.today
    tier = tier_on(person, today)
    if tier is Tier.EMPLOYEE_I:
        return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
            "SELECTION_NOT_REQUIRED",
            "职工医保一档参保人无需绑定社康，可在本市所有定点医疗机构普通门诊就医",
            "tier I employees need not bind a 社康: they may use every designated institution of Shenzhen",
            ("institutionCode",)))]
    if tier is None:
        return []
    if is_child(person, today):
        if inst.category in HOSPITAL_CATEGORIES and inst.level is InstitutionLevel.LEVEL_3:
            return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", _child_level_3(request))]
        return []
    if inst.category == SHEKANG:
        return []
    age = person.age_on(today)
    if age is None:
        zh_age, en_age = "证件中没有出生日期，按年满14周岁处理", "the ID document carries no birth date, so the rule for 14 and over applies"
    else:
        zh_age, en_age = f"按身份证出生日期计算，您在{today.isoformat()}已满{age}周岁", f"the person is {age} on {today.isoformat()} (birth date from the ID number)"
    return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
        "COMMUNITY_CENTRE_ONLY",
        f"年满14周岁的参保人只能绑定社康（社区健康服务中心），{inst.name}不是社康；"
        f"二级及以下医院仅限未满14周岁的儿童绑定。{zh_age}",
        f"from age 14 only a 社康 (community health centre) can be bound and {inst.code} is not one; "
        f"hospitals of level 2 or below are for children under 14 only; {en_age}",
        ("institutionCode",)))]


def _child_level_3(request: SelectionRequest) -> UserError:
    inst = request.institution
    return UserError(
        "HOSPITAL_LEVEL_TOO_HIGH",
        f"未满14周岁的儿童可绑定社康或二级及以下医院，{inst.name}为三级医院，不能绑定",
        f"a child under 14 may bind a 社康 or a hospital of level 2 or below; {inst.code} is a level-3 hospital",
        ("institutionCode",))
