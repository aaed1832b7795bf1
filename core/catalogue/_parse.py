"""JSON shapes of data/items/GD-NN.json and data/common.json → catalogue values (SC-1).

Keys are read strictly (a missing key raises), so a transcription slip fails at load time.
"""

from __future__ import annotations

from typing import Any

from .items import (
    Channels,
    CommonRule,
    CommonRules,
    Condition,
    LegalBasis,
    LocalRule,
    MaterialRequirement,
    ProcessKind,
    ServiceItem,
    Substitute,
    TimeLimit,
    TimeLimitException,
    TimeLimitKind,
)

Json = dict[str, Any]


def _strs(values: list[str] | None) -> tuple[str, ...]:
    return tuple(values or ())


def _condition(raw: Json | None) -> Condition | None:
    return Condition(raw["code"], raw["text"]) if raw else None


def parse_material(raw: Json) -> MaterialRequirement:
    return MaterialRequirement(
        id=raw["id"],
        text=raw["text"],
        any_of=_strs(raw["any_of"]),
        substitutes=tuple(Substitute(s["name"], s.get("consequence")) for s in raw["substitutes"]),
        condition=_condition(raw["condition"]),
    )


def parse_time_limit(raw: Json) -> TimeLimit:
    return TimeLimit(
        kind=TimeLimitKind(raw["kind"]),
        days=raw["days"],
        text=raw["text"],
        exceptions=tuple(
            TimeLimitException(e["applies_to"], TimeLimitKind(e["kind"]), e["days"]) for e in raw["exceptions"]
        ),
    )


def _local_rule(raw: Json) -> LocalRule:
    kind = raw["process_kind"]
    return LocalRule(raw["city"], raw["text"], ProcessKind(kind) if kind else None, _strs(raw["steps"]))


def _channels(raw: Json | None) -> Channels | None:
    return Channels(_strs(raw["window"]), _strs(raw["online"]), raw["text"]) if raw else None


def parse_item(raw: Json, parent: Json | None = None) -> ServiceItem:
    """One item or sub-item. Sub-items get `parent_code`; parents list their `sub_item_codes`."""
    return ServiceItem(
        code=raw["code"],
        number=raw["number"],
        sub_number=raw["sub_number"],
        name=raw["name"],
        parent_code=parent["code"] if parent else None,
        serves=raw["serves"],
        legal_basis=tuple(
            LegalBasis(b["title"], b["document_number"], _strs(b["articles"]), b["text"]) for b in raw["legal_basis"]
        ),
        description=raw["description"],
        handling_modes=_strs(raw["handling_modes"]),
        accepting_units=_strs(raw["accepting_units"]),
        channels=_channels(raw["channels"]),
        materials=tuple(parse_material(m) for m in raw["materials"]),
        process=_strs(raw["process"]),
        time_limit=parse_time_limit(raw["time_limit"]),
        fee=raw["fee"],
        evaluation=raw["evaluation"],
        notes=_strs(raw["notes"]),
        local_rules=tuple(_local_rule(r) for r in raw.get("local_rules") or ()),
        local_rules_note=raw.get("local_rules_note"),
        process_kind=ProcessKind(raw["process_kind"]),
        sub_item_codes=tuple(s["code"] for s in raw.get("sub_items") or ()),
        absent_in_seed=_strs(raw["absent_in_seed"]),
        seed_lines=tuple(raw["seed_lines"]),
        transcription_note=raw["transcription_note"],
    )


def parse_item_file(raw: Json) -> list[ServiceItem]:
    """A GD-NN.json file: the item, then its sub-items flattened."""
    return [parse_item(raw), *(parse_item(sub, parent=raw) for sub in raw["sub_items"])]


def parse_common(raw: Json) -> CommonRules:
    """common.json (item 36). The identity-documents rule carries no materials, only the list."""
    identity = next(r for r in raw["rules"] if r["id"] == "valid_identity_documents")
    rules = tuple(
        CommonRule(r["id"], r["text"], _condition(r.get("condition")), tuple(parse_material(m) for m in r["materials"]))
        for r in raw["rules"]
        if "materials" in r
    )
    return CommonRules(_strs(identity["documents"]), bool(identity["open_list"]), rules)
