"""Finding a catalogue item by what people type (SC-1): 选点, 备案, 报销 …, in 汉字 or pinyin.

An item matches when the term (whitespace ignored, case folded) is found in its name, its
description or one of its aliases (the words people use, below), or, for a Latin term, in the
full pinyin or the pinyin initials of its name or aliases (xuandian / xd → 选点).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from .items import ServiceItem

ALIASES: dict[str, tuple[str, ...]] = {
    # the seed's names say 定点医疗机构选定; people say 选点 / 门诊选点 / 定点
    "GD-21": ("选点", "门特选点", "门诊选点", "选定点"),
    "GD-22": ("选点", "门诊选点", "普通门诊选点", "社区门诊选点", "选定点", "变更选点"),
    "GD-25": ("选点", "产检选点", "产检"),
    "GD-20": ("门特", "特定病种", "门特认定", "慢特病"),
    "GD-26": ("产检", "产检报销"),
    "GD-14": ("异地备案", "异地就医", "退休异地"),
    "GD-15": ("异地备案", "异地就医", "长期居住"),
    "GD-16": ("异地备案", "异地就医", "异地工作"),
    "GD-17": ("异地备案", "异地就医", "转诊"),
    "GD-18": ("异地备案", "异地就医", "临时外出"),
    "GD-19": ("异地备案", "异地就医", "异地生育"),
    "GD-23": ("报销", "手工报销", "零星报销", "门诊报销"),
    "GD-24": ("报销", "手工报销", "零星报销", "住院报销"),
    "GD-27": ("报销", "生育报销"),
    "GD-28": ("报销", "计生报销"),
    "GD-31": ("报销", "医疗救助报销"),
    "GD-02-3": ("个账", "个人账户"),
    "GD-02-4": ("个账", "家庭共济", "共济"),
    "GD-12": ("个账", "个人账户支取", "取个账"),
    "GD-13": ("转移", "医保转移", "关系转移"),
    "GD-03": ("参保", "居民参保"),
    "GD-29": ("生育津贴",),
}


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


@lru_cache(maxsize=4096)
def _pinyin(text: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def matches(item: ServiceItem, term: str) -> bool:
    needle = _fold(term)
    if not needle:
        return True
    aliases = ALIASES.get(item.code, ())
    texts = (item.name, item.description or "", *aliases)
    if any(needle in _fold(t) for t in texts):
        return True
    if needle.isascii() and needle.isalpha():
        for text in (item.name, *aliases):
            full, initials = _pinyin(_fold(text))
            if needle in full or (len(needle) >= 2 and needle == initials) or (len(needle) >= 3 and needle in initials):
                return True
    return False
