"""Plugin settings: values a city plugin declares with defaults, an operator overrides without code.

A plugin declares its settings through the `yibao_settings` hook (name, type, default, both
descriptions, optional bounds). At start-up the host resolves each one, later sources winning:

1. the declared default;
2. the JSON file named by `YIBAO_SETTINGS_FILE`: `{"<city>": {"<name>": value, ...}, ...}`;
3. the environment variable `YIBAO_SETTING_<CITY>_<NAME>` (upper case), e.g.
   `YIBAO_SETTING_FOSHAN_CHANGE_CUTOFF_DAY=15`.

A value of the wrong type, out of bounds, or naming a setting the plugin does not declare stops
the start-up with a `SettingsError` saying which one and why. Rules read the resolved values from
the requests they judge (`SelectionRequest.settings`); the `plugins` query shows them.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

ENV_PREFIX = "YIBAO_SETTING_"
FILE_ENV = "YIBAO_SETTINGS_FILE"

SettingValue = int | bool | str


class SettingsError(ValueError):
    """An operator's setting cannot be used; raised at start-up, never during a request."""


class SettingType(str, enum.Enum):
    INT = "INT"
    BOOL = "BOOL"
    STRING = "STRING"


class SettingSource(str, enum.Enum):
    DEFAULT = "DEFAULT"
    FILE = "FILE"
    ENVIRONMENT = "ENVIRONMENT"


@dataclass(frozen=True, slots=True)
class PluginSetting:
    """One setting a plugin declares (the `yibao_settings` hook)."""

    name: str
    """lower_snake_case; the environment variable is YIBAO_SETTING_<CITY>_<NAME upper-cased>."""
    type: SettingType
    default: SettingValue
    description: str
    description_en: str
    minimum: int | None = None
    maximum: int | None = None
    rule: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").isalnum() or self.name.lower() != self.name:
            raise SettingsError(f"setting name {self.name!r} must be lower_snake_case")
        self.parse(self.default, "the declared default")

    def parse(self, raw: object, where: str) -> SettingValue:
        """The typed value of `raw` (a JSON value or an environment string); SettingsError when unusable."""
        value: SettingValue
        if self.type is SettingType.BOOL:
            if isinstance(raw, bool):
                value = raw
            elif isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                value = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                raise SettingsError(f"{where}: setting {self.name!r} must be a boolean (true/false/1/0), got {raw!r}")
        elif self.type is SettingType.INT:
            if isinstance(raw, bool) or not isinstance(raw, int | str):
                raise SettingsError(f"{where}: setting {self.name!r} must be an integer, got {raw!r}")
            try:
                value = int(raw.strip()) if isinstance(raw, str) else raw
            except ValueError:
                raise SettingsError(f"{where}: setting {self.name!r} must be an integer, got {raw!r}") from None
            if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                raise SettingsError(
                    f"{where}: setting {self.name!r} must lie between {self.minimum} and {self.maximum}, got {value}")
        else:
            if not isinstance(raw, str):
                raise SettingsError(f"{where}: setting {self.name!r} must be a string, got {raw!r}")
            value = raw
        return value


@dataclass(frozen=True, slots=True)
class ResolvedSetting:
    """A declared setting with the value in force and where that value came from."""

    spec: PluginSetting
    value: SettingValue
    source: SettingSource


@dataclass(frozen=True, slots=True)
class PluginSettings:
    """The resolved settings of one city plugin (read-only)."""

    city: str = ""
    resolved: tuple[ResolvedSetting, ...] = ()
    _by_name: Mapping[str, ResolvedSetting] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", MappingProxyType({r.spec.name: r for r in self.resolved}))

    def get(self, name: str, default: SettingValue | None = None) -> SettingValue | None:
        found = self._by_name.get(name)
        return found.value if found is not None else default

    def integer(self, name: str, default: int) -> int:
        value = self.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def flag(self, name: str, default: bool) -> bool:
        value = self.get(name)
        return value if isinstance(value, bool) else default


def env_name(city: str, name: str) -> str:
    return f"{ENV_PREFIX}{city.upper()}_{name.upper()}"


def read_settings_file(environ: Mapping[str, str]) -> dict[str, dict[str, object]]:
    """The JSON file named by YIBAO_SETTINGS_FILE, or {} when the variable is unset."""
    path = environ.get(FILE_ENV)
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise SettingsError(f"{FILE_ENV}={path}: cannot read the settings file ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{FILE_ENV}={path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise SettingsError(f"{FILE_ENV}={path}: expected an object of cities, each an object of settings")
    return data


def resolve(city: str, specs: list[PluginSetting], environ: Mapping[str, str] | None = None,
            file_data: Mapping[str, Mapping[str, object]] | None = None) -> PluginSettings:
    """Resolve one city's declared settings against the settings file and the environment."""
    env = os.environ if environ is None else environ
    from_file = dict((file_data if file_data is not None else read_settings_file(env)).get(city, {}))
    names = [s.name for s in specs]
    if len(names) != len(set(names)):
        raise SettingsError(f"city {city!r} declares a setting twice: {sorted(n for n in names if names.count(n) > 1)}")
    unknown = sorted(set(from_file) - set(names))
    prefix = f"{ENV_PREFIX}{city.upper()}_"
    declared_env = {env_name(city, n) for n in names}
    unknown += sorted(k for k in env if k.startswith(prefix) and k not in declared_env)
    if unknown:
        raise SettingsError(
            f"unknown setting(s) for city {city!r}: {', '.join(unknown)} (declared: {', '.join(names) or 'none'})")
    out = []
    for spec in specs:
        variable = env_name(city, spec.name)
        if variable in env:
            out.append(ResolvedSetting(spec, spec.parse(env[variable], variable), SettingSource.ENVIRONMENT))
        elif spec.name in from_file:
            out.append(ResolvedSetting(spec, spec.parse(from_file[spec.name], f"{FILE_ENV} [{city}]"),
                                       SettingSource.FILE))
        else:
            out.append(ResolvedSetting(spec, spec.default, SettingSource.DEFAULT))
    return PluginSettings(city, tuple(out))
