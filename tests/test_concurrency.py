"""Two requests at once (issue 13): the person's row lock (PostgreSQL SELECT … FOR UPDATE, SQLite
BEGIN IMMEDIATE) serialises them, so the rules judge the second in the light of the first.
The requests run concurrently through the real ASGI app, each on its own database connection."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from yibao.core.storage import tables

from .support import DONGQU_CENTRE, IDENTITY, SHIQI_CENTRE, SUBMIT

ZHONGSHANGANG_CENTRE = "H44200110003"  # 中山市中山港街道社区卫生服务中心
WEST_CENTRE = "H44200110004"  # 中山市西区街道社区卫生服务中心


async def _rows(platform, table, person_id_number: str) -> int:
    async with platform.db.read() as session:
        person = await session.scalar(select(tables.PersonRow.id).where(tables.PersonRow.id_number == person_id_number))
        return await session.scalar(select(func.count()).select_from(table).where(table.person_id == person))


async def test_two_simultaneous_changes_for_one_person_one_wins_the_other_is_refused(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02"))["errors"] == []

    first, second = await asyncio.gather(
        zhongshan.select(pid, DONGQU_CENTRE, on="2026-03-10"),
        zhongshan.select(pid, ZHONGSHANGANG_CENTRE, on="2026-03-10"),
    )
    winners = [r for r in (first, second) if r["errors"] == []]
    losers = [r for r in (first, second) if r["errors"]]
    assert len(winners) == 1 and len(losers) == 1, (first, second)
    assert winners[0]["selection"]["effectiveFrom"] == "2026-04-01"  # ZS-3
    # ZS-4: one change a month; the record being changed already has the winner's pending change
    assert sorted(e["code"] for e in losers[0]["errors"]) == ["CHANGE_LIMIT_REACHED", "PENDING_CHANGE_EXISTS"]
    assert losers[0]["selection"] is None
    assert await _rows(yibao_platform, tables.SelectionRow, pid) == 2  # the first choice and one change
    history = await zhongshan.selections(pid, on="2026-03-10", history=True)
    assert [s["institution"]["code"] for s in history][1] == winners[0]["selection"]["institution"]["code"]


async def test_the_same_idempotency_key_raced_makes_one_selection(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    answers = await asyncio.gather(*(zhongshan.select(pid, WEST_CENTRE, on="2026-03-02", key="race-1")
                                     for _ in range(3)))
    assert all(a["errors"] == [] for a in answers), answers
    assert len({a["selection"]["id"] for a in answers}) == 1  # every caller gets the one record
    assert await _rows(yibao_platform, tables.SelectionRow, pid) == 1
    assert await _rows(yibao_platform, tables.ApplicationRow, pid) == 1


async def test_the_same_idempotency_key_raced_makes_one_application(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    payload = {"idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO", "idempotencyKey": "race-2",
               "materials": [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"]}
    answers = await asyncio.gather(*(zhongshan.client(SUBMIT, {"input": payload}, token=zhongshan.person_token(pid),
                                                      today="2026-03-02") for _ in range(3)))
    bodies = [a.data["submitApplication"] for a in answers]
    assert all(b["errors"] == [] for b in bodies), bodies
    assert len({b["application"]["id"] for b in bodies}) == 1
    assert await _rows(yibao_platform, tables.ApplicationRow, pid) == 1
