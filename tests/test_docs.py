"""docs/plugins.md is complete: every hook documented with its signature and tested under its own
name (as datasette's tests do), every default refusal code, and the test kit's fixtures, options,
markers and variables. A failure names the hook or the item that is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yibao.core import defaults, hookdocs
from yibao.core.testkit import conformance, pytest_plugin

ROOT = Path(__file__).resolve().parent.parent
PLUGINS_MD = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "tests"
HOOKS = hookdocs.hooks()
REGENERATE = "run `yibao docs hooks --write docs/plugins.md` after writing the hookspec's docstring"


@pytest.fixture(scope="module")
def text() -> str:
    return PLUGINS_MD.read_text("utf-8")


@pytest.fixture(scope="module")
def test_sources() -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("test_*.py")))


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h.name)
def test_every_hook_is_documented_with_a_matching_signature(hook, text):
    documented = hookdocs.documented(text)
    assert hook.name in documented, f"{hook.name} has no section in docs/plugins.md: {REGENERATE}"
    assert documented[hook.name] == hook.args, (
        f"{hook.name}: docs/plugins.md documents ({', '.join(documented[hook.name])}) but the hookspec takes "
        f"({', '.join(hook.args)}): {REGENERATE}")


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h.name)
def test_every_hook_has_a_test_of_its_own(hook, test_sources):
    own = re.compile(rf"^\s*(async\s+)?def test_hook_{hook.name}\(", re.MULTILINE)
    assert own.search(test_sources), (
        f"{hook.name} has no test named test_hook_{hook.name} under tests/ "
        "(tests/test_hooks.py has one per hook, through the example city in tests/plugins/)")


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h.name)
def test_every_hook_docstring_has_an_example(hook):
    assert "@hookimpl" in hook.doc or "example" in hook.doc.lower(), f"{hook.name}: its docstring has no short example"


def test_the_hook_reference_is_generated_from_the_current_docstrings(text):
    current = text[text.find(hookdocs.BEGIN):text.find(hookdocs.END) + len(hookdocs.END) + 1]
    fresh = hookdocs.render()
    if current != fresh:
        stale = [h.name for h in HOOKS if _section(current, h.name) != _section(fresh, h.name)]
        pytest.fail(f"docs/plugins.md is stale for {', '.join(stale) or 'its hook reference'}: {REGENERATE}")


def _section(text: str, name: str) -> str:
    match = re.search(rf"^### `{name}\(.*?(?=^##|\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(0) if match else ""


@pytest.mark.parametrize("code", sorted(defaults.REFUSAL_CODES))
def test_every_default_refusal_code_is_documented(code, text):
    assert f"`{code}`" in text, f"the default refusal {code} is not in docs/plugins.md's table"


def _kit_source() -> str:
    import inspect

    from yibao.core.testkit import databases

    return "\n".join(inspect.getsource(m) for m in (pytest_plugin, databases, conformance))


def test_every_test_kit_fixture_option_marker_and_variable_is_documented(text):
    source = _kit_source()
    fixtures = re.findall(r"@pytest\.fixture[^\n]*\n(?:async )?def ([a-z]\w*)", source)
    options = re.findall(r'addoption\("(--[\w-]+)"', source)
    markers = re.findall(r'addinivalue_line\("markers", "(\w+)', source)
    variables = set(re.findall(r'"(YIBAO_\w+)"', source))
    assert fixtures and options and markers and variables
    names = [*fixtures, *options, *markers, *sorted(variables)]
    missing = [n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert missing == [], f"not documented in docs/plugins.md: {missing}"


def test_every_public_conformance_check_is_documented(text):
    checks = [n for n in dir(conformance) if n.startswith("check_")]
    assert checks and [c for c in checks if f"`{c}(" not in text] == []
