"""pytest fixtures for yibao and for city plugins: installed with the package (entry point pytest11).

Fixtures:
  yibao_backend     "sqlite" or "postgresql" (each test runs on both; PostgreSQL is skipped when
                    unreachable unless YIBAO_REQUIRE_POSTGRES=1, which makes it a failure)
  yibao_platform    a started Platform on a fresh copy of a migrated database
  yibao_client      a GraphQLClient bound to the ASGI app of that platform (training mode on)
  yibao_extra_plugins  override to register extra plugins (e.g. a test city) for a module
  yibao_statements  `async with yibao_statements() as sql:` counts the SQL statements sent

PostgreSQL databases are named YIBAO_TEST_DB_PREFIX (default "yibao") + "_tmpl_…" / "_t_…";
docs/plugins.md lists every fixture, option, marker and variable.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from .client import GraphQLClient
from .databases import TemplateDatabase, postgres_available

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("yibao")
    group.addoption("--yibao-backend", action="append", choices=BACKENDS,
                    help="run only on these backends (default: both)")


def _require_postgres() -> bool:
    return os.environ.get("YIBAO_REQUIRE_POSTGRES", "") in ("1", "true", "yes")


@pytest.fixture(scope="session")
def _yibao_templates(request: pytest.FixtureRequest):
    templates: dict[str, TemplateDatabase] = {}
    yield templates
    for template in templates.values():
        template.close()


def _template(templates: dict, backend: str) -> TemplateDatabase:
    if backend not in templates:
        if backend == "postgresql" and not postgres_available():
            if _require_postgres():
                pytest.fail("PostgreSQL is required (YIBAO_REQUIRE_POSTGRES=1) but 127.0.0.1:5432 is unreachable")
            pytest.skip("PostgreSQL is not reachable")
        templates[backend] = TemplateDatabase(backend, Path(tempfile.mkdtemp(prefix="yibao-test-")))
    return templates[backend]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "yibao_backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--yibao-backend") or list(BACKENDS)
        marker = metafunc.definition.get_closest_marker("yibao_backends")
        if marker:
            chosen = [b for b in chosen if b in marker.args]
        metafunc.parametrize("yibao_backend", chosen, scope="function")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "yibao_backends(*names): restrict a test to these backends")
    config.addinivalue_line("markers", "every_case_asserts: fail a case that runs no assertion "
                                       "(needs enable_assertion_pass_hook = true in the pytest ini)")


# -- every_case_asserts: a test that asserts nothing is a defect -----------------------------------

_PASSED_ASSERTIONS: dict[str, int] = {}


def pytest_assertion_pass(item: pytest.Item, lineno: int, orig: str, expl: str) -> None:
    _PASSED_ASSERTIONS[item.nodeid] = _PASSED_ASSERTIONS.get(item.nodeid, 0) + 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):  # type: ignore[no-untyped-def]
    before = _PASSED_ASSERTIONS.get(item.nodeid, 0)
    result = yield
    if item.get_closest_marker("every_case_asserts") is not None:
        if not item.config.getini("enable_assertion_pass_hook"):
            raise pytest.UsageError("every_case_asserts needs enable_assertion_pass_hook = true")
        if _PASSED_ASSERTIONS.get(item.nodeid, 0) == before:
            raise AssertionError(f"{item.nodeid} ran without executing a single assertion")
    return result


@pytest.fixture
def yibao_extra_plugins() -> list[object]:
    return []


@pytest.fixture
async def yibao_platform(yibao_backend: str, _yibao_templates, yibao_extra_plugins) -> AsyncIterator:
    from yibao.core.platform import Platform, Settings
    from yibao.core.plugins import PluginHost

    template = _template(_yibao_templates, yibao_backend)
    url = await template.fresh()
    plugins = PluginHost.load(extra=yibao_extra_plugins)
    platform = Platform(Settings(database_url=url, secret="yibao-test-secret-not-for-production-use", training=True), plugins=plugins)
    await platform.start(migrate=False)
    try:
        yield platform
    finally:
        await platform.stop()
        await template.drop(url)


@pytest.fixture
async def yibao_client(yibao_platform) -> AsyncIterator[GraphQLClient]:
    from yibao.schema.app import create_app

    app = create_app(platform=yibao_platform)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
        yield GraphQLClient(http, yibao_platform)


@pytest.fixture
def yibao_statements(yibao_platform):  # type: ignore[no-untyped-def]
    """Count the SQL statements a piece of work sends to the platform's database:
    `async with yibao_statements() as sql: …` then `assert len(sql) == 3, sql.text()`."""
    from .statements import count_statements

    return lambda: count_statements(yibao_platform.db)
