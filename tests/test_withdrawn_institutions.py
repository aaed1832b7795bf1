"""Reference data lifecycle (issue 11): an institution no longer shipped or imported is withdrawn,
not kept as current nor deleted. History and existing selections stay; new selections are refused
with INSTITUTION_WITHDRAWN and write nothing; lists leave it out unless asked; shipping it again
reinstates it. Migration 0008 adds and removes the column."""

from __future__ import annotations

import types
from datetime import date

import pytest
from sqlalchemy import inspect as sql_inspect

from yibao.core.domain import CityInfo, Institution, InstitutionLevel, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.reference import institutions_from_csv
from yibao.core.services.reference import sync_reference_data

from .support import City, counts, snapshot

CENTRE, STATION, CLINIC = "H44990500001", "H44990500002", "H44990500003"


def _inst(code: str, name: str) -> Institution:
    return Institution(code=code, name=name, city="shrinkville", level=InstitutionLevel.LEVEL_1_OR_BELOW,
                       category="社区卫生服务中心", division_code="449905", town="城区")


SHIPPED = {CENTRE: _inst(CENTRE, "缩减市中心"), STATION: _inst(STATION, "缩减市东站"), CLINIC: _inst(CLINIC, "缩减市诊所")}
CURRENT: dict[str, Institution] = {}


def shrinking_city() -> types.ModuleType:
    """A city written in the test whose shipped list changes between two starts."""
    city = types.ModuleType("shrinking_city")
    city.yibao_city = hookimpl(lambda: CityInfo("shrinkville", "缩减市", "449905"))
    city.yibao_reference_data = hookimpl(lambda: ReferenceData(institutions=tuple(CURRENT.values())))
    return city


@pytest.fixture
def yibao_extra_plugins():
    CURRENT.clear()
    CURRENT.update(SHIPPED)
    return [shrinking_city()]


LIST = """query($all: Boolean!) { institutions(city: "shrinkville", includeWithdrawn: $all) {
  totalCount edges { node { code withdrawnOn } } } }"""


async def _listed(client, include: bool) -> dict[str, str | None]:
    result = await client(LIST, {"all": include})
    return {e["node"]["code"]: e["node"]["withdrawnOn"] for e in result.data["institutions"]["edges"]}


async def test_an_institution_no_longer_shipped_is_withdrawn_and_keeps_its_history(yibao_client, yibao_platform, new_id):
    city = City(yibao_client, "shrinkville")
    holder, newcomer, changer = new_id(), new_id(), new_id()
    for pid in (holder, newcomer, changer):
        await city.register(pid, on="2026-03-02")
    held = await city.select(holder, STATION, on="2026-03-02")
    changing = await city.select(changer, CENTRE, on="2026-03-02")
    assert held["errors"] == [] and changing["errors"] == []

    del CURRENT[STATION]  # the plugin's next release no longer ships the station
    changed = await sync_reference_data(yibao_platform.db, yibao_platform.plugins, date(2026, 3, 10))
    assert changed["shrinkville"] is True

    assert await _listed(yibao_client, False) == {CENTRE: None, CLINIC: None}
    assert await _listed(yibao_client, True) == {CENTRE: None, STATION: "2026-03-10", CLINIC: None}
    # the existing selection and its history stay, still pointing at the station
    kept = await city.selections(holder, on="2026-03-11", history=True)
    assert [(s["institution"]["code"], s["status"]) for s in kept] == [(STATION, "EFFECTIVE")]

    before, rows = await counts(yibao_platform), await snapshot(yibao_platform)
    first = await city.select(newcomer, STATION, on="2026-03-11")
    change = await city.select(changer, STATION, on="2026-03-11", replaces=changing["selection"]["id"])
    for refused in (first, change):
        assert refused["selection"] is None
        (error,) = refused["errors"]
        assert error["code"] == "INSTITUTION_WITHDRAWN" and error["field"] == ["institutionCode"]
        assert "2026-03-10" in error["message"] and "2026-03-10" in error["messageEn"]
    assert await counts(yibao_platform) == before and await snapshot(yibao_platform) == rows

    # a request judged before the withdrawal day is not refused for it (the rule applies from that day)
    earlier = await city.select(newcomer, STATION, on="2026-03-09")
    assert earlier["errors"] == []

    CURRENT[STATION] = SHIPPED[STATION]  # shipped again: current again
    await sync_reference_data(yibao_platform.db, yibao_platform.plugins, date(2026, 4, 1))
    assert await _listed(yibao_client, False) == {CENTRE: None, STATION: None, CLINIC: None}


async def test_a_complete_import_withdraws_what_it_no_longer_lists(yibao_client, yibao_platform):
    header = "code,name,level,category,division_code,town,tags,specialties,services\n"
    first = header + (f"{'H44990500011'},缩减市甲站,LEVEL_1_OR_BELOW,社区卫生服务站,449905,城区,医共体:城区;夜诊,,"
                      "GENERAL_OUTPATIENT\n"
                      f"{'H44990500012'},缩减市乙站,LEVEL_1_OR_BELOW,社区卫生服务站,449905,城区,,,\n")
    items = institutions_from_csv(first, "shrinkville")
    assert items[0].tags == ("医共体:城区", "夜诊") and items[1].services == items[0].services
    imports = yibao_platform.institutions
    await imports.import_institutions("shrinkville", items, "import:stations.csv")
    second = institutions_from_csv(header + first.splitlines()[1] + "\n", "shrinkville")
    await imports.import_institutions("shrinkville", second, "import:stations.csv", withdraw_missing=date(2026, 5, 1))
    listed = await _listed(yibao_client, True)
    # only imported institutions are judged by a complete import: the shipped ones stay current
    assert listed == {CENTRE: None, STATION: None, CLINIC: None, "H44990500011": None, "H44990500012": "2026-05-01"}


def test_institutions_import_reads_csv_and_refuses_a_bad_file(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "yibao.schema.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    good = tmp_path / "stations.csv"
    good.write_text("code,name,level,category,division_code,town\n"
                    "H44200199001,石岐测试站,LEVEL_1_OR_BELOW,社区卫生服务站,442000,石岐街道\n", "utf-8")
    out = run("institutions", "import", str(good), "--city", "zhongshan", "--withdraw-missing")
    assert out.returncode == 0 and "imported 1 institutions" in out.stdout, out.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level\nH44200199002,无类别站,LEVEL_9\n", "utf-8")
    refused = run("institutions", "import", str(bad), "--city", "zhongshan")
    # the CLI's registered code for a bad row (schema/cli.py, core/error_codes.py), naming the bad value
    assert refused.returncode == 1 and refused.stderr.startswith("INVALID_INSTITUTIONS"), refused.stderr
    assert "LEVEL_9" in refused.stderr


@pytest.mark.parametrize("yibao_extra_plugins", [[]])
async def test_migration_0008_upgrades_and_downgrades(yibao_platform, yibao_extra_plugins):
    from alembic import command

    from yibao.core.storage.migrate import alembic_config, upgrade

    def columns(sync) -> set[str]:
        return {c["name"] for c in sql_inspect(sync).get_columns("institutions")}

    engine = yibao_platform.db.engine
    async with engine.begin() as conn:
        assert "withdrawn_on" in await conn.run_sync(columns)
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0008-1"))
        assert "withdrawn_on" not in await conn.run_sync(columns)
    await upgrade(engine)
    async with engine.begin() as conn:
        assert "withdrawn_on" in await conn.run_sync(columns)
