"""The audit log (审计日志): one append-only row per committed write, in the write's own transaction.

Every mutation's service opens its transaction with `Database.write(call.audit("registerPerson"))`;
this module watches that session's flushes (SQLAlchemy's before_flush/after_flush), so the row
holds each changed record's columns before and after without a statement of its own, and adds the
row with ONE INSERT just before COMMIT. A refused request (Refused raised inside the transaction),
a dry run and a failure all roll back: they leave no audit row, just as they leave no change. A
write that changed nothing (e.g. an idempotent repeat answered from the first request's records)
leaves no row either: the log lists changes, not reads.

The table is append-only: nothing in the code updates or deletes it, and migration 0007 adds
triggers (PostgreSQL and SQLite) that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from .tables import AuditLogRow

_KEY = "yibao_audit"
_NOTES = "yibao_audit_notes"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what: the audit row's columns other than the changes and the time."""

    operation: str
    """The mutation's GraphQL name (registerPerson, selectInstitution, …), or a CLI command's."""
    subject: str
    """The token's subject (`sub`)."""
    role: str | None
    actor_city: str | None
    acting_for: str | None
    """The ID number a proxy token acts for (SE-3); None for everyone else."""
    channel: str | None
    """SE-3: the channel the request named, when it names one."""
    correlation_id: str


@dataclass
class _Tracked:
    obj: Any
    table: str
    before: dict[str, Any] | None  # None: inserted in this transaction
    deleted: bool = False


class AuditedSession(Session):
    """The write sessions' class: only they carry the change watcher (reads pay nothing)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _columns(obj: Any, *, before: bool) -> dict[str, Any]:
    """The loaded column values of `obj` (never a lazy load: no statement), as they were at the
    start of the transaction when `before`, else as they are now."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if before:
            history = state.attrs[key].history
            if history.deleted:
                out[key] = _jsonable(history.deleted[0])
                continue
            if history.added and not history.unchanged:
                continue  # set without having been loaded: the old value is unknown
        if key in state.dict:
            out[key] = _jsonable(state.dict[key])
    return out


def _tracked(session: Session) -> dict[int, _Tracked] | None:
    return session.info.get(_KEY)


@event.listens_for(AuditedSession, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    tracked = _tracked(session)
    if tracked is None:
        return
    for obj in session.dirty:
        if id(obj) not in tracked and session.is_modified(obj, include_collections=False):
            tracked[id(obj)] = _Tracked(obj, obj.__table__.name, _columns(obj, before=True))
    for obj in session.deleted:
        entry = tracked.get(id(obj))
        if entry is None:
            tracked[id(obj)] = _Tracked(obj, obj.__table__.name, _columns(obj, before=True), deleted=True)
        else:
            entry.deleted = True


@event.listens_for(AuditedSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    tracked = _tracked(session)
    if tracked is None:
        return
    for obj in session.new:
        tracked.setdefault(id(obj), _Tracked(obj, obj.__table__.name, None))


def start(session: Session) -> None:
    """Watch `session`'s changes for the audit row (called as the write transaction opens)."""
    session.info[_KEY] = {}
    session.info[_NOTES] = []


def note(info: dict, table: str, key: Any, action: str, after: dict[str, Any] | None,
         before: dict[str, Any] | None = None, references: tuple[str, ...] = ()) -> None:
    """A change written as plain SQL on the session's connection (issue 9's direct writes, which the
    flush watcher cannot see): recorded in the same audit row as the ORM's changes. `info` is the
    write session's `info` (Reader.session_info); nothing happens outside an audited write."""
    notes = info.get(_NOTES)
    if notes is None:
        return
    notes.append(({"table": table, "id": str(key), "action": action,
                   "before": _jsonable(before) if before is not None else None,
                   "after": _jsonable(after) if after is not None else None},
                  [f"{table}:{key}", *references]))


def _key(obj: Any) -> str:
    identity = inspect(obj).identity
    return ",".join(str(k) for k in identity) if identity else "?"


def _references(obj: Any) -> list[str]:
    """`table:id` of the records a changed row points at (its person, selection, application …),
    so filtering the log by a person finds the changes of their periods, events and filings too."""
    state = inspect(obj)
    out = []
    for column in obj.__table__.columns:
        for fk in column.foreign_keys:
            value = state.dict.get(state.mapper.get_property_by_column(column).key)
            if value is not None:
                out.append(f"{fk.column.table.name}:{value}")
    return out


def changes(session: Session) -> tuple[list[dict[str, Any]], list[str]]:
    """The net changes of the transaction so far (call after the final flush) and the records they
    touch (`table:id`, changed rows first, then the rows they reference)."""
    tracked = _tracked(session) or {}
    out: list[dict[str, Any]] = []
    records: list[str] = []
    for entry in tracked.values():
        after = None if entry.deleted else _columns(entry.obj, before=False)
        if entry.before is not None and after is not None:
            changed = {k for k in after if entry.before.get(k, after[k]) != after[k]}
            if not changed:
                continue
        action = "DELETE" if entry.deleted else ("INSERT" if entry.before is None else "UPDATE")
        record = f"{entry.table}:{_key(entry.obj)}"
        out.append({"table": entry.table, "id": _key(entry.obj), "action": action,
                    "before": entry.before, "after": after})
        records.append(record)
        records += _references(entry.obj)
    for change, keys in session.info.get(_NOTES) or ():
        out.append(change)
        records += keys
    return out, list(dict.fromkeys(records))


def records_text(records: list[str]) -> str:
    """The `records` column: space-delimited keys, searchable with LIKE '% table:id %'."""
    return " " + " ".join(records) + " " if records else " "


async def record(session: Any, entry: AuditEntry) -> bool:
    """Insert the audit row for the changes `session` (an AsyncSession) made; one INSERT, none
    when nothing changed. Returns whether a row was written."""
    await session.flush()
    found, records = changes(session.sync_session)
    session.info.pop(_KEY, None)
    session.info.pop(_NOTES, None)
    if not found:
        return False
    await session.execute(insert(AuditLogRow).values(
        occurred_at=datetime.now(UTC), correlation_id=entry.correlation_id, operation=entry.operation,
        subject=entry.subject[:200], role=entry.role, actor_city=entry.actor_city[:40] if entry.actor_city else None, acting_for=(entry.acting_for or "")[:32] or None,
        channel=entry.channel, records=records_text(records), changes=found,
    ))
    return True
