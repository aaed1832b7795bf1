"""The install promises: every package is listed, the three cities register by entry point."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"core": "yibao.core", "schema": "yibao.schema", "plugins": "yibao.plugins"}


def test_every_python_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in MAPPED.items():
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join([name, *rel.parts]) if rel.parts else name)
    assert found == listed


def test_city_plugins_are_registered_through_the_entry_point_group():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="yibao.cities")}
    assert eps == {
        "zhongshan": "yibao.plugins.zhongshan",
        "jiangmen_kaiping": "yibao.plugins.jiangmen_kaiping",
        "shenzhen": "yibao.plugins.shenzhen",
    }


def test_the_yibao_command_is_installed():
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts["yibao"] == "yibao.schema.cli:main"
