"""`yibao new-city` (issue 11): a package written outside the repository installs with pip, passes
its own tests and the conformance suite, and is served by `yibao serve`; bad arguments are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from yibao.core.testkit.server import running_server

ROOT = Path(__file__).resolve().parent.parent


def yibao(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yibao.schema.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path) -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_") and k != "PYTHONPATH"}


def test_a_new_city_installs_passes_its_tests_and_the_conformance_suite_and_is_served(tmp_path, env):
    assert not tmp_path.resolve().is_relative_to(ROOT)  # outside the repository
    made = yibao("new-city", "newtown", "--name", "新城市", "--division", "449903", "--dir", str(tmp_path),
                 env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    package = tmp_path / "yibao-city-newtown"
    assert {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()} == {
        "pyproject.toml", "README.md", "yibao_city_newtown/__init__.py", "yibao_city_newtown/rules.py",
        "yibao_city_newtown/data/towns.json", "yibao_city_newtown/data/institutions.json", "tests/test_city.py"}
    rules = (package / "yibao_city_newtown" / "rules.py").read_text("utf-8")
    for family in ("People and schemes", "Selections", "service catalogue"):
        assert family in rules

    # pip install of the result into a folder of its own (put on PYTHONPATH), so the shared
    # environment never sees the test city and nothing needs uninstalling: the folder goes with tmp_path.
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site),
         str(package)], env=env, capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    assert (site / "yibao_city_newtown" / "data" / "institutions.json").exists()
    env = {**env, "PYTHONPATH": str(site)}

    # its own tests (the conformance suite among them), from the installed package, in its folder
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=package, env=env,
                           capture_output=True, text=True, timeout=600)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and " failed" not in tests.stdout and " error" not in tests.stdout

    # `cities` served by a real `yibao serve` lists it, and its institutions are loaded
    served_env = {**env, "YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"}
    with running_server(served_env, cwd=tmp_path) as base:
        query = '{ cities { code name divisionCode } institutions(city: "newtown") { totalCount } }'
        body = httpx.post(f"{base}/graphql", json={"query": query}, timeout=30).json()
    assert {"code": "newtown", "name": "新城市", "divisionCode": "449903"} in body["data"]["cities"]
    assert body["data"]["institutions"]["totalCount"] == 3


@pytest.mark.parametrize(("args", "code"), [
    (["Bad-Code", "--name", "坏市", "--division", "449904"], "INVALID_CITY_CODE"),
    (["zhongshan", "--name", "中山市", "--division", "442000"], "CITY_EXISTS"),
    (["okcity", "--name", "", "--division", "449904"], "NAME_REQUIRED"),
    (["okcity", "--name", "好市", "--division", "44"], "INVALID_DIVISION_CODE"),
])
def test_bad_arguments_are_refused_with_a_code_and_nothing_is_written(tmp_path, env, args, code):
    out = yibao("new-city", *args, "--dir", str(tmp_path), env=env, cwd=tmp_path)
    assert out.returncode == 1 and out.stderr.startswith(code), out.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path, env):
    (tmp_path / "yibao-city-okcity").mkdir()
    out = yibao("new-city", "okcity", "--name", "好市", "--division", "449904", "--dir", str(tmp_path),
                env=env, cwd=tmp_path)
    assert out.returncode == 1 and out.stderr.startswith("TARGET_EXISTS")
    assert list((tmp_path / "yibao-city-okcity").iterdir()) == []
