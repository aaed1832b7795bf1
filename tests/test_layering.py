"""The core's wiring (issue 13): services get what they use in their constructor, the composition
root imports the services and never the other way round, no service reaches into another's private
members, and core never imports the schema (the CLI that assembles the HTTP app lives in schema/)."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted((ROOT / "core" / "services").glob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against the yibao package layout."""
    tree = ast.parse(path.read_text("utf-8"))
    package = ["yibao", *path.relative_to(ROOT).parent.parts]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_do_not_import_the_platform(path: Path):
    assert "yibao.core.platform" not in _imports(path), f"{path.name} imports the composition root"


def test_the_platform_imports_the_services_it_wires():
    imported = _imports(ROOT / "core" / "platform.py")
    assert "yibao.core.services.selections" in imported  # positive control for the check above


def test_core_never_imports_the_schema():
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "core").rglob("*.py")
        if "testkit" not in p.parts and any(m.startswith("yibao.schema") for m in _imports(p))
    ]
    assert offenders == []
    assert any(m.startswith("yibao.core") for m in _imports(ROOT / "schema" / "cli.py"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_no_service_reaches_into_another_objects_private_members(path: Path):
    # `self.x._y`: a private member of a collaborator; `self._y` (own members) is fine.
    source = path.read_text("utf-8")
    assert re.findall(r"self\.[a-z]\w*\._\w+", source) == []


def test_services_take_their_collaborators_in_the_constructor():
    from yibao.core.services.application_flow import ApplicationFlow
    from yibao.core.services.selections import Selections

    assert list(inspect.signature(Selections).parameters) == [
        "db", "plugins", "catalogue", "events", "persons", "institutions"]
    assert list(inspect.signature(ApplicationFlow).parameters) == ["db", "catalogue", "events", "selections"]


async def test_a_service_works_built_by_hand_without_a_platform(yibao_platform):
    """The explicit wiring is usable on its own: a service built from parts answers like the platform's."""
    from yibao.core.services.institutions import Institutions

    own = Institutions(yibao_platform.db, yibao_platform.plugins)
    page = await own.search("zhongshan", search="shiqi", first=5)
    assert [i.code for i in page.items] == [
        i.code for i in (await yibao_platform.institutions.search("zhongshan", search="shiqi", first=5)).items]
    assert page.items, "石岐 has a community health centre in Zhongshan's data"
