"""The conformance suite (yibao.core.testkit): the three shipped cities and the example city pass it,
and it catches a city that misbehaves."""

from __future__ import annotations

import types
from datetime import timedelta

import pytest

from yibao.core.domain import CityInfo, InstitutionFilter
from yibao.core.errors import UserError
from yibao.core.hookspecs import hookimpl
from yibao.core.testkit.conformance import check_city_behaviour, check_city_plugin

from .plugins import example_city


@pytest.fixture
def yibao_extra_plugins():
    return [example_city]


@pytest.mark.parametrize("city", ["zhongshan", "jiangmen_kaiping", "shenzhen", "exampleville"])
async def test_the_shipped_cities_and_the_example_city_pass_the_behaviour_suite(yibao_client, city):
    assert await check_city_behaviour(yibao_client, city) == []


def test_the_example_city_is_well_formed():
    assert check_city_plugin(example_city) == []


# -- the suite catches misbehaviour: cities written in the test, each wrong in one way -------------

def bad_city(code: str, number: int, **hooks) -> types.ModuleType:
    from yibao.core.domain import Institution, InstitutionLevel, ReferenceData

    city = types.ModuleType(f"bad_{code}")
    info = CityInfo(code=code, name=code, division_code=f"4498{number:02d}")
    clinic = Institution(code=f"H4498{number:02d}00001", name=f"{code}社区卫生服务中心", city=code,
                         level=InstitutionLevel.LEVEL_1_OR_BELOW, category="社区卫生服务中心",
                         division_code=info.division_code, town="城区")
    other = Institution(code=f"H4498{number:02d}00002", name=f"{code}第二社区卫生服务中心", city=code,
                        level=InstitutionLevel.LEVEL_1_OR_BELOW, category="社区卫生服务中心",
                        division_code=info.division_code, town="城区")
    city.yibao_city = hookimpl(lambda: info)
    city.yibao_reference_data = hookimpl(lambda: ReferenceData(institutions=(clinic, other)))
    for name, fn in hooks.items():
        setattr(city, name, hookimpl(fn))
    return city


def _raises_for_the_uninsured(person, kind, today):
    if person.scheme_on(today) is None:
        raise KeyError("scheme")
    return None


COUNTER = iter(range(10**9))
BAD = {
    "backdating": (1, dict(yibao_change_effective_date=lambda request: request.today - timedelta(days=1))),
    "fragile": (2, dict(yibao_selection_slots=_raises_for_the_uninsured)),
    "monolingual": (3, dict(yibao_validate_selection=lambda request: [UserError("BUSY", "系统繁忙", "")])),
    "moody": (4, dict(yibao_validate_selection=lambda request: [] if next(COUNTER) % 2 else [
        UserError("MOODY", "今日不办", "not today")])),
    "nowhere": (5, dict(yibao_coverage=lambda person, kind, selections, on: [InstitutionFilter(city="nowhere")])),
}
EXPECTED = {
    "backdating": "yibao_change_effective_date gave",
    "fragile": "yibao_selection_slots raised KeyError",
    "monolingual": "refusal BUSY has no English message",
    "moody": "yibao_validate_selection is not deterministic",
    "nowhere": "yibao_coverage on 2026-03-02 does not contain the chosen institution",
}


class TestTheSuiteCatchesMisbehaviour:
    @pytest.fixture
    def yibao_extra_plugins(self):
        return [bad_city(code, number, **hooks) for code, (number, hooks) in BAD.items()]

    @pytest.mark.parametrize("code", sorted(BAD))
    async def test_a_misbehaving_city_is_reported(self, yibao_client, code):
        problems = await check_city_behaviour(yibao_client, code)
        assert any(EXPECTED[code] in p for p in problems), problems
