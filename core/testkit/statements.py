"""Counting the SQL statements a piece of work sends (SQLAlchemy engine events).

    async with count_statements(platform.db) as sql:
        await client(QUERY)
    assert len(sql) == 3, sql.text()
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from yibao.core.storage.database import Database
from yibao.core.storage.statements import StatementCounter

# Transaction control the driver or SQLAlchemy sends; not the application's reads and writes.
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@dataclass
class Statements:
    """The statements seen, in order (transaction control left out)."""

    seen: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.seen)

    def text(self) -> str:
        return "\n".join(f"{n}: {s.splitlines()[0][:160]}" for n, s in enumerate(self.seen, 1))

    def touching(self, table: str) -> list[str]:
        return [s for s in self.seen if f" {table}" in s or f'"{table}"' in s]


@asynccontextmanager
async def count_statements(db: Database) -> AsyncIterator[Statements]:
    """Every statement `db` sends meanwhile: through SQLAlchemy (its cursor event) and straight to
    the driver (the fast reads and writes of core/storage/reader.py report those themselves)."""
    found = Statements()

    def before(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(CONTROL):
            found.seen.append(statement)

    target = db.engine.sync_engine
    event.listen(target, "before_cursor_execute", before)
    direct = _Direct(found)
    try:
        with direct:
            yield found
    finally:
        event.remove(target, "before_cursor_execute", before)


class _Direct(StatementCounter):
    """Adds what the reader sends straight to the driver (SQLAlchemy's are seen by `before`)."""

    def __init__(self, found: Statements):
        super().__init__()
        self._found = found

    def record(self, sql: str, direct: bool) -> None:
        if direct:
            self._found.seen.append(sql)
