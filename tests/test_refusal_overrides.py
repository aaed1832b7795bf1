"""RefusalOverride: a city silences or rewords a province-default refusal (issue 11)."""

from __future__ import annotations

import types

import pytest

from yibao.core import defaults
from yibao.core.domain import CityInfo, Slot
from yibao.core.errors import RefusalOverride, UserError, apply_overrides
from yibao.core.hookspecs import hookimpl

OTHER = UserError("INSTITUTION_OTHER_CITY", "外市", "other city", ("institutionCode",))
NOT_ELIGIBLE = UserError("INSTITUTION_NOT_ELIGIBLE", "不可选", "not eligible", ("institutionCode",))
MINE = UserError("MY_CODE", "本市说法", "our words", ("institutionCode",))


def test_a_replacement_takes_the_place_of_every_reason_with_that_code():
    twice = [NOT_ELIGIBLE, OTHER, NOT_ELIGIBLE]
    assert apply_overrides(twice, [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", MINE)]) == [OTHER, MINE]


def test_silencing_drops_the_reason():
    assert apply_overrides([NOT_ELIGIBLE, OTHER], [RefusalOverride("INSTITUTION_OTHER_CITY")]) == [NOT_ELIGIBLE]


def test_an_override_for_a_code_not_refused_adds_nothing():
    assert apply_overrides([OTHER], [RefusalOverride("SAME_INSTITUTION", MINE)]) == [OTHER]
    assert apply_overrides([], [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", MINE)]) == []


def test_every_default_refusal_code_is_listed_for_cities():
    import inspect
    import re

    source = inspect.getsource(defaults.yibao_validate_selection)
    assert set(re.findall(r'UserError\(\s*"([A-Z_]+)"', source)) == set(defaults.REFUSAL_CODES)


def silencing_city() -> types.ModuleType:
    """A city written in the test: any institution of Guangdong may be chosen, so it silences
    INSTITUTION_OTHER_CITY (and only that) for its persons."""
    city = types.ModuleType("silencing_city")

    @hookimpl
    def yibao_city():
        return CityInfo(code="opencity", name="开放市", division_code="449902")

    @hookimpl
    def yibao_selection_slots(person, kind, today):
        return [Slot("ANY", "省内任一机构", "any institution in Guangdong", "44")]

    @hookimpl
    def yibao_refusal_overrides(request):
        return [RefusalOverride("INSTITUTION_OTHER_CITY")]

    city.yibao_city, city.yibao_selection_slots = yibao_city, yibao_selection_slots
    city.yibao_refusal_overrides = yibao_refusal_overrides
    return city


@pytest.fixture
def yibao_extra_plugins():
    return [silencing_city()]


async def test_a_city_silences_a_default_refusal_through_graphql(yibao_client, new_id):
    from .support import City

    city = City(yibao_client, "opencity")
    pid = new_id()
    await city.register(pid, on="2026-03-02")
    body = await city.select(pid, "H44200110001", on="2026-03-02")  # a Zhongshan centre
    assert body["errors"] == []
    assert body["selection"]["institution"]["code"] == "H44200110001"
    # a Kaiping person choosing the same centre is still refused: the override is opencity's alone
    other = City(yibao_client, "jiangmen_kaiping")
    kp = new_id()
    await other.register(kp, on="2026-03-02")
    refused = await other.select(kp, "H44200110001", on="2026-03-02")
    assert "INSTITUTION_OTHER_CITY" in [e["code"] for e in refused["errors"]]
