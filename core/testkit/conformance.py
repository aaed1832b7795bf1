"""Conformance checks a city plugin must pass; city contributors call these from their tests.

    from yibao.core.testkit.conformance import check_city_plugin
    def test_my_city_conforms():
        assert check_city_plugin(my_city_plugin) == []
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date

from yibao.core import hookspecs
from yibao.core.domain import CityInfo, Person, ReferenceData, Scheme, SchemePeriod, SelectionKind, Slot
from yibao.core.plugins import PluginError, PluginHost

CODE = re.compile(r"^H\d{11}$")


def check_city_plugin(plugin: object) -> list[str]:
    """Every problem found with a city plugin (an empty list when it conforms)."""
    problems: list[str] = []
    specs = {name for name in dir(hookspecs) if name.startswith("yibao_")}
    for name in dir(plugin):
        if name.startswith("yibao_") and name not in specs:
            problems.append(f"{name} is not a yibao hook (misspelt?)")
    problems += unregistered_hooks(plugin)
    try:
        host = PluginHost.load(entry_points=False, extra=[plugin])
    except PluginError as exc:
        return [*problems, str(exc)]
    info = plugin.yibao_city()  # type: ignore[attr-defined]
    if not isinstance(info, CityInfo) or not re.fullmatch(r"\d{6}", info.division_code):
        return [*problems, "yibao_city() must return CityInfo with a 6-digit GB/T 2260 division code"]
    hooks = host.city(info.code)
    data = hooks.yibao_reference_data()
    if data is not None:
        problems += _check_reference(info, data)
    sample = Person(id=0, id_number="0", name="sample", city=info.code,
                    schemes=(SchemePeriod(Scheme.EMPLOYEE, date(2000, 1, 1)),))
    for kind in SelectionKind:
        slots = hooks.yibao_selection_slots(person=sample, kind=kind, today=date(2026, 1, 5))
        if not slots or not all(isinstance(s, Slot) for s in slots):
            problems.append(f"yibao_selection_slots gives no slots for {kind.value}")
    for rule_set in [r for batch in hooks.yibao_rule_sets() for r in batch]:
        if rule_set.city != info.code:
            problems.append(f"rule set {rule_set.id} names city {rule_set.city}")
    return problems


def unregistered_hooks(plugin: object) -> list[str]:
    """A `yibao_*` function in a module of the plugin's package that the plugin itself does not
    expose: pluggy registers only the plugin object, so such a hook is silently inactive
    (forgotten in the package's `__init__`)."""
    path = getattr(plugin, "__path__", None)
    name = getattr(plugin, "__name__", None)
    if path is None or name is None:  # a single module or an object: everything it has is registered
        return []
    problems = []
    for info in pkgutil.walk_packages(path, prefix=name + "."):
        module = importlib.import_module(info.name)
        for attr, fn in inspect.getmembers(module, inspect.isfunction):
            if not attr.startswith("yibao_") or fn.__module__ != module.__name__:
                continue  # not a hook, or imported from elsewhere (checked where it is defined)
            if getattr(plugin, attr, None) is not fn:
                problems.append(f"{info.name}.{attr} is not registered: import it in {name}/__init__.py")
    return problems


def _check_reference(info: CityInfo, data: ReferenceData) -> list[str]:
    problems = []
    towns = {t.name for t in data.towns}
    codes = [i.code for i in data.institutions]
    if len(codes) != len(set(codes)):
        problems.append("institution codes are not unique")
    for inst in data.institutions:
        if not CODE.match(inst.code):
            problems.append(f"{inst.code}: an institution code is H + 11 digits (IN-1)")
        if inst.city != info.code:
            problems.append(f"{inst.code}: city {inst.city} is not {info.code}")
        if towns and inst.town is not None and inst.town not in towns:
            problems.append(f"{inst.code}: town {inst.town} is not one of the city's towns")
    return problems


from .behaviour import check_city_behaviour  # noqa: E402,F401  (the behaviour half of the suite)
