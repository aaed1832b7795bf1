"""The province-wide filing rules (seed 002 items 14-19, DOMAIN.md RF-1..6) as default hooks.

Registered through core/defaults.py (trylast): a city's answer comes first and, for deciding
hooks, wins. Plugins decide; they never write storage.
"""

from __future__ import annotations

from datetime import date

from ..auth import Role
from ..domain import CityInfo, InstitutionLevel, Person, Scheme
from ..errors import UserError
from ..hookspecs import hookimpl
from .destinations import region_prefix
from .domain import (
    BenefitAdjustments,
    Filing,
    FilingBasis,
    FilingRequest,
    FilingRequirement,
    FilingTerms,
    FilingType,
    TYPE_ZH,
)

# Seed 002 item 17 备注 5 / seed 003: referrals are in principle filed by the institution; the
# institution also reports an emergency (视同备案) when it settles the visit.
INSTITUTION_TYPES = frozenset({FilingType.REFERRAL, FilingType.EMERGENCY})
SIX_MONTHS = 6


@hookimpl(trylast=True)
def yibao_insured_region(person: Person, city: CityInfo) -> str:
    return region_prefix(city.division_code)


@hookimpl(trylast=True)
def yibao_filing_required(request: FilingRequest) -> FilingRequirement:
    # Seed 002 items 14-19 offer every filing without exemption; a city may exempt (KP: seed 003).
    return FilingRequirement(required=True, rule="RF-1")


@hookimpl(trylast=True)
def yibao_filing_terms(request: FilingRequest) -> FilingTerms:
    kind = request.type
    if kind is FilingType.EMERGENCY:
        # RF-1: 视同备案, settled directly; reading (医保发〔2022〕22号 临时外出就医): valid 6 months.
        return FilingTerms(review=False, validity_months=SIX_MONTHS, lock_months=0, rule="RF-1")
    immediate = (request.role is Role.INSTITUTION and kind is FilingType.REFERRAL) or (
        request.role is Role.AGENCY and request.channel.value == "WINDOW")  # 窗口即时办结
    if kind.long_term:
        return FilingTerms(review=not immediate, validity_months=None, lock_months=SIX_MONTHS, rule="RF-2")
    if kind in (FilingType.TEMPORARY, FilingType.REFERRAL):
        # RF-1: seed 003 "跨省异地就医备案有效期为六个月"; a referral is a temporary trip too.
        return FilingTerms(review=not immediate, validity_months=SIX_MONTHS, lock_months=0, rule="RF-1")
    return FilingTerms(review=not immediate, validity_months=None, lock_months=0, rule="RF-1")


@hookimpl(trylast=True)
def yibao_validate_filing(request: FilingRequest) -> list[UserError]:
    errors: list[UserError] = []
    kind = request.type
    if kind is FilingType.MATERNITY and not request.in_province:
        errors.append(UserError(  # RF-1, seed 003: 目前暂支持省内备案，跨省无法进行异地生育备案
            "MATERNITY_IN_PROVINCE_ONLY", "异地生育备案目前仅支持广东省内，跨省无法办理异地生育备案",
            "a maternity filing is possible only within Guangdong, not across provinces", ("destination",)))
    if request.role is Role.INSTITUTION and kind not in INSTITUTION_TYPES:
        errors.append(UserError(
            "FILING_ROLE_NOT_ALLOWED", f"定点医疗机构只能办理异地转诊或急诊备案，不能办理{TYPE_ZH[kind]}",
            f"an institution files referrals and emergencies only, not {kind.value}", ("type",)))
    if request.person.scheme_on(request.start_on) is None:
        errors.append(UserError(
            "NOT_INSURED", "该参保人在备案开始日没有有效的参保记录", "the person is not insured on the start date",
            ("startOn",)))
    errors += _choices(request)
    return errors


def _choices(request: FilingRequest) -> list[UserError]:
    """RF-4: employees one level-1-or-below and optionally one level 2/3 (on top of it); residents
    one level-1-or-below; only a long-term filing carries choices."""
    choices = request.choices
    if not choices:
        return []
    field = ("outpatientInstitutionCodes",)
    if not request.type.long_term:
        return [UserError("REMOTE_CHOICE_NOT_ALLOWED", "只有异地长期备案可以同时选定就医地普通门诊定点医疗机构",
                          "only a long-term filing may carry outpatient choices at the destination", field)]
    basic = [c for c in choices if c.level is InstitutionLevel.LEVEL_1_OR_BELOW]
    higher = [c for c in choices if c.level is not InstitutionLevel.LEVEL_1_OR_BELOW]
    scheme = request.person.scheme_on(request.start_on)
    if scheme is Scheme.RESIDENT:
        if len(basic) > 1 or higher:
            return [UserError("REMOTE_CHOICE_NOT_ALLOWED",
                              "居民医保参保人只可在一级及以下定点医疗机构中选定一家",
                              "a resident may choose one level-1-or-below institution only", field)]
        return []
    if len(basic) > 1 or len(higher) > 1 or (higher and not basic):
        return [UserError("REMOTE_CHOICE_NOT_ALLOWED",
                          "职工参保人须先选定一家一级及以下定点医疗机构，并可在二级或三级定点医疗机构中再选定一家",
                          "an employee chooses one level-1-or-below institution and, on top of it, "
                          "at most one level 2 or 3 institution", field)]
    return []


@hookimpl(trylast=True)
def yibao_filing_benefits(filing: Filing, on: date) -> BenefitAdjustments:
    if not filing.type.long_term or not filing.active_on(on):
        return BenefitAdjustments(0, True, None, "不影响参保地待遇", "benefits back home are unchanged", "RF-5")
    completed = filing.materials_completed_on
    if filing.basis is FilingBasis.COMMITMENT and (completed is None or on < completed):
        return BenefitAdjustments(
            -20, False, filing.valid_from,
            "以个人承诺方式办理异地长期备案：回参保地住院基金支付比例降低20个百分点，不享受参保地普通门诊待遇",
            "long-term filing by commitment letter: inpatient ratio back home -20 points, "
            "no general-outpatient benefit back home", "RF-5")
    since = completed if filing.basis is FilingBasis.COMMITMENT else filing.valid_from
    return BenefitAdjustments(
        -10, True, since,
        "以材料方式办理（或补齐材料后）：回参保地住院基金支付比例降低10个百分点，可享受参保地普通门诊待遇",
        "long-term filing by materials (or completed with materials): inpatient ratio back home -10 points, "
        "general outpatient back home kept", "RF-5")



