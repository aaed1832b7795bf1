"""`yibao new-city`: writes a working city plugin package from the templates beside this file.

The package lives outside the repository, registers under `yibao.cities`, passes its own tests
and the conformance suite as written, and is where a city's contributor starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
DIVISION = re.compile(r"^\d{6}$")


class ScaffoldError(ValueError):
    """A bad argument to new-city: carries an upper-snake code and both languages."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(message_en)
        self.code, self.message, self.message_en = code, message, message_en


@dataclass(frozen=True, slots=True)
class NewCity:
    code: str
    name: str
    division: str

    @property
    def package(self) -> str:
        return f"yibao_city_{self.code}"

    @property
    def distribution(self) -> str:
        return f"yibao-city-{self.code.replace('_', '-')}"

    def substitutions(self) -> dict[str, str]:
        return {"{{code}}": self.code, "{{name}}": self.name, "{{division}}": self.division,
                "{{package}}": self.package, "{{distribution}}": self.distribution,
                "{{CODE}}": self.code.upper()}


def check(city: NewCity, known: list[str]) -> list[ScaffoldError]:
    errors = []
    if not CODE.match(city.code):
        errors.append(ScaffoldError("INVALID_CITY_CODE", f"城市代码须为小写字母开头的字母、数字或下划线：{city.code!r}",
                                    f"a city code is lower-case letters, digits and _ starting with a letter: {city.code!r}"))
    if city.code in known:
        errors.append(ScaffoldError("CITY_EXISTS", f"已有插件服务城市 {city.code}", f"a plugin already serves {city.code}"))
    if not city.name.strip() or "\x00" in city.name or len(city.name) > 40:
        errors.append(ScaffoldError("NAME_REQUIRED", "城市名称须为1至40个字符", "the city name is 1 to 40 characters"))
    if not DIVISION.match(city.division):
        errors.append(ScaffoldError("INVALID_DIVISION_CODE", f"行政区划代码须为6位数字（GB/T 2260）：{city.division!r}",
                                    f"the division code is 6 digits (GB/T 2260): {city.division!r}"))
    return errors


def write(city: NewCity, directory: Path) -> Path:
    """Write the package into `directory`/<distribution>; refuses to overwrite anything."""
    target = directory / city.distribution
    if target.exists():
        raise ScaffoldError("TARGET_EXISTS", f"{target} 已存在", f"{target} already exists")
    subs = city.substitutions()
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        rel = template.relative_to(TEMPLATES).with_suffix("")
        parts = [city.package if p == "package" else p for p in rel.parts]
        text = template.read_text("utf-8")
        for key, value in subs.items():
            text = text.replace(key, value)
        out = target.joinpath(*parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, "utf-8")
    return target
