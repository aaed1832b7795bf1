"""Issue 12: an export is streamed, never built in memory. The same export over twice the rows
peaks at about the same traced memory (tracemalloc), through the HTTP route end to end: the
server-side cursor, the CSV/NDJSON encoder and starlette's StreamingResponse. No timing asserted."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from yibao.core.auth import Role, issue_token
from yibao.core.storage.tables import PersonRow
from yibao.schema.app import create_app

BATCH = 5_000
ROWS = 50_000
"""Rows of the first CSV export (NDJSON: a fifth, the same path); the second has twice as many."""


async def _add_persons(platform, start: int, count: int) -> None:
    """A fast bulk insert (executemany in batches), not the registration service."""
    now = datetime.now(UTC)
    async with platform.db.engine.begin() as conn:
        for first in range(start, start + count, BATCH):
            await conn.execute(insert(PersonRow), [
                {"id_number": f"442000{n:012d}", "document_type": "RESIDENT_ID", "name": f"批量参保人{n}",
                 "city": "zhongshan", "created_at": now, "created_by": "bulk-test"}
                for n in range(first, min(first + BATCH, start + count))])


async def _export_through_http(app, token: str, fmt: str, *, trace: bool = True) -> tuple[int, int, int]:
    """GET /export/persons straight into the ASGI app, the body dropped as it arrives:
    returns (traced peak bytes, body bytes, lines)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/export/persons", "raw_path": b"/export/persons", "root_path": "",
             "query_string": f"city=zhongshan&format={fmt}".encode(), "server": ("yibao.test", 80),
             "client": ("127.0.0.1", 1), "headers": [(b"authorization", f"Bearer {token}".encode())]}
    seen = {"bytes": 0, "lines": 0, "status": None}

    requested = asyncio.Event()

    async def receive():  # the request once, then a client that stays connected until the end
        if not requested.is_set():
            requested.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            seen["bytes"] += len(body)
            seen["lines"] += body.count(b"\n")

    gc.collect()
    if trace:
        tracemalloc.start()
    try:
        await app(scope, receive, send)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen["status"] == 200
    return peak, seen["bytes"], seen["lines"]


@pytest.mark.parametrize(("fmt", "rows"), [("csv", ROWS), ("ndjson", ROWS // 5)])
async def test_export_memory_stays_flat_as_rows_double(yibao_platform, fmt, rows):
    app = create_app(platform=yibao_platform)
    token = issue_token(yibao_platform.secret, Role.AGENCY, city="zhongshan")
    await _add_persons(yibao_platform, 0, rows)
    await _export_through_http(app, token, fmt, trace=False)  # one-time costs (imports, compiled SQL) first
    peak_one, size_one, lines_one = await _export_through_http(app, token, fmt)
    await _add_persons(yibao_platform, rows, rows)
    peak_two, size_two, lines_two = await _export_through_http(app, token, fmt)
    header = 1 if fmt == "csv" else 0
    assert (lines_one, lines_two) == (rows + header, 2 * rows + header)  # every row, none twice
    assert size_two > 1.9 * size_one
    # flat: twice the rows do not take twice the memory, and the peak is a fraction of the body
    assert peak_two < 1.3 * peak_one, (peak_one, peak_two)
    assert peak_two < size_two / 2, (peak_two, size_two)
    print(f"{fmt}: {rows} rows {size_one} bytes peak {peak_one}; {2 * rows} rows {size_two} bytes peak {peak_two}")
