"""Tables as bureaus publish them: CSV (UTF-8 with or without BOM, or GBK) and XLSX, and JSON lists.

`read_table` gives the header row and every data row with its spreadsheet row number (the header is
where a person looking at the file sees it: a title row above it is skipped), cells as text.
Column names are matched through aliases (Chinese as published, English as in the JSON format).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER_SEARCH_ROWS = 10
"""A header row is looked for among the first rows (bureaus put a title line above it)."""


class TableError(Exception):
    """The file cannot be read as a table at all (encoding, format); zh + en."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass
class Table:
    """Rows of one file: `rows` are (row number as the file shows it, {column key: value})."""

    columns: dict[str, str] = field(default_factory=dict)
    """Column key -> the header as written in the file."""
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    header_row: int = 1
    unknown: list[str] = field(default_factory=list)
    """Headers that match no column (ignored, e.g. 序号, 地址)."""


def header_key(text: str) -> str:
    """A header as compared with the aliases: no spaces, BOM, required-field stars or brackets' notes."""
    text = str(text or "").replace("\ufeff", "").strip().lower()
    text = re.sub(r"[\s*＊]", "", text)
    return re.sub(r"[（(].*?[)）]$", "", text)  # 机构等级（一级/二级/三级） -> 机构等级


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel: 442000.0 -> 442000
    return str(value).strip()


def decode(data: bytes, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM) or, failing that, GBK (GB18030, its superset), unless told."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise TableError(f"未知的编码：{encoding}", f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise TableError(f"文件不是 {encoding} 编码（第 {exc.start} 字节）",
                             f"the file is not {encoding} (byte {exc.start})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableError(f"无法识别文件编码（既不是 UTF-8 也不是 GBK，第 {exc.start} 字节），请用 --encoding 指定",
                         f"the file is neither UTF-8 nor GBK (byte {exc.start}); name it with --encoding") from None


def _build(raw_rows: Iterable[tuple[int, list[Any]]], aliases: dict[str, tuple[str, ...]], key_column: str) -> Table:
    lookup = {header_key(a): key for key, names in aliases.items() for a in (key, *names)}
    key_names = {header_key(a) for a in (key_column, *aliases[key_column])}
    it = iter(raw_rows)
    table = Table()
    index: dict[int, str] = {}
    for number, cells in it:
        if any(header_key(c) in key_names for c in cells):
            table.header_row = number
            for i, c in enumerate(cells):
                key = lookup.get(header_key(c))
                if key and key not in table.columns:
                    table.columns[key], index[i] = cell_text(c), key
                elif cell_text(c):
                    table.unknown.append(cell_text(c))
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    else:
        return table
    if not index:
        return table
    for number, cells in it:
        values = {index[i]: cell_text(c) for i, c in enumerate(cells) if i in index}
        if any(values.values()):
            table.rows.append((number, values))
    return table


def read_csv(data: bytes, aliases: dict[str, tuple[str, ...]], key_column: str, encoding: str | None = None) -> Table:
    text = decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    return _build(((reader.line_num, row) for row in reader), aliases, key_column)


def read_xlsx(data: bytes, aliases: dict[str, tuple[str, ...]], key_column: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile/openpyxl raise many kinds for a bad file
        raise TableError(f"不是有效的 XLSX 文件（{type(exc).__name__}）", f"not a valid XLSX file ({exc})") from None
    try:
        for sheet in book.worksheets:  # the first sheet holding the header
            table = _build(((n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)),
                           aliases, key_column)
            if table.columns:
                return table
        return Table()
    finally:
        book.close()


def from_records(records: list[dict], aliases: dict[str, tuple[str, ...]]) -> Table:
    """A JSON list (the institutions.json shape): row numbers count the records from 1; values kept."""
    lookup = {header_key(a): key for key, names in aliases.items() for a in (key, *names)}
    table = Table(header_row=0)
    for n, record in enumerate(records, start=1):
        row: dict[str, Any] = {}
        for k, v in record.items():
            key = lookup.get(header_key(k))
            if key:
                table.columns.setdefault(key, k)
                row[key] = v
        table.rows.append((n, row))
    return table


def read_file(path: Path, aliases: dict[str, tuple[str, ...]], key_column: str, encoding: str | None = None) -> Table:
    """By extension: .csv, .xlsx (JSON is read by the caller, which knows its envelope)."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".csv":
        return read_csv(data, aliases, key_column, encoding)
    if suffix == ".xlsx":
        return read_xlsx(data, aliases, key_column)
    raise TableError(f"不支持的文件类型：{suffix}（可用 .json、.csv、.xlsx）",
                     f"unsupported file type {suffix!r} (use .json, .csv or .xlsx)")
