"""Throw-away databases for tests: a migrated template per session, a fresh copy per test.

SQLite copies the template file; PostgreSQL clones it with CREATE DATABASE … TEMPLATE. Every
database a test run creates is dropped by that run.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_PREFIX = "yibao"
PREFIX = re.compile(r"^[a-z_][a-z0-9_]{0,29}$")


def postgres_admin_url() -> str:
    return os.environ.get("YIBAO_TEST_POSTGRES_URL", DEFAULT_PG)


def database_prefix() -> str:
    """YIBAO_TEST_DB_PREFIX: what the names of the PostgreSQL databases the kit creates start with.

    Lower-case letters, digits and _, at most 30 characters (names stay within PostgreSQL's 63)."""
    prefix = os.environ.get("YIBAO_TEST_DB_PREFIX", "").strip() or DEFAULT_PREFIX
    if not PREFIX.match(prefix):
        raise ValueError(f"YIBAO_TEST_DB_PREFIX={prefix!r}: use lower-case letters, digits and _, at most 30 characters")
    return prefix


async def _pg(sql_statements: list[str], url: str | None = None) -> None:
    import asyncpg

    u = make_url(url or postgres_admin_url())
    conn = await asyncpg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                                 database=u.database, timeout=5)
    try:
        for sql in sql_statements:
            await conn.execute(sql)
    finally:
        await conn.close()


def _run(coro) -> None:
    """Run a coroutine to completion on its own loop, even when called from inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


def postgres_available() -> bool:
    try:
        _run(_pg(["SELECT 1"]))
        return True
    except Exception:
        return False


def _with_db(name: str) -> str:
    return make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)


async def _prepare(url: str) -> None:
    from yibao.core.platform import Platform, Settings

    platform = Platform(Settings(database_url=url, secret="yibao-template-secret-not-for-production"))
    try:
        await platform.start()
    finally:
        await platform.stop()


class TemplateDatabase:
    """A migrated database with the cities' reference data, cloned for each test."""

    def __init__(self, backend: str, workdir: Path):
        self.backend = backend
        self.workdir = workdir
        self.tag = uuid.uuid4().hex[:10]
        self.prefix = database_prefix()
        self.created: list[str] = []
        if backend == "sqlite":
            self.template = workdir / f"template-{self.tag}.db"
            _run(_prepare(f"sqlite+aiosqlite:///{self.template}"))
        else:
            self.template_name = f"{self.prefix}_tmpl_{self.tag}"
            _run(_pg([f'CREATE DATABASE "{self.template_name}"']))
            _run(_prepare(_with_db(self.template_name)))

    async def fresh(self) -> str:
        """A new database URL holding a copy of the template."""
        name = uuid.uuid4().hex[:12]
        if self.backend == "sqlite":
            path = self.workdir / f"t-{name}.db"
            shutil.copyfile(self.template, path)
            return f"sqlite+aiosqlite:///{path}"
        db = f"{self.prefix}_t_{self.tag}_{name}"
        await _pg([f'CREATE DATABASE "{db}" TEMPLATE "{self.template_name}"'])
        self.created.append(db)
        return _with_db(db)

    async def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(make_url(url).database + suffix).unlink(missing_ok=True)  # type: ignore[operator]
            return
        name = make_url(url).database
        await _pg([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        if self.backend == "sqlite":
            shutil.rmtree(self.workdir, ignore_errors=True)
            return
        names = [*self.created, self.template_name]
        _run(_pg([f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names]))


class EmptyDatabase:
    """`async with EmptyDatabase() as url:` a new, empty PostgreSQL database (named with
    YIBAO_TEST_DB_PREFIX), dropped on leaving: for tests of what the first start does."""

    async def __aenter__(self) -> str:
        self.name = f"{database_prefix()}_e_{uuid.uuid4().hex[:12]}"
        await _pg([f'CREATE DATABASE "{self.name}"'])
        return _with_db(self.name)

    async def __aexit__(self, *_exc: object) -> None:
        await _pg([f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'])
