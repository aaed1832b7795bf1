"""The test kit's PostgreSQL databases take a configurable name prefix (YIBAO_TEST_DB_PREFIX)."""

from __future__ import annotations

import asyncio
import os

import pytest

from yibao.core.testkit import databases


def _names(prefix: str) -> list[str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    async def query() -> list[str]:
        u = make_url(databases.postgres_admin_url())
        conn = await asyncpg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                                     database=u.database)
        try:
            rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "\\_%")
            return sorted(r["datname"] for r in rows)
        finally:
            await conn.close()

    return asyncio.run(query())


def test_the_prefix_defaults_to_yibao_and_refuses_unsafe_names(monkeypatch):
    monkeypatch.delenv("YIBAO_TEST_DB_PREFIX", raising=False)
    assert databases.database_prefix() == "yibao"
    for bad in ("Upper", "with-dash", 'quote"', "x" * 31):
        monkeypatch.setenv("YIBAO_TEST_DB_PREFIX", bad)
        with pytest.raises(ValueError, match="YIBAO_TEST_DB_PREFIX"):
            databases.database_prefix()


def test_postgresql_databases_are_named_with_the_prefix_and_dropped(monkeypatch, tmp_path):
    if not databases.postgres_available():
        if os.environ.get("YIBAO_REQUIRE_POSTGRES") in ("1", "true", "yes"):
            pytest.fail("PostgreSQL is required (YIBAO_REQUIRE_POSTGRES=1) but unreachable")
        pytest.skip("PostgreSQL is not reachable")
    prefix = f"kitprefix{os.getpid()}"
    monkeypatch.setenv("YIBAO_TEST_DB_PREFIX", prefix)
    template = databases.TemplateDatabase("postgresql", tmp_path)
    try:
        copy = asyncio.run(template.fresh())
        names = _names(prefix)
        assert template.template_name in names and copy.rsplit("/", 1)[-1] in names
        assert all(n.startswith(f"{prefix}_") for n in names) and len(names) == 2
    finally:
        template.close()
    assert _names(prefix) == []
