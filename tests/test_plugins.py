"""The plugin host: per-city dispatch, start-up validation, documented hooks, the conformance kit."""

from __future__ import annotations

import inspect
import types

import pytest

from yibao.core import hookspecs
from yibao.core.domain import CityInfo, SelectionKind, Slot
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginError, PluginHost
from yibao.core.testkit.conformance import check_city_plugin
from yibao.plugins import jiangmen_kaiping, shenzhen, zhongshan

from .support import SHIQI_CENTRE

HOOKS = sorted(n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("yibao_"))


def make_city(code: str, calls: list, module_name: str | None = None, **hooks) -> types.ModuleType:
    module = types.ModuleType(module_name or f"city_{code}")

    @hookimpl
    def yibao_city():
        return CityInfo(code=code, name=code, division_code="449999")

    @hookimpl
    def yibao_validate_selection(request):
        calls.append((code, request.person.city))
        return []

    module.yibao_city = yibao_city
    module.yibao_validate_selection = yibao_validate_selection
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


@pytest.mark.parametrize("plugin", [zhongshan, jiangmen_kaiping, shenzhen], ids=lambda p: p.__name__)
def test_shipped_city_plugins_conform(plugin):
    assert check_city_plugin(plugin) == []


def test_a_misspelt_hook_fails_at_start_up():
    bad = types.ModuleType("bad_city")
    bad.yibao_city = hookimpl(lambda: CityInfo("bad", "bad", "449998"))
    bad.yibao_validate_selektion = hookimpl(lambda request: [])
    with pytest.raises(PluginError, match="yibao_validate_selektion"):
        PluginHost.load(entry_points=False, extra=[bad])
    assert any("misspelt" in p for p in check_city_plugin(bad))


def test_two_plugins_for_one_city_fail_at_start_up():
    with pytest.raises(PluginError, match="two plugins"):
        PluginHost.load(entry_points=False, extra=[make_city("dup", [], "one"), make_city("dup", [], "two")])


def test_a_hook_with_a_wrong_signature_fails_at_start_up():
    wrong = types.ModuleType("wrong_city")
    wrong.yibao_city = hookimpl(lambda: CityInfo("wrong", "wrong", "449997"))
    wrong.yibao_coverage = hookimpl(lambda person, kind, selections, on, extra: None)
    with pytest.raises(Exception, match="extra"):
        PluginHost.load(entry_points=False, extra=[wrong])


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_says_how_results_combine(hook):
    doc = getattr(hookspecs, hook).__doc__ or ""
    assert doc.strip(), hook
    firstresult = getattr(hookspecs, hook).yibao_spec["firstresult"]
    kinds = [k for k in ("(decides)", "(contributes", "(adjusts)") if k in doc]
    assert len(kinds) == 1, hook
    assert (kinds == ["(decides)"]) == firstresult, hook


# -- dispatch through a real request --------------------------------------------------------------

CALLS: list = []


@pytest.fixture
def yibao_extra_plugins():
    CALLS.clear()
    return [make_city("testville", CALLS, yibao_selection_slots=lambda person, kind, today: [
        Slot("ANY", "任意", "any", region="")])]


async def test_a_request_about_a_zhongshan_person_reaches_only_zhongshan_and_the_defaults(
        zhongshan_city, yibao_platform, new_id):
    pid = new_id()
    await zhongshan_city.register(pid, on="2026-04-01")
    body = await zhongshan_city.select(pid, SHIQI_CENTRE, on="2026-04-01")
    assert body["errors"] == []
    assert CALLS == []  # testville's hook never saw a Zhongshan request
    testville = yibao_platform.plugins.city("testville")
    slots = testville.yibao_selection_slots(person=None, kind=SelectionKind.GENERAL_OUTPATIENT, today=None)
    assert [s.key for s in slots] == ["ANY"]
    assert {c.code for c in yibao_platform.plugins.cities} == {"zhongshan", "jiangmen_kaiping", "shenzhen", "testville"}


async def test_a_request_about_a_testville_person_reaches_testville(yibao_client, yibao_platform, new_id):
    """The positive control of the test above: the same hook does see its own city's request."""
    from yibao.core.domain import Institution, InstitutionLevel

    from .support import City

    await yibao_platform.institutions.import_institutions("testville", [Institution(
        code="H44999900001", name="测试镇卫生院", city="testville", level=InstitutionLevel.LEVEL_1_OR_BELOW,
        category="卫生院", division_code="449999")], source="test")
    testville = City(yibao_client, "testville")
    pid = new_id()
    await testville.register(pid, on="2026-04-01")
    body = await testville.select(pid, "H44999900001", on="2026-04-01")
    assert body["errors"] == [] and body["selection"]["slot"] == "ANY"
    assert CALLS == [("testville", "testville")]


@pytest.fixture
def zhongshan_city(zhongshan):
    return zhongshan
