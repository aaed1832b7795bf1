"""auditLog: the admin's view of the audit log (审计日志), a connection of entries oldest first."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from yibao.core.services.audit_log import AuditChange as ChangeValue
from yibao.core.services.audit_log import AuditFilter
from yibao.core.services.audit_log import AuditRecord

from . import globalid
from .context import ctx
from .permissions import policy_for
from .types import PageInfo


@strawberry.type(description="一条记录在一次写入中的变化。One row's change in one write.")
class AuditChange:
    table: str = strawberry.field(description="表名，如 persons、selections。The table, e.g. persons, selections.")
    record_id: str = strawberry.field(description="该行的主键。The row's primary key.")
    action: str = strawberry.field(description="INSERT、UPDATE 或 DELETE。INSERT, UPDATE or DELETE.")
    before: Optional[JSON] = strawberry.field(
        description="变化前的列值（新增时为空；证件号码按 ID-2 脱敏）。The columns before (null for an insert; ID numbers "
                    "masked per ID-2).")
    after: Optional[JSON] = strawberry.field(
        description="变化后的列值（删除时为空；证件号码按 ID-2 脱敏）。The columns after (null for a delete; ID numbers "
                    "masked per ID-2).")

    @classmethod
    def from_value(cls, c: ChangeValue) -> "AuditChange":
        return cls(table=c.table, record_id=c.record_id, action=c.action, before=c.before, after=c.after)


@strawberry.type(description="审计日志的一条：谁、以何角色、代谁、经何渠道、做了什么、改了哪些记录（前后值）、关联ID和时间。"
                             "One audit-log entry: who, in which role, acting for whom, through which channel, which "
                             "operation, the records it changed (before and after), the correlation id and the time.")
class AuditEntry:
    sequence: int = strawberry.field(description="顺序号（提交顺序）。Sequence number, in commit order.")
    occurred_at: datetime.datetime = strawberry.field(description="提交时间。When the write committed.")
    correlation_id: str = strawberry.field(
        description="请求的关联ID（X-Request-Id），与日志对应。The request's correlation id (X-Request-Id), as logged.")
    operation: str = strawberry.field(description="操作名，如 registerPerson。The operation, e.g. registerPerson.")
    subject: str = strawberry.field(description="令牌主体（sub）。The token's subject (sub).")
    role: Optional[str] = strawberry.field(description="令牌角色。The token's role.")
    actor_city: Optional[str] = strawberry.field(description="令牌所属城市。The token's city.")
    acting_for: Optional[str] = strawberry.field(
        description="代办人令牌所代办的参保人证件号码（脱敏）。The ID number a proxy token acts for (masked).")
    channel: Optional[str] = strawberry.field(description="受理渠道（请求给出时）。The channel the request named.")
    records: list[str] = strawberry.field(
        description="改动及其所指向的记录（表:主键）。The records changed and those they point at (table:key).")
    changes: list[AuditChange] = strawberry.field(description="每行的变化。Each row's change.")

    @classmethod
    def from_value(cls, r: AuditRecord) -> "AuditEntry":
        return cls(sequence=r.sequence, occurred_at=r.occurred_at, correlation_id=r.correlation_id,
                   operation=r.operation, subject=r.subject, role=r.role, actor_city=r.actor_city,
                   acting_for=r.acting_for, channel=r.channel, records=list(r.records),
                   changes=[AuditChange.from_value(c) for c in r.changes])


@strawberry.type(description="审计日志连接中的一条。An edge of the audit-log connection.")
class AuditEntryEdge:
    cursor: str = strawberry.field(description="此条的游标。This entry's cursor.")
    node: AuditEntry = strawberry.field(description="审计条目。The entry.")


@strawberry.type(description="审计日志的一页（按提交顺序）。A page of the audit log, in commit order.")
class AuditEntryConnection:
    edges: list[AuditEntryEdge] = strawberry.field(description="本页的条目。This page's entries.")
    page_info: PageInfo = strawberry.field(description="分页信息。Paging information.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="符合条件的总数，仅在查询时计算。How many match, counted only when asked for.")
    async def total_count(self) -> int:
        return await self._count()


@strawberry.input(description="审计日志筛选条件（全部满足）。Audit-log filters (all must hold).")
class AuditLogFilter:
    subject: Optional[str] = strawberry.field(default=None, description="令牌主体（sub）。The token's subject (sub).")
    operation: Optional[str] = strawberry.field(
        default=None, description="操作名，如 selectInstitution。The operation, e.g. selectInstitution.")
    record: Optional[strawberry.ID] = strawberry.field(
        default=None, description="记录的全局ID（参保人、选点、申请、备案、机构）：改动它或指向它的记录的条目。A record's "
                                  "global id (Person, Selection, Application, RemoteFiling, Institution): entries that "
                                  "changed it or a row pointing at it.")
    since: Optional[datetime.datetime] = strawberry.field(
        default=None, description="起始时间（含）。From this instant (inclusive).")
    until: Optional[datetime.datetime] = strawberry.field(
        default=None, description="截止时间（不含）。Until this instant (exclusive).")

    def to_value(self) -> AuditFilter:
        record = None
        if self.record is not None:
            type_name, _ = globalid.decode(self.record)
            record = (type_name, globalid.decode_int(self.record, type_name))
        return AuditFilter(subject=self.subject, operation=self.operation, record=record,
                           since=self.since, until=self.until)


async def audit_log(info: Info, first: Optional[int] = None, after: Optional[str] = None,
                    filter: Annotated[Optional[AuditLogFilter], strawberry.argument(
                        description="筛选条件。Filters.")] = None) -> AuditEntryConnection:
    c = ctx(info)
    f = filter.to_value() if filter else AuditFilter()
    page = await c.platform.audit_log.page(c.call, f, first, after)
    edges = [AuditEntryEdge(cursor=cur, node=AuditEntry.from_value(r)) for r, cur in zip(page.items, page.cursors)]
    return AuditEntryConnection(
        edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
        _count=lambda: c.platform.audit_log.count(c.call, f))


AUDIT_LOG = strawberry.field(
    resolver=audit_log, permission_classes=policy_for("auditLog"),
    description="审计日志（仅管理员）：每次写入一条，只增不改，按提交顺序。The audit log (admin only): one entry per "
                "committed write, append-only, in commit order.")
