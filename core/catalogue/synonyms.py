"""What people write for a material, mapped to the catalogue's name (ID-1, seed 002 item 36).

The catalogue names materials as the seed does (社会保障卡, 身份证, 委托人及代理人身份证件原件 …);
people write 社保卡, 居民身份证, 代办人身份证. Each synonym maps to one catalogue name, and the
application says which name each given one was understood as. Item 36's list of valid identity
documents ends with 等 (open): 台湾居民来往大陆通行证 is one, understood as 有效身份证件.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SYNONYMS: dict[str, str] = {
    # 社会保障卡
    "社保卡": "社会保障卡", "医保卡": "社会保障卡", "社会保障卡（社保卡）": "社会保障卡", "第三代社保卡": "社会保障卡",
    # 医保电子凭证
    "电子医保凭证": "医保电子凭证", "医保码": "医保电子凭证", "医保电子码": "医保电子凭证",
    # 身份证 and the other identity documents of item 36
    "居民身份证": "身份证", "二代身份证": "身份证", "第二代居民身份证": "身份证", "身份证原件": "身份证",
    "本人身份证": "身份证", "临时身份证": "身份证", "户口本": "户口簿",
    "外国人永久居留身份证": "外国人永久居留证", "永久居留身份证": "外国人永久居留证",
    "港澳通行证": "港澳居民来往内地通行证", "回乡证": "港澳居民来往内地通行证",
    "港澳居民居住证": "港澳台居民居住证", "台湾居民居住证": "港澳台居民居住证",
    "台湾居民来往大陆通行证": "有效身份证件", "台胞证": "有效身份证件",
    # proxy (SC-4)
    "代办人身份证": "委托人及代理人身份证件原件", "代理人身份证": "委托人及代理人身份证件原件",
    "代办人身份证件": "委托人及代理人身份证件原件", "委托人及代办人身份证": "委托人及代理人身份证件原件",
    "委托人和代理人身份证": "委托人及代理人身份证件原件",
    "委托书": "授权委托书", "授权书": "授权委托书", "委托人授权委托书": "授权委托书",
    # first payment
    "银行卡": "参保人银行账户信息", "银行账户": "参保人银行账户信息", "银行账号": "参保人银行账户信息",
    "银行账户信息": "参保人银行账户信息",
}

_BRACKETS = str.maketrans("", "", "《》〈〉")


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).translate(_BRACKETS).split())


_BY_KEY = {_key(k): v for k, v in SYNONYMS.items()}


@dataclass(frozen=True, slots=True)
class Understood:
    """A material as given, and the catalogue name it was understood as."""

    given: str
    understood_as: str


def canonical(name: str) -> str:
    """The catalogue's name for what a person wrote (the name itself when it is no synonym)."""
    return _BY_KEY.get(_key(name), name)


def understood(names: tuple[str, ...] | list[str]) -> tuple[Understood, ...]:
    """Every given name that was read as a different catalogue name."""
    return tuple(Understood(n, canonical(n)) for n in names if canonical(n) != n)
