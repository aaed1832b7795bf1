"""Reading the audit log (审计日志): admin only, filtered, oldest first, ID numbers masked (ID-2).

The rows are written by core/storage/audit.py inside each write's transaction; nothing here or
anywhere else updates or deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select

from .. import access, ids
from ..call import Call
from ..errors import BadArgument
from ..pagination import Page, after_id, build_page, page_request
from ..storage.database import Database
from ..storage.tables import AuditLogRow

CURSOR_KIND = "audit"

TABLE_OF_TYPE = {
    "Person": "persons", "Selection": "selections", "Application": "applications",
    "RemoteFiling": "remote_filings", "Institution": "institutions",
}
"""The table behind each node type a `record` filter may name."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    subject: str | None = None
    operation: str | None = None
    record: tuple[str, int] | None = None
    """A node type and its key, e.g. ("Person", 12): entries that changed it or a row pointing at it."""
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive."""


@dataclass(frozen=True, slots=True)
class AuditChange:
    table: str
    record_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit row as an admin sees it."""

    sequence: int
    occurred_at: datetime
    correlation_id: str
    operation: str
    subject: str
    role: str | None
    actor_city: str | None
    acting_for: str | None
    channel: str | None
    records: tuple[str, ...]
    changes: tuple[AuditChange, ...]


def _masked(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """ID-2: an admin sees ID numbers masked, in the recorded columns as everywhere else."""
    if values is None:
        return None
    return {k: ids.mask(v) if k.endswith("id_number") and isinstance(v, str) else v for k, v in values.items()}


def _utc(moment: datetime, naive: bool) -> datetime:
    """The bound in UTC; SQLite stores instants as UTC text without an offset, so drop it there."""
    moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None) if naive else moment


def _record(row: AuditLogRow) -> AuditRecord:
    at = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC)  # SQLite: naive UTC
    return AuditRecord(
        sequence=row.id, occurred_at=at, correlation_id=row.correlation_id, operation=row.operation,
        subject=row.subject, role=row.role, actor_city=row.actor_city,
        acting_for=ids.mask(row.acting_for) if row.acting_for else None, channel=row.channel,
        records=tuple(row.records.split()),
        changes=tuple(AuditChange(c["table"], str(c["id"]), c["action"], _masked(c.get("before")), _masked(c.get("after")))
                      for c in row.changes or ()),
    )


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def _where(self, stmt: Select, f: AuditFilter) -> Select:
        if f.subject is not None:
            stmt = stmt.where(AuditLogRow.subject == f.subject)
        if f.operation is not None:
            stmt = stmt.where(AuditLogRow.operation == f.operation)
        if f.record is not None:
            type_name, key = f.record
            table = TABLE_OF_TYPE.get(type_name)
            if table is None:
                raise BadArgument(f"审计日志不能按 {type_name} 筛选", f"the audit log cannot be filtered by a {type_name}",
                                  "INVALID_ID")
            stmt = stmt.where(AuditLogRow.records.contains(f" {table}:{key} ", autoescape=True))
        if f.since is not None:  # stored as UTC (SQLite keeps no offset): compare in UTC
            stmt = stmt.where(AuditLogRow.occurred_at >= _utc(f.since, self.db.sqlite))
        if f.until is not None:
            stmt = stmt.where(AuditLogRow.occurred_at < _utc(f.until, self.db.sqlite))
        return stmt

    async def page(self, call: Call, f: AuditFilter, first: int | None, after: str | None) -> Page[AuditRecord]:
        """Entries oldest first (the order they were committed in), keyset-paged by sequence."""
        access.require(call.actor, "query.auditLog")
        request = page_request(first, after, CURSOR_KIND)
        stmt = self._where(select(AuditLogRow).where(AuditLogRow.id > after_id(request)), f)
        async with self.db.read() as session:
            rows = (await session.scalars(stmt.order_by(AuditLogRow.id).limit(request.first + 1))).all()
        return build_page([_record(r) for r in rows], request, CURSOR_KIND, lambda r: r.sequence)

    async def count(self, call: Call, f: AuditFilter) -> int:
        access.require(call.actor, "query.auditLog")
        async with self.db.read() as session:
            return await session.scalar(self._where(select(func.count()).select_from(AuditLogRow), f)) or 0
