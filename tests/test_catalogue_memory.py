"""One catalogue and one calendar, built at start-up and served from memory (issue 13, SC-1/SC-2).

The city's adjusting hook runs once per item per city at start-up, never per request; reading
the catalogue sends no SQL; the calendar is re-read only when an operator loaded a schedule,
in this process or another (`yibao calendar load`), which one small revision check notices."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import types

import pytest

from yibao.core.catalogue.items import load_catalogue
from yibao.core.domain import CityInfo
from yibao.core.hookspecs import hookimpl
from yibao.core.testkit.statements import count_statements

from .support import IDENTITY, submit

CALLS: list[str] = []


def counting_city() -> types.ModuleType:
    city = types.ModuleType("counting_city")

    @hookimpl
    def yibao_city():
        return CityInfo(code="counting", name="计数市", division_code="449902")

    @hookimpl
    def yibao_service_item(item):
        CALLS.append(item.code)
        return dataclasses.replace(item, notes=(*item.notes, "计数市本地说明")) if item.code == "GD-22" else item

    city.yibao_city, city.yibao_service_item = yibao_city, yibao_service_item
    return city


@pytest.fixture
def yibao_extra_plugins():
    CALLS.clear()
    return [counting_city()]


ITEMS = 'query($city: String) { serviceItems(city: $city) { code notes } }'
ITEM = 'query($code: String!, $city: String) { serviceItem(code: $code, city: $city) { code notes } }'


async def test_the_city_hook_runs_once_per_item_at_start_up_and_never_per_request(yibao_client, yibao_platform):
    every = [i.code for i in load_catalogue()]
    assert sorted(CALLS) == sorted(every)  # start-up: each item once for this city
    async with count_statements(yibao_platform.db) as sql:
        listed = (await yibao_client(ITEMS, {"city": "counting"})).data["serviceItems"]
        one = (await yibao_client(ITEM, {"code": "GD-22", "city": "counting"})).data["serviceItem"]
        again = (await yibao_client(ITEMS, {"city": "counting"})).data["serviceItems"]
    assert len(CALLS) == len(every)  # no request called the hook again
    assert len(sql) == 0, sql.text()  # served from memory
    assert [i["code"] for i in listed] == every and listed == again
    assert one["notes"][-1] == "计数市本地说明"  # the city's version is the one served
    plain = (await yibao_client(ITEM, {"code": "GD-22", "city": "zhongshan"})).data["serviceItem"]
    assert "计数市本地说明" not in plain["notes"]


async def test_the_served_catalogue_is_the_packaged_one(yibao_platform):
    """The value the data tests check (load_catalogue) is the value production serves."""
    assert await yibao_platform.catalogue.catalogue() is load_catalogue()


async def _due(zhongshan, pid: str) -> dict:
    # the channel is online (YUEYIBAO), as in test_applications' SC-2 fallback case
    body = (await submit(zhongshan, pid, "GD-02-2", [IDENTITY], on="2026-12-30")).data["submitApplication"]
    assert body["errors"] == [], body["errors"]
    return body["application"]


async def test_a_schedule_loaded_by_another_process_is_used_at_the_next_due_date(zhongshan, yibao_platform, new_id,
                                                                                  tmp_path):
    pid = new_id()
    await zhongshan.register(pid, on="2026-12-01")
    before = await _due(zhongshan, pid)
    assert (before["dueDate"], before["calendarFallback"]) == ("2027-01-06", True)  # 2027 counted Mon-Fri

    schedule = tmp_path / "2027.json"
    schedule.write_text(json.dumps({"year": 2027, "source": "测试用安排（非官方）", "holidays": ["2027-01-01"],
                                    "workdays": []}, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = yibao_platform.settings.database_url
    env["YIBAO_SECRET"] = "x" * 40
    out = subprocess.run([sys.executable, "-m", "yibao.schema.cli", "calendar", "load", str(schedule)],
                         env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr

    after = await _due(zhongshan, pid)
    assert (after["dueDate"], after["calendarFallback"]) == ("2027-01-07", False)


async def test_an_unchanged_calendar_costs_one_small_statement(yibao_platform):
    await yibao_platform.catalogue.calendar()
    async with count_statements(yibao_platform.db) as sql:
        first = await yibao_platform.catalogue.calendar()
        second = await yibao_platform.catalogue.calendar()
    assert first is second  # the same object: not rebuilt
    # small: each year's load time (the revision), never the schedules' holidays and workdays
    assert len(sql) == 2 and all("loaded_at" in s and "holidays" not in s for s in sql.seen), sql.text()
