"""Issue 12: bulk import of institutions (IN-1) and agencies (IN-3) from the CSV and XLSX files
bureaus publish: every row checked, a report of every bad row, nothing written unless all are good,
an idempotent re-import that keeps history, and a full import that withdraws what it leaves out."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from yibao.core import tabular
from yibao.core.auth import Actor, Role
from yibao.core.call import Call
from yibao.core.domain import InstitutionLevel, NetworkKind
from yibao.core.errors import Forbidden
from yibao.core.services import bulk_import
from yibao.core.services.bulk_import import AGENCY_COLUMNS, INSTITUTION_COLUMNS, BadRows
from yibao.core.storage.tables import AgencyRow, InstitutionHistoryRow, InstitutionRow

ADMIN = Call(Actor(role=Role.ADMIN, subject="test-import"), date(2026, 6, 1))
HEADERS = ["序号", "机构编码", "机构名称", "等级", "类别", "所属镇街", "行政区划", "网络", "地址"]
GOOD = [
    [1, "H44200199501", "中山市石岐测试社区卫生服务站", "一级", "社区卫生服务站", "石岐街道", 442000,
     "结算医院:H44200110001:石岐中心", "孙文中路 1 号"],
    [2, "H44200199502", "中山市东区测试门诊部", "未定级", "门诊部", "东区", 442000, "", "东区某路"],
    [3, "H44200199503", "中山市测试医院", "三级甲等", "医院", "西区街道", 442000, "医共体:ZS-1", ""],
]
BAD = [
    [4, "H4420019950", "编码少一位", "一级", "诊所", "石岐街道", 442000, "", ""],          # code
    [5, "H44200199505", "等级错误", "四级", "诊所", "石岐街道", 442000, "", ""],            # level
    [6, "H44200199506", "不在中山的镇", "一级", "诊所", "福田区", 442000, "", ""],           # town
    [7, "H44200199507", "", "一级", "美容院", "石岐街道", 442000, "GROUPX:1", ""],           # name, category, network
    [8, "H44200199501", "重复编码", "一级", "诊所", "石岐街道", 442000, "", ""],            # repeats row 3
]


def bureau_xlsx(rows: list[list]) -> bytes:
    """A list as a bureau publishes it: a title line, then the header, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(["中山市基本医疗保险定点医疗机构名单（2026 年 6 月）"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bureau_csv(rows: list[list], encoding: str) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


async def _count(platform, table) -> int:
    async with platform.db.read() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def _import(platform, data: bytes, **kwargs) -> bulk_import.ImportResult:
    table = tabular.read_xlsx(data, INSTITUTION_COLUMNS, "code")
    return await bulk_import.import_institutions(platform.db, platform.plugins, ADMIN, "zhongshan", table,
                                                 source="import:test.xlsx", **kwargs)


async def test_a_bureau_xlsx_with_bad_rows_is_refused_whole_with_every_row_named(yibao_platform):
    before = await _count(yibao_platform, InstitutionRow)
    with pytest.raises(BadRows) as refused:
        await _import(yibao_platform, bureau_xlsx(GOOD + BAD))
    found = {(p.row, p.column) for p in refused.value.problems}
    # spreadsheet row numbers: title on 1, header on 2, GOOD on 3-5, BAD on 6-10
    assert found == {(6, "机构编码"), (7, "等级"), (8, "所属镇街"), (9, "机构名称"), (9, "类别"), (9, "网络"),
                     (10, "机构编码")}
    problems = {(p.row, p.column): p for p in refused.value.problems}
    assert "12" in problems[(6, "机构编码")].zh and "H4420019950" in problems[(6, "机构编码")].en
    assert "四级" in problems[(7, "等级")].en and "福田区" in problems[(8, "所属镇街")].zh
    assert "row 3" in problems[(10, "机构编码")].en  # the repeated code names the row that had it first
    assert refused.value.rows == 5
    assert await _count(yibao_platform, InstitutionRow) == before  # nothing of the file written
    assert await _count(yibao_platform, InstitutionHistoryRow) == 0


async def test_a_good_file_writes_all_rows_and_a_reimport_updates_by_code_keeping_history(yibao_platform):
    first = await _import(yibao_platform, bureau_xlsx(GOOD))
    assert (first.created, first.updated, first.unchanged) == (["H44200199501", "H44200199502", "H44200199503"], [], [])
    async with yibao_platform.db.read() as session:
        rows = {r.code: r for r in (await session.scalars(
            select(InstitutionRow).where(InstitutionRow.code.like("H442001995%")))).all()}
    assert rows["H44200199502"].town == "东区街道"  # the short name as published, stored as the town's name
    assert [rows[c].level for c in sorted(rows)] == [InstitutionLevel.LEVEL_1_OR_BELOW.value,
                                                     InstitutionLevel.LEVEL_1_OR_BELOW.value, InstitutionLevel.LEVEL_3.value]
    assert rows["H44200199501"].networks == [
        {"kind": NetworkKind.SETTLEMENT_HOSPITAL.value, "id": "H44200110001", "name": "石岐中心"}]
    assert rows["H44200199502"].division_code == "442000"  # a number cell read as its digits
    assert await _count(yibao_platform, InstitutionHistoryRow) == 3

    again = await _import(yibao_platform, bureau_xlsx(GOOD))  # idempotent: nothing changes, nothing recorded
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    assert await _count(yibao_platform, InstitutionHistoryRow) == 3

    renamed = [list(r) for r in GOOD]
    renamed[2][3] = "二级甲等"
    third = await _import(yibao_platform, bureau_xlsx(renamed))
    assert third.updated == ["H44200199503"] and len(third.unchanged) == 2
    async with yibao_platform.db.read() as session:
        history = (await session.scalars(select(InstitutionHistoryRow).where(
            InstitutionHistoryRow.code == "H44200199503").order_by(InstitutionHistoryRow.id))).all()
        level = await session.scalar(select(InstitutionRow.level).where(InstitutionRow.code == "H44200199503"))
    assert [h.change for h in history] == ["CREATED", "UPDATED"]
    assert (history[1].before["level"], history[1].after["level"], level) == ("LEVEL_3", "LEVEL_2", "LEVEL_2")
    assert history[1].actor.startswith("admin") and history[1].business_date == ADMIN.today


async def test_a_full_import_withdraws_every_institution_of_the_city_it_leaves_out(yibao_platform):
    await _import(yibao_platform, bureau_xlsx(GOOD))
    async with yibao_platform.db.read() as session:
        current = set((await session.scalars(select(InstitutionRow.code).where(
            InstitutionRow.city == "zhongshan", InstitutionRow.withdrawn_on.is_(None)))).all())
    result = await _import(yibao_platform, bureau_xlsx(GOOD[:2]), full=True)
    assert set(result.withdrawn) == current - {"H44200199501", "H44200199502"}
    assert "H44200199503" in result.withdrawn
    async with yibao_platform.db.read() as session:
        withdrawn = dict((await session.execute(select(InstitutionRow.code, InstitutionRow.withdrawn_on).where(
            InstitutionRow.code.in_(["H44200199503", "H44200110001"])))).all())
        history = await session.scalar(select(InstitutionHistoryRow).where(
            InstitutionHistoryRow.code == "H44200199503", InstitutionHistoryRow.change == "WITHDRAWN"))
    assert withdrawn == {"H44200199503": ADMIN.today, "H44200110001": ADMIN.today}
    assert history.before["withdrawn_on"] is None and history.after["withdrawn_on"] == "2026-06-01"
    back = await _import(yibao_platform, bureau_xlsx(GOOD))  # listed again: current again, recorded
    assert back.updated == ["H44200199503"]


async def test_only_an_admin_imports(yibao_platform):
    table = tabular.read_xlsx(bureau_xlsx(GOOD), INSTITUTION_COLUMNS, "code")
    agency = Call(Actor(role=Role.AGENCY, city="zhongshan", subject="a"), date(2026, 6, 1))
    with pytest.raises(Forbidden):
        await bulk_import.import_institutions(yibao_platform.db, yibao_platform.plugins, agency, "zhongshan", table,
                                              source="import:x")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-8"])
def test_csv_in_utf8_with_bom_or_gbk_is_read_the_same(encoding):
    table = tabular.read_csv(bureau_csv(GOOD, encoding), INSTITUTION_COLUMNS, "code")
    assert table.header_row == 1 and table.columns["town"] == "所属镇街" and "地址" in table.unknown
    assert [(n, r["name"]) for n, r in table.rows] == [(2, GOOD[0][2]), (3, GOOD[1][2]), (4, GOOD[2][2])]


def test_an_undecodable_or_wrongly_named_encoding_is_a_table_error():
    with pytest.raises(tabular.TableError, match="neither UTF-8 nor GBK"):
        tabular.decode(b"\x81\x20\xff\xfe\x00")
    with pytest.raises(tabular.TableError, match="unknown encoding"):
        tabular.decode(b"abc", "klingon")
    with pytest.raises(tabular.TableError, match="not utf-8"):
        tabular.decode(bureau_csv(GOOD, "gbk"), "utf-8")


@pytest.mark.parametrize(("text", "level"), [
    ("一级及以下", InstitutionLevel.LEVEL_1_OR_BELOW), ("一级甲等", InstitutionLevel.LEVEL_1_OR_BELOW),
    ("未定级", InstitutionLevel.LEVEL_1_OR_BELOW), ("二级乙等", InstitutionLevel.LEVEL_2),
    ("三级甲等", InstitutionLevel.LEVEL_3), ("LEVEL_3", InstitutionLevel.LEVEL_3), ("level_2", InstitutionLevel.LEVEL_2),
    ("四级", None), ("甲等", None),
])
def test_levels_as_bureaus_write_them(text, level):
    assert bulk_import.parse_level(text) is level


async def test_agencies_import_by_name_in_the_files_order_refusing_bad_rows(yibao_platform):
    header = "名称,类型,镇街,办公时间,电话\n"
    good = header + ("中山市政务服务中心医保服务区,市级医保服务窗口,,工作日 8:30-12:00,0760-12345678（咨询）;12345\n"
                     "石岐街道医保经办窗口,镇街医保经办窗口,石岐,工作日 8:30-17:30,\n")
    plat = yibao_platform

    async def run(text: str):
        table = tabular.read_csv(text.encode("gbk"), AGENCY_COLUMNS, "name")
        return await bulk_import.import_agencies(plat.db, plat.plugins, ADMIN, "zhongshan", table)

    total = await _count(plat, AgencyRow)
    first = await run(good)
    assert (first.created, len(first.updated)) == ([], 2)  # both shipped (IN-3): updated by name
    async with plat.db.read() as session:
        rows = {r.name: r for r in (await session.scalars(select(AgencyRow).where(AgencyRow.city == "zhongshan"))).all()}
    centre = rows["中山市政务服务中心医保服务区"]
    assert centre.phones == [{"number": "0760-12345678", "purpose": "咨询"}, {"number": "12345", "purpose": None}]
    assert rows["石岐街道医保经办窗口"].town == "石岐街道" and centre.position == 0
    assert (await run(good)).unchanged == ["中山市政务服务中心医保服务区", "石岐街道医保经办窗口"]
    with pytest.raises(BadRows) as refused:
        await run(header + "新网点,,福田区,,电话待定\n,服务点,,,\n,,,,\n新网点,,,,\n")
    # an empty line is no row; row 5 repeats row 2's name
    assert {(p.row, p.column) for p in refused.value.problems} == {(2, "镇街"), (2, "电话"), (3, "名称"), (5, "名称")}
    assert await _count(plat, AgencyRow) == total


# ---- the command line ------------------------------------------------------------------------


def _cli(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "yibao.schema.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    return run


def test_cli_imports_xlsx_and_gbk_csv_reports_bad_rows_and_writes_nothing(tmp_path):
    run = _cli(tmp_path)
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(bureau_xlsx(GOOD + BAD))
    out = run("institutions", "import", str(bad), "--city", "zhongshan")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert lines[0].startswith("INVALID_INSTITUTIONS:") and "nothing was written" in lines[0]
    assert len(lines) == 1 + 7 and lines[1].startswith("  第 6 行 机构编码：") and "(row 6, 机构编码:" in lines[1]
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert db.execute("SELECT count(*) FROM institutions WHERE code LIKE 'H442001995%'").fetchone() == (0,)

    good = tmp_path / "名单.csv"
    good.write_bytes(bureau_csv(GOOD, "gbk"))
    out = run("institutions", "import", str(good), "--city", "zhongshan")
    assert out.returncode == 0, out.stderr
    assert "imported 3 institutions into zhongshan (3 rows: 3 created, 0 updated, 0 unchanged" in out.stdout
    out = run("institutions", "import", str(good), "--city", "zhongshan", "--encoding", "gbk")
    assert "0 created, 0 updated, 3 unchanged, 0 withdrawn" in out.stdout, out.stderr
    out = run("institutions", "import", str(good), "--city", "zhongshan", "--encoding", "utf-8")
    assert out.returncode == 1 and out.stderr.startswith("BAD_ARGUMENT:") and "not utf-8" in out.stderr
    other = tmp_path / "list.ods"
    other.write_bytes(b"x")
    out = run("institutions", "import", str(other), "--city", "zhongshan")
    assert out.returncode == 1 and out.stderr.startswith("BAD_ARGUMENT:"), out.stderr


def test_cli_imports_agencies(tmp_path):
    run = _cli(tmp_path)
    path = tmp_path / "网点.csv"
    path.write_bytes("\ufeff名称,类型,镇街,电话\n小榄镇医保经办窗口,镇街医保经办窗口,小榄镇,0760-22223333\n".encode())
    out = run("agencies", "import", str(path), "--city", "zhongshan")
    assert out.returncode == 0 and "imported 1 agencies" in out.stdout, out.stderr
    path.write_bytes("名称,镇街\n某网点,火星镇\n".encode())
    out = run("agencies", "import", str(path), "--city", "zhongshan")
    assert out.returncode == 1 and out.stderr.startswith("INVALID_AGENCIES:") and "火星镇" in out.stderr


def test_cli_export_streams_to_a_file_with_progress_and_the_export_reimports(tmp_path):
    run = _cli(tmp_path)
    good = tmp_path / "名单.xlsx"
    good.write_bytes(bureau_xlsx(GOOD))
    assert run("institutions", "import", str(good), "--city", "zhongshan").returncode == 0
    target = tmp_path / "out" / "institutions.csv"
    target.parent.mkdir()
    out = run("export", "institutions", "--city", "zhongshan", "--format", "csv", "--bom", "--output", str(target),
              "--progress", "20")
    assert out.returncode == 0 and out.stdout == "", out.stderr
    rows = target.read_bytes()
    assert rows.startswith(b"\xef\xbb\xbfcode,name,city,") and not (tmp_path / "out" / "institutions.csv.part").exists()
    count = rows.count(b"\r\n") - 1
    progress = [line for line in out.stderr.splitlines() if line.endswith("…")]
    assert progress == [f"exported {n} institutions …" for n in range(20, count + 1, 20)]
    assert out.stderr.splitlines()[-1] == f"exported {count} institutions of zhongshan to {target}"
    again = run("institutions", "import", str(target), "--city", "zhongshan")
    assert f"0 created, 0 updated, {count} unchanged" in again.stdout, again.stderr

    ndjson = run("export", "persons", "--city", "zhongshan")  # the operator (admin): stdout, nothing yet
    assert ndjson.returncode == 0 and ndjson.stdout == "" and "exported 0 persons" in ndjson.stderr
    refused = run("export", "persons", "--city", "zhongshan", "--token", "not-a-token")
    assert refused.returncode == 1 and refused.stderr.startswith("INVALID_TOKEN") and "Traceback" not in refused.stderr
    bad = run("export", "persons", "--city", "zhongshan", "--from", "2026-13-01")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


async def test_migration_0010_adds_and_removes_institution_history(yibao_platform):
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from yibao.core.storage.migrate import alembic_config

    async def tables() -> set[str]:
        async with yibao_platform.db.engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))

    async def migrate(direction: str, revision: str) -> None:
        async with yibao_platform.db.engine.begin() as conn:
            await conn.run_sync(lambda sync: getattr(command, direction)(alembic_config(sync), revision))

    await _import(yibao_platform, bureau_xlsx(GOOD))
    assert "institution_history" in await tables()
    below = ScriptDirectory.from_config(alembic_config()).get_revision("0010").down_revision  # re-chained at merge
    await migrate("downgrade", below)
    assert "institution_history" not in await tables() and "institutions" in await tables()
    await migrate("upgrade", "head")
    assert "institution_history" in await tables()
    assert (await _import(yibao_platform, bureau_xlsx(GOOD))).unchanged  # the institutions survived both ways
