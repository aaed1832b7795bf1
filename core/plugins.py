"""The plugin host: loads city plugins, validates their hooks, dispatches per city.

A request about a person or institution calls only that city's plugin plus the province-wide
defaults (pluggy's subset_hook_caller); integrators asking about three cities make three calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, cast

import pluggy

from . import defaults, hookspecs
from .cityhooks import CityHookCalls
from .domain import CityInfo
from .errors import BadArgument
from .rulesets import RuleSet
from .settings import PluginSettings, ResolvedSetting, SettingsError, read_settings_file, resolve

ENTRY_POINT_GROUP = "yibao.cities"
DEFAULTS_NAME = "province-defaults"


class PluginError(RuntimeError):
    """A plugin is malformed: unknown hook, two plugins for one city, no identity."""


@dataclass(frozen=True, slots=True)
class PluginInfo:
    name: str
    version: str
    city: str | None
    hooks: tuple[str, ...]
    rule_sets: tuple[RuleSet, ...]
    settings: tuple[ResolvedSetting, ...] = field(default=())


class CityHooks:
    """The hooks of one city: its plugin plus the defaults, as `hooks.yibao_…(**kwargs)`.

    Typed as core.cityhooks.CityHookCalls where it is handed out (PluginHost.city).
    """

    def __init__(self, pm: pluggy.PluginManager, remove: list[object]):
        self._pm = pm
        self._remove = remove
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._callers[name]
        except KeyError:
            caller = self._pm.subset_hook_caller(name, self._remove)
            self._callers[name] = caller
            return caller


class PluginHost:
    def __init__(self, pm: pluggy.PluginManager, cities: dict[str, tuple[object, CityInfo]],
                 settings: dict[str, PluginSettings] | None = None):
        self.pm = pm
        self._cities = cities
        self._settings = settings or {}
        self._hooks: dict[str, CityHooks] = {}
        for code in cities:
            others = [p for c, (p, _) in cities.items() if c != code]
            self._hooks[code] = CityHooks(pm, others)

    @classmethod
    def load(cls, *, entry_points: bool = True, extra: Iterable[object] = (),
             environ: Mapping[str, str] | None = None) -> PluginHost:
        """Register the defaults and the city plugins, check their hooks and resolve their settings.

        `environ` (default: os.environ) supplies YIBAO_SETTINGS_FILE and YIBAO_SETTING_<CITY>_<NAME>
        (core/settings.py); a bad setting raises PluginError at start-up.
        """
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        pm.register(defaults, name=DEFAULTS_NAME)
        if entry_points:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        try:
            for plugin in extra:
                pm.register(plugin, name=getattr(plugin, "__name__", None))
            pm.check_pending()  # a misspelt hook fails loudly at start-up
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(str(exc)) from exc
        cities = _identify(pm)
        return cls(pm, cities, _resolve_settings(cities, environ))

    # -- dispatch ---------------------------------------------------------------------------

    def city(self, code: str) -> CityHookCalls:
        try:
            return cast(CityHookCalls, self._hooks[code])
        except KeyError:
            raise LookupError(code) from None

    def adjust(self, city: str, hook: str, value_name: str, value: Any, **kwargs: Any) -> Any:
        """Pass `value` through an adjusting hook: the defaults first, the city last (hookspecs.py).

        Each implementation is called through pluggy's own machinery (the manager's hook
        executor, which is what tracing and `add_hookcall_monitoring` see): it receives only the
        arguments it declares, and the hook's wrappers (`wrapper=True` / `hookwrapper=True`)
        surround it. A None answer leaves the value as it was.
        """
        caller = getattr(self.city(city), hook)
        impls = caller.get_hookimpls()  # pluggy's order: trylast (the defaults) first, the city last
        wrappers = [i for i in impls if i.hookwrapper or i.wrapper]
        for impl in impls:
            if impl.hookwrapper or impl.wrapper:
                continue
            # pluggy runs the list back to front: the wrappers (listed after) first, then `impl`
            result = self.pm._hookexec(caller.name, [impl, *wrappers], {**kwargs, value_name: value}, True)
            if result is not None:
                value = result
        return value

    def settings(self, city: str) -> PluginSettings:
        """The city plugin's resolved settings (empty when it declares none)."""
        return self._settings.get(city) or PluginSettings(city)

    def has_city(self, code: str) -> bool:
        return code in self._cities

    def check_city(self, code: str) -> None:
        """Raise UNKNOWN_CITY (a top-level request error) unless a plugin serves `code`."""
        if not self.has_city(code):
            known = ", ".join(self._cities)
            raise BadArgument(f"未知城市：{code}（可选：{known}）", f"unknown city {code!r} (known: {known})", "UNKNOWN_CITY")

    @property
    def cities(self) -> list[CityInfo]:
        return [info for _plugin, info in self._cities.values()]

    # -- introspection ------------------------------------------------------------------------

    def describe(self) -> list[PluginInfo]:
        versions = {id(p): dist.version for p, dist in self.pm.list_plugin_distinfo()}
        city_of = {id(p): info.code for p, info in self._cities.values()}
        out = []
        for name, plugin in self.pm.list_name_plugin():
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or ()))
            rule_sets = tuple(getattr(plugin, "yibao_rule_sets", lambda: [])() or ())
            version = versions.get(id(plugin)) or getattr(plugin, "__version__", None) or _own_version()
            city = city_of.get(id(plugin))
            settings = self.settings(city).resolved if city else ()
            out.append(PluginInfo(name, version, city, hooks, rule_sets, settings))
        out.sort(key=lambda p: (p.city is None, p.city or "", p.name))
        return out


def _identify(pm: pluggy.PluginManager) -> dict[str, tuple[object, CityInfo]]:
    cities: dict[str, tuple[object, CityInfo]] = {}
    for name, plugin in pm.list_name_plugin():
        if plugin is defaults:
            continue
        identity = getattr(plugin, "yibao_city", None)
        if identity is None:
            raise PluginError(f"plugin {name!r} does not implement yibao_city()")
        info = identity()
        if not isinstance(info, CityInfo):
            raise PluginError(f"plugin {name!r}: yibao_city() must return CityInfo")
        if info.code in cities:
            raise PluginError(f"two plugins claim city {info.code!r}")
        cities[info.code] = (plugin, info)
    return dict(sorted(cities.items()))


def _resolve_settings(cities: dict[str, tuple[object, CityInfo]],
                      environ: Mapping[str, str] | None) -> dict[str, PluginSettings]:
    import os

    env = os.environ if environ is None else environ
    try:
        file_data = read_settings_file(env)
        unknown_cities = sorted(set(file_data) - set(cities))
        if unknown_cities:
            raise SettingsError(f"the settings file names cities no plugin serves: {', '.join(unknown_cities)}")
        out = {}
        for code, (plugin, _info) in cities.items():
            declare = getattr(plugin, "yibao_settings", None)
            specs = list(declare() or ()) if declare is not None else []
            out[code] = resolve(code, specs, env, file_data)
        return out
    except SettingsError as exc:
        raise PluginError(f"plugin settings: {exc}") from exc


def _own_version() -> str:
    try:
        return metadata.version("yibao")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"
