"""Bulk export (issue 12): institutions, persons, selections, filings and applications of a city,
streamed from the database in chunks and never built in memory, as NDJSON or CSV.

`open_export` checks who may export what (access.check_export) and the arguments before a single
row is read, so HTTP can still answer 401/403/400; `Export.rows()` then yields one dict per record
(a core generator other formats can reuse), with ID numbers shown exactly as the API shows them
(access.shown_id_number, ID-2). `ndjson` and `csv_chunks` turn rows into bytes a few hundred rows
at a time. Reading uses a server-side cursor (`AsyncConnection.stream` with `yield_per`) on
PostgreSQL (asyncpg) and SQLite (aiosqlite) alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy import Select, select

from .. import access
from ..call import Call
from ..clock import SHANGHAI
from ..errors import BadArgument
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import (
    ApplicationRow,
    InstitutionRow,
    PersonRow,
    RemoteFilingRow,
    SelectionRow,
)

KINDS = ("institutions", "persons", "selections", "filings", "applications")
FORMATS = ("ndjson", "csv")
CHUNK_ROWS = 1000
"""Rows fetched from the database per round trip (the server-side cursor's batch)."""
FLUSH_ROWS = 500
"""Rows formatted into one chunk of bytes."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "institutions": ("code", "name", "city", "division_code", "town", "level", "category", "tags", "specialties",
                     "services", "networks", "withdrawn_on"),
    "persons": ("id", "id_number", "document_type", "name", "city", "insured_since", "created_at"),
    "selections": ("id", "person_id", "id_number", "city", "kind", "slot", "institution_code", "scheme",
                   "effective_from", "effective_to", "channel", "created_on", "withdrawn_at", "end_reason",
                   "application_id"),
    "filings": ("id", "person_id", "id_number", "city", "type", "destination", "destination_name", "start_on",
                "basis", "state", "valid_from", "valid_until", "approved_on", "cancelled_on", "submitted_on",
                "channel", "application_id"),
    "applications": ("id", "person_id", "id_number", "city", "item_code", "channel", "status", "submitted_on",
                     "due_date", "proxy_id_number"),
}
"""The fields of each kind, in CSV column order; the institutions' columns are the import's (a CSV
export of institutions imports again: `yibao institutions import`)."""

DATE_OF = {
    "persons": "the day the person was registered (created_at, Asia/Shanghai)",
    "selections": "created_on (the day the selection was made)",
    "filings": "submitted_on",
    "applications": "submitted_on",
}
"""What `from` and `to` filter on, per kind; institutions carry no date."""


@dataclass
class Export:
    kind: str
    city: str
    columns: tuple[str, ...]
    _stmt: Select
    _row: Callable[[Any], dict]
    _db: Database

    async def rows(self) -> AsyncIterator[dict]:
        """Every record as a dict of `columns`, read in chunks through a server-side cursor."""
        async for row in stream(self._db, self._stmt):
            yield self._row(row)


async def stream(db: Database, stmt: Select, chunk: int = CHUNK_ROWS) -> AsyncIterator[Any]:
    """Rows of `stmt` from a server-side cursor, `chunk` at a time: memory holds one chunk."""
    async with db.engine.connect() as conn:
        result = await conn.stream(stmt, execution_options={"yield_per": chunk})
        async for part in result.partitions(chunk):
            for row in part:
                yield row


def _day_start(day: date) -> datetime:
    """The instant a day begins in Asia/Shanghai, in UTC as created_at is stored: SQLite keeps a
    timestamp as text of its wall time, so bounds in another zone would compare as wrong instants."""
    return datetime.combine(day, time.min, SHANGHAI).astimezone(UTC)


def open_export(db: Database, plugins: PluginHost, call: Call, kind: str, city: str,
                since: date | None = None, until: date | None = None) -> Export:
    """Check the caller and arguments (raises NotAuthenticated, Forbidden, BadArgument), then
    describe the export; nothing is read until `rows()` is iterated."""
    if kind not in KINDS:
        raise BadArgument(f"未知的导出类型：{kind}（可用：{'、'.join(KINDS)}）",
                          f"unknown export {kind!r} (one of {', '.join(KINDS)})")
    plugins.check_city(city)
    access.check_export(call.actor, kind, city)
    if since and until and since > until:
        raise BadArgument("起始日期不能晚于结束日期", f"from {since} is after to {until}")
    if kind == "institutions" and (since or until):
        raise BadArgument("机构没有可按日期筛选的日期", "institutions carry no date to filter by (from/to)")
    actor = call.actor

    def shown(person_city: str, number: str | None) -> str | None:
        return access.shown_id_number(actor, person_city, number) if number else None

    def dated(column: Any, stmt: Select) -> Select:
        if since:
            stmt = stmt.where(column >= (since if kind != "persons" else _day_start(since)))
        if until:
            stmt = stmt.where(column <= until if kind != "persons" else column < _day_start(until + timedelta(days=1)))
        return stmt

    if kind == "institutions":
        stmt = select(InstitutionRow.code, InstitutionRow.name, InstitutionRow.city, InstitutionRow.division_code,
                      InstitutionRow.town, InstitutionRow.level, InstitutionRow.category, InstitutionRow.tags,
                      InstitutionRow.specialties, InstitutionRow.services, InstitutionRow.networks,
                      InstitutionRow.withdrawn_on).where(InstitutionRow.city == city).order_by(InstitutionRow.code)
        return Export(kind, city, COLUMNS[kind], stmt, lambda r: dict(r._mapping), db)
    if kind == "persons":
        stmt = dated(PersonRow.created_at, select(
            PersonRow.id, PersonRow.id_number, PersonRow.document_type, PersonRow.name, PersonRow.city,
            PersonRow.insured_since, PersonRow.created_at).where(PersonRow.city == city).order_by(PersonRow.id))

        def person(r: Any) -> dict:
            d = dict(r._mapping)
            d["id_number"] = shown(r.city, r.id_number)
            return d
        return Export(kind, city, COLUMNS[kind], stmt, person, db)
    if kind == "selections":
        stmt = dated(SelectionRow.created_on, select(
            SelectionRow.id, SelectionRow.person_id, PersonRow.id_number, PersonRow.city, SelectionRow.kind,
            SelectionRow.slot, InstitutionRow.code.label("institution_code"), SelectionRow.scheme,
            SelectionRow.effective_from, SelectionRow.effective_to, SelectionRow.channel, SelectionRow.created_on,
            SelectionRow.withdrawn_at, SelectionRow.end_reason, SelectionRow.application_id,
        ).join(PersonRow, PersonRow.id == SelectionRow.person_id).join(
            InstitutionRow, InstitutionRow.id == SelectionRow.institution_id,
        ).where(PersonRow.city == city).order_by(SelectionRow.id))
    elif kind == "filings":
        f = RemoteFilingRow
        stmt = dated(f.submitted_on, select(
            f.id, f.person_id, PersonRow.id_number, f.city, f.type, f.destination, f.destination_name, f.start_on,
            f.basis, f.state, f.valid_from, f.valid_until, f.approved_on, f.cancelled_on, f.submitted_on, f.channel,
            f.application_id,
        ).join(PersonRow, PersonRow.id == f.person_id).where(f.city == city).order_by(f.id))
    else:
        a = ApplicationRow
        stmt = dated(a.submitted_on, select(
            a.id, a.person_id, PersonRow.id_number, a.city, a.item_code, a.channel, a.status, a.submitted_on,
            a.due_date, a.proxy_id_number,
        ).join(PersonRow, PersonRow.id == a.person_id).where(a.city == city).order_by(a.id))

    def record(r: Any) -> dict:
        d = dict(r._mapping)
        d["id_number"] = shown(r.city, r.id_number)
        if "proxy_id_number" in d:
            d["proxy_id_number"] = shown(r.city, d["proxy_id_number"])
        return d
    return Export(kind, city, COLUMNS[kind], stmt, record, db)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


async def ndjson(rows: AsyncIterator[dict], flush: int = FLUSH_ROWS) -> AsyncIterator[bytes]:
    """One JSON object per line (UTF-8), `flush` lines per chunk."""
    lines: list[bytes] = []
    async for row in rows:
        lines.append(orjson.dumps(row, default=_plain) + b"\n")
        if len(lines) >= flush:
            yield b"".join(lines)
            lines.clear()
    if lines:
        yield b"".join(lines)


def csv_cell(value: Any) -> str:
    """Lists as the import reads them: items separated by ';', a network as KIND:id:name."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(":".join(str(v.get(k) or "") for k in ("kind", "id", "name")).rstrip(":")
                        if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


async def csv_chunks(columns: Iterable[str], rows: AsyncIterator[dict], *, bom: bool = False,
                     flush: int = FLUSH_ROWS) -> AsyncIterator[bytes]:
    """A header row, then the rows (UTF-8; with `bom` a BOM first, so Excel reads it as UTF-8)."""
    columns = tuple(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    head = buffer.getvalue().encode()
    yield (b"\xef\xbb\xbf" + head) if bom else head
    buffer.seek(0)
    buffer.truncate()
    count = 0
    async for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
        count += 1
        if count >= flush:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if count:
        yield buffer.getvalue().encode()


def encode(export: Export, fmt: str, *, bom: bool = False,
           rows: AsyncIterator[dict] | None = None) -> AsyncIterator[bytes]:
    """The export as bytes in `fmt` (ndjson or csv); `rows` may wrap export.rows() (e.g. counting)."""
    source = rows if rows is not None else export.rows()
    if fmt == "ndjson":
        return ndjson(source)
    if fmt == "csv":
        return csv_chunks(export.columns, source, bom=bom)
    raise BadArgument(f"未知的导出格式：{fmt}（可用 ndjson、csv）", f"unknown format {fmt!r} (ndjson or csv)")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadArgument(f"未知的导出格式：{fmt}（可用 ndjson、csv）", f"unknown format {fmt!r} (ndjson or csv)")
    return fmt
