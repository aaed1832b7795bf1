"""Plugin host edges (issue 13): adjusting hooks go through pluggy's own calling, a hook left out of
a city package's `__init__` fails the conformance kit, and a city's hooks are typed."""

from __future__ import annotations

import dataclasses
import inspect
import sys
import textwrap
import types
import typing

from yibao.core import hookspecs
from yibao.core.catalogue.items import ServiceItem, load_catalogue
from yibao.core.cityhooks import CityHookCalls
from yibao.core.domain import CityInfo
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginHost
from yibao.core.testkit.conformance import check_city_plugin, unregistered_hooks

SPECS = {n: f for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("yibao_")}


def _item() -> ServiceItem:
    item = load_catalogue().get("GD-22")
    assert item is not None
    return item


def _city(code: str, **hooks: object) -> types.ModuleType:
    module = types.ModuleType(f"city_{code}")
    module.yibao_city = hookimpl(lambda: CityInfo(code=code, name=code, division_code="449990"))  # type: ignore[attr-defined]
    for name, fn in hooks.items():
        setattr(module, name, fn)
    return module


def test_adjust_passes_each_implementation_only_the_arguments_it_declares():
    # pluggy's argument filtering: the caller may offer more than an implementation takes
    @hookimpl
    def yibao_service_item(item):
        return dataclasses.replace(item, name=item.name + "（本市）")

    host = PluginHost.load(entry_points=False, extra=[_city("filtered", yibao_service_item=yibao_service_item)])
    adjusted = host.adjust("filtered", "yibao_service_item", "item", _item(), today="2026-01-05")
    assert adjusted.name.endswith("（本市）")


def test_adjust_runs_the_hooks_wrappers_around_each_implementation():
    seen: list[tuple[str, str]] = []

    @hookimpl
    def yibao_service_item(item):
        return dataclasses.replace(item, name="本市版本")

    @hookimpl(wrapper=True, specname="yibao_service_item")
    def trace(item):
        seen.append(("before", item.name))
        result = yield
        seen.append(("after", result.name))
        return result

    host = PluginHost.load(entry_points=False, extra=[
        _city("wrapped", yibao_service_item=yibao_service_item, trace=trace)])
    original = _item()
    adjusted = host.adjust("wrapped", "yibao_service_item", "item", original)
    assert adjusted.name == "本市版本"
    assert seen == [("before", original.name), ("after", "本市版本")]


def test_adjust_is_visible_to_pluggy_call_monitoring_and_chains_defaults_then_city():
    calls: list[str] = []

    @hookimpl(trylast=True, specname="yibao_service_item")
    def first(item):
        return dataclasses.replace(item, notes=(*item.notes, "first"))

    @hookimpl
    def yibao_service_item(item):
        return dataclasses.replace(item, notes=(*item.notes, "city"))

    host = PluginHost.load(entry_points=False, extra=[_city("traced", first=first, yibao_service_item=yibao_service_item)])
    undo = host.pm.add_hookcall_monitoring(lambda name, impls, kwargs: calls.append(name), lambda *a: None)
    try:
        adjusted = host.adjust("traced", "yibao_service_item", "item", _item())
    finally:
        undo()
    assert adjusted.notes[-2:] == ("first", "city")  # each answer fed the next, the trylast one first
    assert calls == ["yibao_service_item", "yibao_service_item"]


def test_an_implementation_answering_none_leaves_the_value_alone():
    host = PluginHost.load(entry_points=False, extra=[
        _city("silent", yibao_service_item=hookimpl(lambda item: None))])
    item = _item()
    assert host.adjust("silent", "yibao_service_item", "item", item) is item


def _write_package(root, name: str, init_imports_rules: bool) -> types.ModuleType:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        from yibao.core.domain import CityInfo
        from yibao.core.hookspecs import hookimpl
        {"from .rules import yibao_validate_selection  # noqa: F401" if init_imports_rules else ""}

        @hookimpl
        def yibao_city():
            return CityInfo(code="{name}", name="{name}", division_code="449980")
        """), "utf-8")
    (package / "rules.py").write_text(textwrap.dedent("""
        from yibao.core.hookspecs import hookimpl

        @hookimpl
        def yibao_validate_selection(request):
            return []
        """), "utf-8")
    sys.modules.pop(name, None)
    return __import__(name)


def test_conformance_fails_on_a_hook_in_a_submodule_the_package_does_not_register(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    forgetful = _write_package(tmp_path, "forgetful_city", init_imports_rules=False)
    problems = check_city_plugin(forgetful)
    assert problems == ["forgetful_city.rules.yibao_validate_selection is not registered: "
                        "import it in forgetful_city/__init__.py"]


def test_conformance_accepts_the_same_hook_once_the_package_imports_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    careful = _write_package(tmp_path, "careful_city", init_imports_rules=True)
    assert unregistered_hooks(careful) == []
    assert check_city_plugin(careful) == []


def test_city_hooks_are_typed_by_a_protocol_that_matches_hookspecs():
    assert typing.get_type_hints(PluginHost.city)["return"] is CityHookCalls
    methods = {n: f for n, f in inspect.getmembers(CityHookCalls, inspect.isfunction) if n.startswith("yibao_")}
    missing = sorted(set(SPECS) - set(methods))
    assert missing == [], f"add these hooks to CityHookCalls in core/cityhooks.py: {missing}"
    assert sorted(set(methods) - set(SPECS)) == []
    for name, method in methods.items():
        params = [p for p in inspect.signature(method).parameters if p != "self"]
        assert params == list(inspect.signature(SPECS[name]).parameters), name
        assert all(inspect.signature(method).parameters[p].kind is inspect.Parameter.KEYWORD_ONLY for p in params), name
