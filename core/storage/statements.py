"""Counting the SQL statements a piece of work sends (tests and benchmarks assert on it).

SQLAlchemy's own executions are seen through its `before_cursor_execute` event; the fast read
path (core/storage/reader.py) sends some statements straight to the driver and reports them
here itself. Counting is off (one context-variable lookup) unless a `StatementCounter` is active.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.IGNORECASE)
_active: ContextVar[StatementCounter | None] = ContextVar("yibao_statement_counter", default=None)


@dataclass
class StatementCounter:
    """`with StatementCounter() as c: ...` then `c.count` and `c.statements` (the SQL text)."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Statements other than transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT, PRAGMA)."""
        return sum(1 for s in self.statements if not _CONTROL.match(s))

    def text(self) -> str:
        return "\n".join(f"{n}: {sql[:160]}" for n, sql in enumerate(self.statements, 1))

    def record(self, sql: str, direct: bool) -> None:
        """One statement; `direct`: sent straight to the driver (not through SQLAlchemy)."""
        self.statements.append(sql)

    def __enter__(self) -> StatementCounter:
        self._outer = _active.get()  # counters nest: every active one sees each statement
        self._token = _active.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._token)


def note(sql: str, *, direct: bool = False) -> None:
    """Record one statement sent to the database with the active counters, if any; `direct`: sent
    straight to the driver (core/storage/reader.py), which SQLAlchemy's event does not see."""
    counter = _active.get()
    while counter is not None:
        counter.record(sql, direct)
        counter = counter._outer


def count_statements(engine: AsyncEngine) -> None:
    """Make every statement SQLAlchemy sends through `engine` visible to active counters."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(_conn, _cursor, statement, _params, _context, _executemany):  # type: ignore[no-untyped-def]
        note(statement)
