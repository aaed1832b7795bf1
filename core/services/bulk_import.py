"""Bulk import of institutions (IN-1) and agencies (IN-3) from the lists bureaus publish (issue 12).

Every row is checked before anything is written; one bad row refuses the whole file with every
problem named (row, column, reason in zh + en), and a good file is written in one transaction.
Re-importing updates by institution code (agencies: by name) and records each change in
`institution_history`; an unchanged row writes nothing. A full import (`full=True`) is the city's
complete list: every current institution of the city missing from it is withdrawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from .. import access
from ..call import Call
from ..domain import Agency, Institution, InstitutionLevel, NetworkKind, NetworkMembership, Phone, SelectionKind
from ..plugins import PluginHost
from ..storage.database import Database
from ..storage.tables import AgencyRow, InstitutionHistoryRow, InstitutionRow
from ..tabular import Table
from .reference import upsert_institutions

CODE = re.compile(r"H\d{6}\d{5}")
"""IN-1: `H` + 6-digit region + 5-digit sequence (the region is not checked against a list)."""

CATEGORIES = ("社区卫生服务中心", "社区卫生服务站", "卫生院", "医院", "门诊部", "诊所", "妇幼保健院", "专科防治机构")
"""IN-1's categories; a city's shipped and stored institutions add theirs (e.g. 社区健康服务中心)."""

INSTITUTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("机构编码", "医疗机构编码", "定点医疗机构编码", "定点医药机构编码", "医药机构编码", "国家编码", "机构代码"),
    "name": ("机构名称", "医疗机构名称", "定点医疗机构名称", "定点医药机构名称", "单位名称"),
    "level": ("等级", "机构等级", "医院等级", "医疗机构等级"),
    "category": ("类别", "机构类别", "机构类型", "类型"),
    "town": ("镇街", "所属镇街", "镇区", "所属镇区", "区", "所属区", "辖区", "district"),
    "division_code": ("行政区划", "区划代码", "行政区划代码", "divisioncode"),
    "tags": ("标签",),
    "specialties": ("专科", "特色专科"),
    "services": ("定点服务", "服务", "开通服务"),
    "networks": ("网络", "所属网络", "机构网络"),
}
INSTITUTION_REQUIRED = ("code", "name", "level", "category")

AGENCY_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "机构名称", "经办机构", "服务网点", "网点名称"),
    "kind": ("类型", "类别", "网点类型"),
    "town": ("镇街", "所属镇街", "镇区", "区", "所属区", "district"),
    "hours": ("办公时间", "服务时间", "工作时间"),
    "phones": ("电话", "联系电话", "咨询电话"),
}
AGENCY_REQUIRED = ("name",)

COLUMN_LABELS = {"code": "机构编码", "name": "机构名称", "level": "等级", "category": "类别", "town": "镇街",
                 "division_code": "行政区划", "tags": "标签", "specialties": "专科", "services": "定点服务",
                 "networks": "网络", "kind": "类型", "hours": "办公时间", "phones": "电话"}

SERVICE_NAMES = {"普通门诊": SelectionKind.GENERAL_OUTPATIENT, "社区门诊": SelectionKind.GENERAL_OUTPATIENT,
                 "门诊": SelectionKind.GENERAL_OUTPATIENT, "门特": SelectionKind.SPECIAL_DISEASE,
                 "门诊特定病种": SelectionKind.SPECIAL_DISEASE, "产检": SelectionKind.PRENATAL,
                 "异地": SelectionKind.REMOTE, "异地就医": SelectionKind.REMOTE}
NETWORK_NAMES = {"结算医院": NetworkKind.SETTLEMENT_HOSPITAL, "医共体": NetworkKind.MEDICAL_ALLIANCE,
                 "医联体": NetworkKind.MEDICAL_ALLIANCE, "医院集团": NetworkKind.MEDICAL_GROUP,
                 "镇街": NetworkKind.TOWN}
LIST_SPLIT = re.compile(r"[;；、\n]")
PHONE = re.compile(r"[0-9][0-9-]{2,19}")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One reason a row is refused: its row number as the file shows it, the column, zh + en."""

    row: int
    column: str
    zh: str
    en: str

    def line(self) -> str:
        return f"第 {self.row} 行 {self.column}：{self.zh} (row {self.row}, {self.column}: {self.en})"


class BadRows(Exception):
    """The file is refused: nothing was written. `problems` names every bad row."""

    def __init__(self, what: str, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problems")
        self.what, self.problems = what, problems

    @property
    def rows(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (f"{self.count} rows: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.withdrawn)} withdrawn")


def parse_level(text: str) -> InstitutionLevel | None:
    """IN-1: 一级及以下 / 二级 / 三级 as published (三级甲等, 二级乙等, 一级, 未定级 …) or the enum name."""
    t = re.sub(r"\s", "", text).upper()
    if t in InstitutionLevel.__members__:
        return InstitutionLevel(t)
    if t.startswith(("一级", "未定级", "未评级", "无等级", "未定等")) or t in ("无", "1", "一"):
        return InstitutionLevel.LEVEL_1_OR_BELOW
    if t.startswith("二级") or t in ("2", "二"):
        return InstitutionLevel.LEVEL_2
    if t.startswith("三级") or t in ("3", "三"):
        return InstitutionLevel.LEVEL_3
    return None


def _items(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [v.strip() for v in LIST_SPLIT.split(str(value)) if v.strip()]


class _Row:
    """Collects one row's problems; `column` names the header as the file wrote it."""

    def __init__(self, number: int, table: Table, problems: list[RowProblem]):
        self.number, self.table, self.problems = number, table, problems

    def bad(self, key: str, zh: str, en: str) -> None:
        self.problems.append(RowProblem(self.number, self.table.columns.get(key) or COLUMN_LABELS.get(key, key), zh, en))


@dataclass
class CityReference:
    """What rows of a city are checked against: its towns (name or short name) and categories."""

    towns: dict[str, str]
    categories: set[str]

    def town(self, text: str) -> str | None:
        return self.towns.get(text) if self.towns else text


async def city_reference(db: Database, plugins: PluginHost, city: str) -> CityReference:
    data = plugins.city(city).yibao_reference_data()
    towns: dict[str, str] = {}
    categories = set(CATEGORIES)
    if data is not None:
        for t in data.towns:
            towns[t.name] = t.name
            if t.short:
                towns.setdefault(t.short, t.name)
        categories |= {i.category for i in data.institutions}
    async with db.read() as session:
        categories |= set((await session.scalars(
            select(InstitutionRow.category).where(InstitutionRow.city == city).distinct())).all())
    return CityReference(towns, categories)


def _text(row: _Row, values: dict, key: str, limit: int, required: bool) -> str:
    value = values.get(key)
    text = "" if value is None else str(value).strip()
    if not text and required:
        if key in row.table.columns or not row.table.header_row:  # a missing column is named once, above
            row.bad(key, "必填，不能为空", "required, empty")
    elif len(text) > limit:
        row.bad(key, f"不能超过 {limit} 个字符", f"at most {limit} characters, got {len(text)}")
    return text


def _networks(row: _Row, value: Any) -> tuple[NetworkMembership, ...]:
    found = []
    for item in _items(value):
        raw = item if isinstance(item, dict) else dict(zip(("kind", "id", "name"), re.split(r"[:：]", str(item), 2)))
        kind_text = str(raw.get("kind") or "").strip()
        kind = NETWORK_NAMES.get(kind_text) or (NetworkKind(kind_text) if kind_text in NetworkKind.__members__ else None)
        ident = str(raw.get("id") or "").strip()
        if kind is None:
            row.bad("networks", f"网络类型应为 {'/'.join(NetworkKind.__members__)} 或 {'/'.join(NETWORK_NAMES)}：{kind_text}",
                    f"network kind {kind_text!r} is not one of {', '.join(NetworkKind.__members__)}")
        elif not ident or len(ident) > 60:
            row.bad("networks", f"网络编号应为 1-60 个字符：{item}", f"network id must be 1-60 characters: {item!r}")
        else:
            found.append(NetworkMembership(kind, ident, str(raw.get("name") or "").strip()))
    return tuple(found)


def _services(row: _Row, value: Any) -> tuple[SelectionKind, ...]:
    if value is None or value == "":
        return (SelectionKind.GENERAL_OUTPATIENT,)  # IN-1: as institution_from_dict, a file stating none
    found = []
    for item in _items(value):
        text = str(item).strip()
        kind = SERVICE_NAMES.get(text) or (SelectionKind(text) if text in SelectionKind.__members__ else None)
        if kind is None:
            row.bad("services", f"定点服务应为 {'/'.join(SelectionKind.__members__)} 或 {'/'.join(SERVICE_NAMES)}：{text}",
                    f"service {text!r} is not one of {', '.join(SelectionKind.__members__)}")
        elif kind not in found:
            found.append(kind)
    return tuple(found)


def check_institutions(table: Table, city: str, ref: CityReference,
                       other_cities: dict[str, str] | None = None) -> tuple[list[Institution], list[RowProblem]]:
    """Every row as an Institution, and every problem of every row (IN-1)."""
    problems: list[RowProblem] = []
    for key in INSTITUTION_REQUIRED:
        if key not in table.columns and table.header_row:
            problems.append(RowProblem(table.header_row, COLUMN_LABELS[key],
                                       f"缺少“{COLUMN_LABELS[key]}”列（或 {key}）", f"no {COLUMN_LABELS[key]} ({key}) column"))
    items: list[Institution] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row = _Row(number, table, problems)
        before = len(problems)
        code = _text(row, values, "code", 12, True).upper()
        if code and not CODE.fullmatch(code):
            row.bad("code", f"机构编码应为 12 位：H + 6 位区划 + 5 位顺序号：{code}",
                    f"an institution code is 12 characters, H + 6-digit region + 5-digit sequence: {code!r}")
        elif code in seen:
            row.bad("code", f"与第 {seen[code]} 行编码重复：{code}", f"code {code} repeats row {seen[code]}")
        elif code in (other_cities or {}):
            row.bad("code", f"该编码已是{other_cities[code]}的机构：{code}",
                    f"code {code} belongs to an institution of city {other_cities[code]}")
        seen.setdefault(code, number)
        name = _text(row, values, "name", 200, True)
        level_text = _text(row, values, "level", 20, True)
        level = parse_level(level_text) if level_text else None
        if level_text and level is None:
            row.bad("level", f"等级应为 一级及以下/二级/三级（如 三级甲等）：{level_text}",
                    f"level must be 一级及以下/二级/三级 or {'/'.join(InstitutionLevel.__members__)}: {level_text!r}")
        category = _text(row, values, "category", 40, True)
        if category and category not in ref.categories:
            row.bad("category", f"未知的机构类别：{category}（可用：{'、'.join(sorted(ref.categories))}）",
                    f"unknown category {category!r}")
        town_text = _text(row, values, "town", 60, False)
        town = ref.town(town_text) if town_text else None
        if town_text and town is None:
            row.bad("town", f"不是本市的镇街/区：{town_text}", f"{town_text!r} is not a town or district of {city}")
        division = _text(row, values, "division_code", 12, False)
        if division and not division.isdigit():
            row.bad("division_code", f"行政区划代码应为数字：{division}", f"a division code is digits: {division!r}")
        networks = _networks(row, values.get("networks"))
        services = _services(row, values.get("services"))
        if len(problems) == before:
            items.append(Institution(
                code=code, name=name, city=city, level=level, category=category,  # type: ignore[arg-type]
                division_code=division, town=town, tags=tuple(str(t) for t in _items(values.get("tags"))),
                specialties=tuple(str(s) for s in _items(values.get("specialties"))), services=services,
                networks=networks))
    return items, problems


def _phones(row: _Row, value: Any) -> tuple[Phone, ...]:
    """`0760-88888888（咨询）; 12345` : a number, optionally its purpose in brackets."""
    found = []
    for item in _items(value):
        text = str(item["number"] if isinstance(item, dict) else item).strip()
        purpose = item.get("purpose") if isinstance(item, dict) else None
        m = re.fullmatch(r"([0-9][0-9-]*)\s*(?:[（(](.+?)[)）])?", text)
        if not m or not PHONE.fullmatch(m.group(1)):
            row.bad("phones", f"电话号码应为数字（可带区号和括号中的用途）：{text}",
                    f"a phone is digits, with an optional area code and purpose in brackets: {text!r}")
            continue
        found.append(Phone(m.group(1), purpose or m.group(2)))
    return tuple(found)


def check_agencies(table: Table, city: str, ref: CityReference) -> tuple[list[Agency], list[RowProblem]]:
    """Every row as an Agency (IN-3), and every problem of every row."""
    problems: list[RowProblem] = []
    if "name" not in table.columns and table.header_row:
        return [], [RowProblem(table.header_row, "名称", "缺少“名称”列（或 name）", "no 名称 (name) column")]
    items: list[Agency] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row = _Row(number, table, problems)
        before = len(problems)
        name = _text(row, values, "name", 200, True)
        if name in seen:
            row.bad("name", f"与第 {seen[name]} 行名称重复：{name}", f"name repeats row {seen[name]}: {name}")
        seen.setdefault(name, number)
        kind = _text(row, values, "kind", 40, False) or None
        town_text = _text(row, values, "town", 60, False)
        town = ref.town(town_text) if town_text else None
        if town_text and town is None:
            row.bad("town", f"不是本市的镇街/区：{town_text}", f"{town_text!r} is not a town or district of {city}")
        hours = _text(row, values, "hours", 500, False) or None
        phones = _phones(row, values.get("phones"))
        if len(problems) == before:
            items.append(Agency(name=name, city=city, phones=phones, hours=hours, town=town, kind=kind))
    return items, problems


def _snapshot(row: InstitutionRow) -> dict:
    return {"name": row.name, "level": row.level, "category": row.category, "town": row.town,
            "division_code": row.division_code, "tags": list(row.tags or ()), "specialties": list(row.specialties or ()),
            "services": list(row.services or ()), "networks": list(row.networks or ()),
            "withdrawn_on": row.withdrawn_on.isoformat() if row.withdrawn_on else None}


async def import_institutions(db: Database, plugins: PluginHost, call: Call, city: str, table: Table, *,
                              source: str, full: bool = False, withdraw_imported: bool = False) -> ImportResult:
    """Check every row, then write all in one transaction or nothing (BadRows); history per change.

    `full`: the file is the city's complete list, every current institution of the city missing
    from it is withdrawn as of the business day; `withdraw_imported`: only earlier imports are
    (the `--withdraw-missing` of issue 11)."""
    access.require(call.actor, "cli.importInstitutions")
    plugins.check_city(city)
    ref = await city_reference(db, plugins, city)
    codes = [str(v.get("code") or "").strip().upper() for _, v in table.rows]
    async with db.read() as session:
        other = {c: ct for c, ct in (await session.execute(select(InstitutionRow.code, InstitutionRow.city).where(
            InstitutionRow.code.in_(codes), InstitutionRow.city != city))).all()}
    items, problems = check_institutions(table, city, ref, other)
    if problems:
        raise BadRows("institutions", problems)
    result = ImportResult()
    now = datetime.now(UTC)
    async with db.write(call.audit("importInstitutions")) as session:
        existing = {r.code: r for r in (await session.scalars(
            select(InstitutionRow).where(InstitutionRow.city == city))).all()}
        before = {code: _snapshot(r) for code, r in existing.items()}
        sources = {code: r.source for code, r in existing.items()}
        changed = [i for i in items if i.code not in before or _would_change(before[i.code], i)]
        await upsert_institutions(session, changed, source)
        rows = {r.code: r for r in (await session.scalars(
            select(InstitutionRow).where(InstitutionRow.city == city))).all()}
        for inst in items:
            if inst.code not in before:
                result.created.append(inst.code)
                change, old = "CREATED", None
            elif inst in changed:
                result.updated.append(inst.code)
                change, old = "UPDATED", before[inst.code]
            else:
                result.unchanged.append(inst.code)
                continue
            _history(session, rows[inst.code], change, old, call, now, source)
        if full or withdraw_imported:
            listed = {i.code for i in items}
            for code, row in sorted(rows.items()):
                if code in listed or row.withdrawn_on is not None:
                    continue
                if withdraw_imported and not full and not sources.get(code, "").startswith("import:"):
                    continue
                old = _snapshot(row)
                row.withdrawn_on = call.today
                result.withdrawn.append(code)
                _history(session, row, "WITHDRAWN", old, call, now, source)
    return result


def _would_change(old: dict, inst: Institution) -> bool:
    new = {"name": inst.name, "level": inst.level.value, "category": inst.category, "town": inst.town,
           "division_code": inst.division_code, "tags": list(inst.tags), "specialties": list(inst.specialties),
           "services": [s.value for s in inst.services],
           "networks": [{"kind": m.kind.value, "id": m.id, "name": m.name} for m in inst.networks],
           "withdrawn_on": None}
    return new != old


def _history(session: Any, row: InstitutionRow, change: str, old: dict | None, call: Call, now: datetime,
             source: str) -> None:
    session.add(InstitutionHistoryRow(
        institution_id=row.id, code=row.code, city=row.city, change=change, at=now, business_date=call.today,
        source=source, actor=call.actor.label, before=old, after=_snapshot(row)))


async def import_agencies(db: Database, plugins: PluginHost, call: Call, city: str, table: Table) -> ImportResult:
    """IN-3: agencies and service points of the city, updated by name, listed in the file's order
    (the ones the file leaves out keep their place after them). All or nothing (BadRows)."""
    access.require(call.actor, "cli.importAgencies")
    plugins.check_city(city)
    items, problems = check_agencies(table, city, await city_reference(db, plugins, city))
    if problems:
        raise BadRows("agencies", problems)
    result = ImportResult()
    async with db.write(call.audit("importAgencies")) as session:
        existing = {r.name: r for r in (await session.scalars(select(AgencyRow).where(AgencyRow.city == city))).all()}
        for position, agency in enumerate(items):
            row = existing.get(agency.name)
            phones = [{"number": p.number, "purpose": p.purpose} for p in agency.phones]
            new = (agency.kind, agency.town, agency.hours, phones, position)
            if row is None:
                session.add(AgencyRow(city=city, name=agency.name, kind=agency.kind, town=agency.town,
                                      hours=agency.hours, phones=phones, position=position))
                result.created.append(agency.name)
            elif (row.kind, row.town, row.hours, list(row.phones or ()), row.position) != new:
                row.kind, row.town, row.hours, row.phones, row.position = new
                result.updated.append(agency.name)
            else:
                result.unchanged.append(agency.name)
        listed = {a.name for a in items}
        left = sorted((r for n, r in existing.items() if n not in listed), key=lambda r: (r.position, r.id))
        for k, row in enumerate(left):  # kept, after the file's list, in their earlier order
            if row.position != len(items) + k:
                row.position = len(items) + k
    return result
