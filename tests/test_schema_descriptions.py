"""A self-describing schema: every type, field, argument, enum value and input field of the served
schema (read through introspection over HTTP) has a description in Chinese and English, and every
rule id a description cites is explained in docs/rules.md (no ids that point outside the repository)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import get_introspection_query

ROOT = Path(__file__).resolve().parents[1]
RULE_ID = re.compile(r"\b(?:ZS|KP|SZ|RF|SC|SE|ID|IN)-\d+\b")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def elements(schema: dict) -> list[tuple[str, str | None]]:
    """(path, description) of every described element of our own types (not the __ introspection types)."""
    out: list[tuple[str, str | None]] = []
    for t in schema["types"]:
        if t["name"].startswith("__"):
            continue
        if t["kind"] == "SCALAR" and t["name"] in ("String", "Int", "Float", "Boolean", "ID"):
            continue  # built in: described by the GraphQL specification
        out.append((t["name"], t["description"]))
        for f in t.get("fields") or ():
            out.append((f"{t['name']}.{f['name']}", f["description"]))
            for a in f["args"]:
                out.append((f"{t['name']}.{f['name']}({a['name']}:)", a["description"]))
        for f in t.get("inputFields") or ():
            out.append((f"{t['name']}.{f['name']}", f["description"]))
        for v in t.get("enumValues") or ():
            out.append((f"{t['name']}.{v['name']}", v["description"]))
    return out


def bilingual(text: str | None) -> bool:
    return bool(text) and bool(HAN.search(text)) and bool(LATIN_WORD.search(text))  # type: ignore[arg-type]


async def introspect(client) -> dict:
    result = await client(get_introspection_query(descriptions=True))
    assert result.errors is None, result.errors
    return result.data["__schema"]


async def test_every_schema_element_has_a_chinese_and_english_description(yibao_client):
    found = elements(await introspect(yibao_client))
    assert len(found) > 300  # the walk sees the whole schema
    missing = [path for path, text in found if not text]
    assert not missing, f"{len(missing)} elements have no description:\n" + "\n".join(missing)
    one_language = [f"{path}: {text}" for path, text in found if not bilingual(text)]
    assert not one_language, "descriptions need Chinese and English:\n" + "\n".join(one_language)


async def test_the_walk_catches_an_undescribed_element(yibao_client):  # positive control
    schema = await introspect(yibao_client)
    person = next(t for t in schema["types"] if t["name"] == "Person")
    field = next(f for f in person["fields"] if f["name"] == "name")
    field["description"] = None
    assert [p for p, text in elements(schema) if not text] == ["Person.name"]


async def test_rule_ids_in_descriptions_are_explained_in_docs_rules(yibao_client):
    rules = (ROOT / "docs" / "rules.md").read_text("utf-8")
    explained = set(re.findall(r"^### ((?:ZS|KP|SZ|RF|SC|SE|ID|IN)-\d+)\b", rules, flags=re.M))
    cited = {(path, rule) for path, text in elements(await introspect(yibao_client))
             for rule in RULE_ID.findall(text or "")}
    assert cited, "descriptions cite rules"
    unexplained = sorted(f"{path}: {rule}" for path, rule in cited if rule not in explained)
    assert not unexplained, "rule ids not in docs/rules.md:\n" + "\n".join(unexplained)
    outside = [f"{path}: {text}" for path, text in elements(await introspect(yibao_client))
               if re.search(r"\bseed \d|DOMAIN\.md|shared/", text or "")]
    assert not outside, "descriptions that point outside the repository:\n" + "\n".join(outside)
    schema_sdl = (ROOT / "schema" / "schema.graphql").read_text("utf-8")
    assert "docs/rules.md" in schema_sdl  # the schema says where its rule ids are explained


def test_every_entry_of_the_description_table_names_an_element():
    from yibao.schema.build import UNUSED_DESCRIPTIONS

    assert UNUSED_DESCRIPTIONS == set(), "schema/descriptions.py names elements that do not exist"


async def test_datetime_values_carry_the_china_offset(zhongshan, new_id):
    from .support import SHIQI_CENTRE

    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-10")
    result = await zhongshan.client(
        "query($id: String!) { person(idNumber: $id) { selections { application { events { at } } } } }",
        {"id": pid}, token=zhongshan.agency, today="2026-03-10")
    stamps = [e["at"] for s in result.data["person"]["selections"] for e in s["application"]["events"]]
    assert stamps and all(s.endswith("+08:00") for s in stamps), stamps


def test_datetime_serialization_is_the_same_instant_in_china_time():
    import datetime

    from yibao.schema.scalars import parse_datetime, serialize_datetime

    utc = datetime.datetime(2026, 3, 9, 20, 30, tzinfo=datetime.UTC)
    assert serialize_datetime(utc) == "2026-03-10T04:30:00+08:00"
    assert serialize_datetime(utc.replace(tzinfo=None)) == "2026-03-10T04:30:00+08:00"  # SQLite drops tzinfo
    assert parse_datetime("2026-03-10T04:30:00+08:00") == utc
