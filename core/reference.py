"""Reading a city's shipped reference data (JSON files beside its plugin)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .domain import (
    Agency,
    Institution,
    InstitutionLevel,
    NetworkKind,
    NetworkMembership,
    Phone,
    ReferenceData,
    SelectionKind,
    Town,
)


def network_from_dict(raw: dict) -> NetworkMembership:
    """One network membership: {"kind": "SETTLEMENT_HOSPITAL", "id": "H44030300012", "name": "…"}."""
    kind = raw.get("kind")
    ident = str(raw.get("id") or "").strip()
    if kind not in NetworkKind.__members__:
        raise ValueError(f"network kind {kind!r} is not one of {', '.join(NetworkKind.__members__)}")
    if not ident or len(ident) > 60:
        raise ValueError(f"network id {raw.get('id')!r} must be 1-60 characters")
    return NetworkMembership(NetworkKind(kind), ident, str(raw.get("name") or "").strip())


def institution_from_dict(raw: dict, city: str) -> Institution:
    """One institution of institutions.json / `yibao institutions import` (fields in README)."""
    return Institution(
        code=raw["code"].strip().upper(),
        name=raw["name"].strip(),
        city=raw.get("city", city),
        level=InstitutionLevel(raw["level"]),
        category=raw["category"],
        division_code=raw.get("division_code") or "",
        town=raw.get("town"),
        tags=tuple(raw.get("tags") or ()),
        specialties=tuple(raw.get("specialties") or ()),
        services=tuple(SelectionKind(s) for s in raw.get("services") or ("GENERAL_OUTPATIENT",)),
        networks=tuple(network_from_dict(n) for n in raw.get("networks") or ()),
    )


CSV_LISTS = ("tags", "specialties", "services")


def institutions_from_csv(text: str, city: str) -> list[Institution]:
    """An institutions CSV (UTF-8, header row; list columns separated by ';'), docs/plugins.md."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        row: dict = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        for column in CSV_LISTS:
            row[column] = [v.strip() for v in row.get(column, "").split(";") if v.strip()]
        # networks: "KIND:id:name" entries separated by ';' (the name may be left out)
        row["networks"] = [dict(zip(("kind", "id", "name"), v.strip().split(":", 2)))
                           for v in row.get("networks", "").split(";") if v.strip()]
        row = {k: v for k, v in row.items() if v not in ("", [])}
        rows.append(institution_from_dict(row, city))
    return rows


def load_reference_dir(data_dir: Path, city: str) -> ReferenceData:
    """towns.json, institutions.json and agencies.json, each optional."""

    def read(name: str) -> dict:
        path = data_dir / name
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    towns = tuple(
        Town(name=t["name"], code=t.get("code"), short=t.get("short"), kind=t.get("kind"))
        for t in read("towns.json").get("towns", [])
    )
    inst_file = read("institutions.json")
    institutions = tuple(institution_from_dict(r, city) for r in inst_file.get("institutions", []))
    agency_file = read("agencies.json")
    agencies = tuple(
        Agency(
            name=a["name"],
            city=city,
            phones=tuple(Phone(p["number"], p.get("purpose")) for p in a.get("phones", [])),
            hours=a.get("hours") or agency_file.get("hours"),
            town=a.get("town"),
            kind=a.get("kind"),
        )
        for a in agency_file.get("agencies", [])
    )
    return ReferenceData(towns, institutions, agencies, inst_file.get("completeness_note", ""))
