"""The provincial service catalogue (服务事项清单, seed 002) as frozen values (SC-1).

Every item of `data/items/GD-NN.json` becomes a `ServiceItem`; sub-items (e.g. GD-02-3) are
flattened so each is addressable by its own code, with `parent_code` set. Item 36's common
rules (备注: valid identity documents, proxies, first payment) come from `data/common.json`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType


class TimeLimitKind(str, enum.Enum):
    """SC-2: the kinds of 办理时限."""

    IMMEDIATE = "IMMEDIATE"  # 即时办结
    WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS = "WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS"  # 窗口即时办结/线上不超过N个工作日
    WORKING_DAYS = "WORKING_DAYS"  # N个工作日
    NATURAL_DAYS = "NATURAL_DAYS"  # N个自然日
    NOT_STATED = "NOT_STATED"  # 未规定


DAY_COUNTED_KINDS = frozenset(
    {TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS, TimeLimitKind.WORKING_DAYS, TimeLimitKind.NATURAL_DAYS}
)


class ProcessKind(str, enum.Enum):
    """SC-3: how an item is handled (办理流程)."""

    COMMON = "COMMON"  # 申请 → 材料审核（一次性告知）→ 审核 → 反馈结果
    SUB_ITEMS = "SUB_ITEMS"  # the parent of sub-items; each sub-item states its own
    TAX_DATA_COLLECTION = "TAX_DATA_COLLECTION"  # 通过采集税务部门的缴费登记信息办理
    TRANSFER = "TRANSFER"  # 转移接续
    INSTITUTION_ONE_STOP = "INSTITUTION_ONE_STOP"  # 定点医疗机构一站式办理
    ONLINE_DECLARATION = "ONLINE_DECLARATION"  # 定点机构线上申报结算
    APPLY_ACCEPT_REVIEW_PAY_CLOSE = "APPLY_ACCEPT_REVIEW_PAY_CLOSE"  # 申请－受理－审核－拨付－办结 (a city's five steps)
    LOCAL_RULES = "LOCAL_RULES"  # 按当地规定执行: the city's own procedure, not described in the catalogue
    NOT_STATED = "NOT_STATED"


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """设定依据: one cited document."""

    title: str
    document_number: str | None
    articles: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Channels:
    """办理及查询方式: window (窗口) and online (线上) channels, and the seed's wording."""

    window: tuple[str, ...]
    online: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Condition:
    """When a material is needed, e.g. code "proxy" = 委托办理业务的. Callers pass codes as facts."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Substitute:
    """SC-5: a document accepted instead of the listed ones (e.g. 个人承诺书), with its consequence."""

    name: str
    consequence: str | None = None


@dataclass(frozen=True, slots=True)
class MaterialRequirement:
    """办理材料: one requirement, met by any one of `any_of` (任选其一) or one of `substitutes`.

    A single-name `any_of` means that document is required; an empty one (items 34/35, "按协议")
    names nothing a person can bring and is never reported missing.
    """

    id: str
    text: str
    any_of: tuple[str, ...]
    substitutes: tuple[Substitute, ...] = ()
    condition: Condition | None = None


@dataclass(frozen=True, slots=True)
class TimeLimitException:
    """A case with its own limit, e.g. 个人账户申办 8 个工作日 inside GD-02-3's 30."""

    applies_to: str
    kind: TimeLimitKind
    days: int | None


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """办理时限 (SC-2). `days` is set exactly for the day-counted kinds."""

    kind: TimeLimitKind
    days: int | None = None
    text: str | None = None
    exceptions: tuple[TimeLimitException, ...] = ()

    def __post_init__(self) -> None:
        counted = self.kind in DAY_COUNTED_KINDS
        if counted and (self.days is None or self.days < 0):
            raise ValueError(f"time limit {self.kind.value} needs a number of days >= 0, got {self.days!r}")
        if not counted and self.days is not None:
            raise ValueError(f"time limit {self.kind.value} takes no number of days, got {self.days!r}")

    def for_case(self, applies_to: str | None) -> TimeLimit:
        """The limit for a named exception case (e.g. "个人账户申办"), else this limit."""
        for exc in self.exceptions:
            if applies_to is not None and exc.applies_to == applies_to:
                return TimeLimit(exc.kind, exc.days, self.text)
        return self


@dataclass(frozen=True, slots=True)
class LocalRule:
    """A city's own rule for an item (按当地规定执行), supplied by that city's plugin (SC-3)."""

    city: str
    text: str
    process_kind: ProcessKind | None = None
    steps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """One catalogue item (服务事项) or sub-item (子项), SC-1. Absent seed fields are empty or None."""

    code: str
    number: int
    sub_number: int | None
    name: str
    parent_code: str | None
    serves: str | None
    legal_basis: tuple[LegalBasis, ...]
    description: str | None
    handling_modes: tuple[str, ...]
    accepting_units: tuple[str, ...]
    channels: Channels | None
    materials: tuple[MaterialRequirement, ...]
    process: tuple[str, ...]
    time_limit: TimeLimit
    fee: str | None
    evaluation: str | None
    notes: tuple[str, ...]
    local_rules: tuple[LocalRule, ...]
    """The rules of the city this version is for (its plugin adds them); empty in the province's version."""
    process_kind: ProcessKind
    local_rules_note: str | None = None
    """The province's word that some cities follow local rules for this item (部分地市按当地规定执行)."""
    sub_item_codes: tuple[str, ...] = ()
    absent_in_seed: tuple[str, ...] = ()
    """Fields the seed does not give for this item (so an empty value is not a transcription gap)."""
    seed_lines: tuple[int, ...] = ()
    transcription_note: str | None = None

    @property
    def is_sub_item(self) -> bool:
        return self.parent_code is not None

    def local_rule(self, city: str) -> LocalRule | None:
        return next((rule for rule in self.local_rules if rule.city == city), None)


@dataclass(frozen=True, slots=True)
class CommonRule:
    """One of item 36's rules applying to every item (e.g. proxy, first payment; SC-4)."""

    id: str
    text: str
    condition: Condition | None
    materials: tuple[MaterialRequirement, ...]


@dataclass(frozen=True, slots=True)
class CommonRules:
    """Item 36 (备注): what counts as 有效身份证件, and the conditional rules for every item."""

    identity_documents: tuple[str, ...]
    """有效身份证件: 身份证、户口簿、护照…; the seed's list ends with 等 (`identity_documents_open`)."""
    identity_documents_open: bool
    rules: tuple[CommonRule, ...]

    def rule(self, rule_id: str) -> CommonRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _order(item: ServiceItem) -> tuple[int, int]:
    return (item.number, item.sub_number or 0)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The whole catalogue, items and sub-items addressable by code (SC-1); immutable."""

    entries: tuple[ServiceItem, ...]
    common_rules: CommonRules
    _by_code: Mapping[str, ServiceItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.entries, key=_order))
        by_code = {item.code: item for item in ordered}
        if len(by_code) != len(ordered):
            raise ValueError("duplicate item codes in the catalogue")
        object.__setattr__(self, "entries", ordered)
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))

    def get(self, code: str) -> ServiceItem | None:
        return self._by_code.get(code.strip())

    def items(self) -> tuple[ServiceItem, ...]:
        """Top-level items and sub-items, in code order (GD-01, GD-02, GD-02-1, …)."""
        return self.entries

    def search(self, term: str) -> tuple[ServiceItem, ...]:
        """Items whose name contains `term` (whitespace ignored; an empty term matches all)."""
        needle = "".join(term.split()).casefold()
        return tuple(item for item in self.entries if needle in "".join(item.name.split()).casefold())

    def with_override(self, item: ServiceItem) -> Catalogue:
        """A new catalogue with the item of the same code replaced (city overrides, SC-1)."""
        if item.code not in self._by_code:
            raise KeyError(f"no catalogue item {item.code!r} to override")
        return replace(self, entries=tuple(item if e.code == item.code else e for e in self.entries))

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self.entries)


def _data() -> Traversable:
    return files(__package__).joinpath("data")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read every packaged item file and common.json (cached; the result is immutable)."""
    from ._parse import parse_item_file

    entries: list[ServiceItem] = []
    for path in sorted(_data().joinpath("items").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".json"):
            try:
                entries.extend(parse_item_file(json.loads(path.read_text(encoding="utf-8"))))
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"catalogue file {path.name}: {exc!r}") from exc
    return Catalogue(tuple(entries), load_common_rules())


@lru_cache(maxsize=1)
def load_common_rules() -> CommonRules:
    """Item 36's common rules from the packaged common.json."""
    from ._parse import parse_common

    return parse_common(json.loads(_data().joinpath("common.json").read_text(encoding="utf-8")))
