"""一次性告知: check the materials a person brings against an item, naming every gap at once.

SC-3: materials are checked once and every missing requirement is returned together.
SC-4: item 36's common rules apply on top of each item: fact "proxy" (委托办理) needs
      委托人及代理人身份证件原件 and 授权委托书; fact "first_payment" (初次办理费用支付业务或
      收款账户变更) needs 参保人银行账户信息. Names are those of common.json, which the items
      repeat, so a requirement the item already states is asked only once.
SC-5: a requirement is met by any one of its names (任选其一) or by a substitute such as
      个人承诺书, which is recorded with its consequence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UserError
from .synonyms import canonical
from .items import CommonRules, Condition, MaterialRequirement, ServiceItem, load_common_rules

IDENTITY_DOCUMENT = "有效身份证件"
"""A requirement naming this is also met by any document item 36 lists (身份证、户口簿、护照…)."""

PROXY = "proxy"
FIRST_PAYMENT = "first_payment"

_BRACKETS = str.maketrans("", "", "《》〈〉")


def normalize(name: str) -> str:
    """Compare names without whitespace or 《》, and with full-width forms folded (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", name).translate(_BRACKETS).split())


@dataclass(frozen=True, slots=True)
class Substitution:
    """SC-5: a requirement met by a substitute (e.g. 个人承诺书 instead of 户口簿)."""

    requirement_id: str
    name: str
    consequence: str | None
    replaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissingMaterial:
    """One unmet requirement: bring any one of `any_of`, or one of `substitutes`."""

    requirement_id: str
    text: str
    any_of: tuple[str, ...]
    substitutes: tuple[str, ...] = ()
    condition: str | None = None
    """The condition's text (e.g. 委托办理业务的) when the requirement is conditional."""
    condition_code: str | None = None

    @property
    def acceptable(self) -> tuple[str, ...]:
        """Every name that would meet the requirement, substitutes last."""
        return self.any_of + self.substitutes

    def to_user_error(self) -> UserError:
        zh_label = "缺少材料（任选其一）：" if len(self.any_of) > 1 else "缺少材料："
        en_label = "missing material (any one of): " if len(self.any_of) > 1 else "missing material: "
        zh, en = zh_label + "、".join(self.any_of), en_label + ", ".join(self.any_of)
        if self.substitutes:
            zh += f"（或以{'、'.join(self.substitutes)}代替）"
            en += f" (or instead: {', '.join(self.substitutes)})"
        if self.condition:
            zh += f"（适用情形：{self.condition}）"
            en += f" (required when: {self.condition})"
        return UserError("MATERIALS_MISSING", zh, en, ("materials",))


@dataclass(frozen=True, slots=True)
class MaterialCheck:
    """The result of one 一次性告知 check."""

    item_code: str
    missing: tuple[MissingMaterial, ...]
    substitutions: tuple[Substitution, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing

    def to_user_errors(self) -> list[UserError]:
        """One MATERIALS_MISSING error per missing requirement, all at once (SC-3)."""
        return [m.to_user_error() for m in self.missing]


def _key(req: MaterialRequirement) -> tuple[str | None, frozenset[str]]:
    return (req.condition.code if req.condition else None, frozenset(normalize(n) for n in req.any_of))


def requirements(
    item: ServiceItem, facts: Iterable[str] = (), common: CommonRules | None = None
) -> tuple[MaterialRequirement, ...]:
    """The requirements that apply: the item's unconditional ones and those whose condition is a
    fact, then item 36's rules for the facts, unless the item already states them (SC-4).
    Common requirements get ids like "common.proxy.m2"."""
    held = frozenset(facts)
    common = common or load_common_rules()
    own = tuple(r for r in item.materials if r.condition is None or r.condition.code in held)
    stated = {_key(r) for r in item.materials}
    extra = tuple(
        MaterialRequirement(f"common.{rule.id}.{req.id}", req.text, req.any_of, req.substitutes, req.condition)
        for rule in common.rules
        if rule.condition is None or rule.condition.code in held
        for req in rule.materials
        if _key(req) not in stated
    )
    return own + extra


def conditions(item: ServiceItem, common: CommonRules | None = None) -> tuple[Condition, ...]:
    """Every condition (fact) that can add requirements to this item, item 36's included, once each."""
    common = common or load_common_rules()
    found: dict[str, Condition] = {}
    for req in (*item.materials, *(r for rule in common.rules for r in rule.materials)):
        if req.condition is not None:
            found.setdefault(req.condition.code, req.condition)
    return tuple(found.values())


def check_materials(
    item: ServiceItem,
    provided: Iterable[str],
    facts: Iterable[str] = (),
    *,
    common: CommonRules | None = None,
) -> MaterialCheck:
    """一次性告知: every applicable requirement not met by `provided`, reported together.

    `facts` are condition codes that hold for this application ("proxy", "first_payment", or an
    item's own such as "withdrawal_on_death"). A requirement with an empty `any_of` (items 34/35,
    按协议) is never missing.
    """
    if isinstance(provided, str) or isinstance(facts, str):
        raise TypeError("provided and facts are collections of names, not a single string")
    common = common or load_common_rules()
    have = {normalize(canonical(name)) for name in provided}  # ID-1: 社保卡 is 社会保障卡 …
    identity = {normalize(doc) for doc in common.identity_documents}
    missing: list[MissingMaterial] = []
    substitutions: list[Substitution] = []
    for req in requirements(item, facts, common):
        if not req.any_of:
            continue
        names = {normalize(n) for n in req.any_of}
        if normalize(IDENTITY_DOCUMENT) in names:
            names |= identity
        if names & have:
            continue
        used = next((s for s in req.substitutes if normalize(s.name) in have), None)
        if used is not None:
            substitutions.append(Substitution(req.id, used.name, used.consequence, req.any_of))
            continue
        missing.append(
            MissingMaterial(
                requirement_id=req.id,
                text=req.text,
                any_of=req.any_of,
                substitutes=tuple(s.name for s in req.substitutes),
                condition=req.condition.text if req.condition else None,
                condition_code=req.condition.code if req.condition else None,
            )
        )
    return MaterialCheck(item.code, tuple(missing), tuple(substitutions))
