"""The remote-filing hooks (core/hookspecs.py): the province defaults, Kaiping's answers, and a
city written here that overrides them (a deciding hook's first answer wins)."""

from __future__ import annotations

import types
from datetime import date

import pytest

from yibao.core.auth import Role
from yibao.core.errors import UserError
from yibao.core.domain import Channel, CityInfo, InstitutionLevel, Person, Scheme, SchemePeriod
from yibao.core.filings.destinations import lookup
from yibao.core.filings.domain import (
    BenefitAdjustments,
    Filing,
    FilingBasis,
    FilingRequest,
    FilingStatus,
    FilingTerms,
    FilingType,
    OutpatientChoice,
)
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginHost

TEST_CITY = CityInfo(code="filingtown", name="备案市", division_code="449902")


def filing_city() -> types.ModuleType:
    city = types.ModuleType("filing_city")

    @hookimpl
    def yibao_city():
        return TEST_CITY

    @hookimpl
    def yibao_filing_terms(request):
        if request.type is FilingType.MATERNITY:
            return FilingTerms(review=True, validity_months=12, lock_months=0, rule="test")
        return None

    @hookimpl
    def yibao_filing_benefits(filing, on):
        if filing.basis is FilingBasis.COMMITMENT and filing.active_on(on):
            return BenefitAdjustments(-15, False, filing.valid_from, "本市降低15个百分点", "-15 points", "test")
        return None

    @hookimpl
    def yibao_validate_filing(request):
        if request.type is FilingType.STATIONED_WORKER and request.person.scheme_on(request.start_on) is Scheme.RESIDENT:
            return [UserError(
                "NOT_EMPLOYEE", "常驻异地工作人员备案限职工医保", "employees only", ("type",))]
        return []

    city.yibao_city, city.yibao_filing_terms = yibao_city, yibao_filing_terms
    city.yibao_filing_benefits, city.yibao_validate_filing = yibao_filing_benefits, yibao_validate_filing
    return city


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load(extra=[filing_city()])


def person(city: str, scheme: Scheme = Scheme.EMPLOYEE) -> Person:
    return Person(id=1, id_number="x", name="测试", city=city, schemes=(SchemePeriod(scheme, date(2020, 1, 1)),))


def request(city: str, type_: FilingType, destination: str, start: date, *, scheme: Scheme = Scheme.EMPLOYEE,
            role: Role = Role.PERSON, channel: Channel = Channel.YUEYIBAO, choices=()) -> FilingRequest:
    return FilingRequest(person=person(city, scheme), type=type_, destination=lookup(destination), home_province="44",
                         start_on=start, today=start, channel=channel, role=role, proxy=False, choices=tuple(choices))


def filing(city: str, basis: FilingBasis | None, *, completed: date | None = None,
           type_: FilingType = FilingType.LONG_TERM_RESIDENT) -> Filing:
    return Filing(id=1, person_id=1, city=city, type=type_, destination="110000", destination_name="北京市",
                  start_on=date(2026, 3, 2), basis=basis, state=FilingStatus.ACTIVE, valid_from=date(2026, 3, 2),
                  valid_until=date(2099, 12, 31), locked_until=date(2026, 9, 2), approved_on=date(2026, 3, 2),
                  materials_completed_on=completed, deemed=False, submitted_on=date(2026, 3, 2),
                  channel=Channel.YUEYIBAO)


def test_hook_yibao_insured_region(host):
    kaiping, zhongshan = host.city("jiangmen_kaiping"), host.city("zhongshan")
    info = {c.code: c for c in host.cities}
    assert kaiping.yibao_insured_region(person=person("jiangmen_kaiping"), city=info["jiangmen_kaiping"]) == "4407"
    assert zhongshan.yibao_insured_region(person=person("zhongshan"), city=info["zhongshan"]) == "4420"
    assert host.city("filingtown").yibao_insured_region(person=person("filingtown"), city=TEST_CITY) == "449902"


def test_hook_yibao_filing_required(host):
    kaiping = host.city("jiangmen_kaiping")
    inside = request("jiangmen_kaiping", FilingType.TEMPORARY, "440100", date(2023, 7, 1))
    assert kaiping.yibao_filing_required(request=inside).required is False  # seed 003, from 2023-07-01
    before = request("jiangmen_kaiping", FilingType.TEMPORARY, "440100", date(2023, 6, 30))
    assert kaiping.yibao_filing_required(request=before).required is True
    across = request("jiangmen_kaiping", FilingType.TEMPORARY, "110000", date(2026, 3, 2))
    assert kaiping.yibao_filing_required(request=across).required is True
    zhongshan = request("zhongshan", FilingType.TEMPORARY, "440100", date(2026, 3, 2))
    assert host.city("zhongshan").yibao_filing_required(request=zhongshan).required is True  # seed 002


def test_hook_yibao_filing_terms(host):
    province = host.city("zhongshan").yibao_filing_terms(
        request=request("zhongshan", FilingType.LONG_TERM_RESIDENT, "110000", date(2026, 3, 2)))
    assert (province.review, province.validity_months, province.lock_months) == (True, None, 6)  # RF-2
    temporary = host.city("zhongshan").yibao_filing_terms(
        request=request("zhongshan", FilingType.TEMPORARY, "110000", date(2026, 3, 2)))
    assert (temporary.validity_months, temporary.lock_months) == (6, 0)
    emergency = host.city("zhongshan").yibao_filing_terms(
        request=request("zhongshan", FilingType.EMERGENCY, "110000", date(2026, 3, 2)))
    assert emergency.review is False  # deemed filed
    window = host.city("zhongshan").yibao_filing_terms(request=request(
        "zhongshan", FilingType.LONG_TERM_RESIDENT, "110000", date(2026, 3, 2), role=Role.AGENCY,
        channel=Channel.WINDOW))
    assert window.review is False  # 窗口即时办结
    city = host.city("filingtown").yibao_filing_terms(
        request=request("filingtown", FilingType.MATERNITY, "440100", date(2026, 3, 2)))
    assert city.validity_months == 12  # the city's answer wins over the default


def test_hook_yibao_validate_filing(host):
    hooks = host.city("zhongshan")

    def found(req):
        return [e.code for batch in hooks.yibao_validate_filing(request=req) for e in batch]

    assert found(request("zhongshan", FilingType.MATERNITY, "110000", date(2026, 3, 2))) == ["MATERNITY_IN_PROVINCE_ONLY"]
    assert found(request("zhongshan", FilingType.MATERNITY, "440100", date(2026, 3, 2))) == []
    assert found(request("zhongshan", FilingType.LONG_TERM_RESIDENT, "110000", date(2026, 3, 2),
                         role=Role.INSTITUTION)) == ["FILING_ROLE_NOT_ALLOWED"]
    two_basic = [OutpatientChoice(InstitutionLevel.LEVEL_1_OR_BELOW, "甲"), OutpatientChoice(InstitutionLevel.LEVEL_1_OR_BELOW, "乙")]
    assert found(request("zhongshan", FilingType.LONG_TERM_RESIDENT, "110000", date(2026, 3, 2),
                         choices=two_basic)) == ["REMOTE_CHOICE_NOT_ALLOWED"]
    city = host.city("filingtown")
    contributed = [e.code for batch in city.yibao_validate_filing(request=request(
        "filingtown", FilingType.STATIONED_WORKER, "110000", date(2026, 3, 2), scheme=Scheme.RESIDENT)) for e in batch]
    assert contributed == ["NOT_EMPLOYEE"]  # the city's reason joins the defaults' (none here)


def test_hook_yibao_filing_benefits(host):
    hooks = host.city("zhongshan")
    on = date(2026, 4, 1)
    by_commitment = hooks.yibao_filing_benefits(filing=filing("zhongshan", FilingBasis.COMMITMENT), on=on)
    assert (by_commitment.inpatient_ratio_points, by_commitment.local_general_outpatient) == (-20, False)
    completed = hooks.yibao_filing_benefits(filing=filing("zhongshan", FilingBasis.COMMITMENT, completed=on), on=on)
    assert (completed.inpatient_ratio_points, completed.local_general_outpatient, completed.since) == (-10, True, on)
    by_materials = hooks.yibao_filing_benefits(filing=filing("zhongshan", FilingBasis.MATERIALS), on=on)
    assert (by_materials.inpatient_ratio_points, by_materials.local_general_outpatient) == (-10, True)
    temporary = hooks.yibao_filing_benefits(filing=filing("zhongshan", None, type_=FilingType.TEMPORARY), on=on)
    assert (temporary.inpatient_ratio_points, temporary.local_general_outpatient) == (0, True)
    city = host.city("filingtown").yibao_filing_benefits(filing=filing("filingtown", FilingBasis.COMMITMENT), on=on)
    assert city.inpatient_ratio_points == -15
