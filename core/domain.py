"""Domain values shared by core services, hooks and city plugins.

Plain frozen dataclasses: plugins receive these and never see ORM rows or sessions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

OPEN_END = date(2099, 12, 31)
"""SE-2: an open-ended validity period displays (and is stored) as ending 2099-12-31."""


class Scheme(str, enum.Enum):
    """职工医保 / 居民医保."""

    EMPLOYEE = "EMPLOYEE"
    RESIDENT = "RESIDENT"


class SelectionKind(str, enum.Enum):
    """SE-1: kinds of selection; each is independent of the others."""

    GENERAL_OUTPATIENT = "GENERAL_OUTPATIENT"  # 普通门诊 (Zhongshan: 社区门诊)
    SPECIAL_DISEASE = "SPECIAL_DISEASE"  # 门特
    PRENATAL = "PRENATAL"  # 产检
    REMOTE = "REMOTE"  # 异地 (with a remote filing)


class SelectionStatus(str, enum.Enum):
    PENDING = "PENDING"
    EFFECTIVE = "EFFECTIVE"
    ENDED = "ENDED"
    WITHDRAWN = "WITHDRAWN"


class InstitutionLevel(str, enum.Enum):
    """IN-1: 一级及以下 / 二级 / 三级."""

    LEVEL_1_OR_BELOW = "LEVEL_1_OR_BELOW"
    LEVEL_2 = "LEVEL_2"
    LEVEL_3 = "LEVEL_3"


class Channel(str, enum.Enum):
    """SE-3: where a request comes from."""

    YUEYIBAO = "YUEYIBAO"  # 粤医保
    YUESHENGSHI = "YUESHENGSHI"  # 粤省事
    GD_GOV_PORTAL = "GD_GOV_PORTAL"  # 广东政务服务网
    NATIONAL_APP = "NATIONAL_APP"  # 国家医保服务平台
    KIOSK = "KIOSK"  # 粤智助
    WINDOW = "WINDOW"  # 经办窗口
    INSTITUTION = "INSTITUTION"  # on site at the institution
    PHONE = "PHONE"


@dataclass(frozen=True, slots=True)
class CityInfo:
    """A city plugin's identity (参保地)."""

    code: str
    name: str
    division_code: str  # GB/T 2260


@dataclass(frozen=True, slots=True)
class Town:
    """镇街 / district below the city."""

    name: str
    code: str | None = None
    short: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Institution:
    """定点医疗机构: a designated medical institution (IN-1)."""

    code: str
    name: str
    city: str
    level: InstitutionLevel
    category: str
    division_code: str = ""
    town: str | None = None
    tags: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    services: tuple[SelectionKind, ...] = (SelectionKind.GENERAL_OUTPATIENT,)
    id: int | None = None
    withdrawn_on: date | None = None
    """The day it stopped being shipped or imported (reference data lifecycle); None while current."""


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class Agency:
    """经办机构 or service point (IN-3)."""

    name: str
    city: str
    phones: tuple[Phone, ...] = ()
    hours: str | None = None
    town: str | None = None
    kind: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """A city's reference data as its plugin ships it."""

    towns: tuple[Town, ...] = ()
    institutions: tuple[Institution, ...] = ()
    agencies: tuple[Agency, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class SchemePeriod:
    """ID-3: one dated stretch of a person's insurance scheme."""

    scheme: Scheme
    valid_from: date
    valid_to: date = OPEN_END
    tier: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """参保人 as the rules see them: identity, city and dated scheme history."""

    id: int
    id_number: str
    name: str
    city: str
    schemes: tuple[SchemePeriod, ...]
    document_type: str = "RESIDENT_ID"
    insured_since: date | None = None

    def scheme_period_on(self, day: date) -> SchemePeriod | None:
        for period in self.schemes:
            if period.valid_from <= day <= period.valid_to:
                return period
        return None

    def scheme_on(self, day: date) -> Scheme | None:
        period = self.scheme_period_on(day)
        return period.scheme if period else None


@dataclass(frozen=True, slots=True)
class Selection:
    """选点: a dated record of a person's chosen designated institution."""

    id: int
    person_id: int
    kind: SelectionKind
    slot: str
    institution: Institution
    effective_from: date
    effective_to: date
    scheme: Scheme | None
    channel: Channel
    created_on: date
    replaces_id: int | None = None
    withdrawn: bool = False
    end_reason: str | None = None
    application_id: int | None = None

    def status_on(self, day: date) -> SelectionStatus:
        if self.withdrawn:
            return SelectionStatus.WITHDRAWN
        if day < self.effective_from:
            return SelectionStatus.PENDING
        if day > self.effective_to:
            return SelectionStatus.ENDED
        return SelectionStatus.EFFECTIVE

    def active_on(self, day: date) -> bool:
        """Effective on `day` or starting later (not withdrawn, not ended)."""
        return not self.withdrawn and day <= self.effective_to and self.effective_from <= self.effective_to


@dataclass(frozen=True, slots=True)
class Slot:
    """One selection slot a person has for a kind, with which institutions fit it (data, not code).

    An institution fits when it lies in `region` (a GB/T 2260 prefix) and matches any of the
    accepted levels, categories, specialties or institution codes (an empty tuple accepts nothing
    on that axis; when all are empty every institution of the region fits).
    """

    key: str
    label: str
    label_en: str
    region: str
    levels: tuple[InstitutionLevel, ...] = ()
    categories: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    rule: str = ""
    codes: tuple[str, ...] = ()
    """Institutions named by code (IN-1), e.g. a city's list of designated 社康 for a slot."""

    def accepts(self, inst: Institution) -> bool:
        if not inst.division_code.startswith(self.region):
            return False
        if not (self.levels or self.categories or self.specialties or self.codes):
            return True
        return (
            inst.code in self.codes
            or inst.level in self.levels
            or inst.category in self.categories
            or any(s in self.specialties for s in inst.specialties)
        )


@dataclass(frozen=True, slots=True)
class InstitutionFilter:
    """Coverage as data: the institutions a selection lets a person use.

    The core service turns this into a query; plugins never read storage.
    An institution matches when it is listed in `codes`, or lies in one of `towns` (of `city`)
    and has one of `categories` or one of `tags`.
    """

    city: str
    codes: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rule: str = ""


@dataclass(frozen=True, slots=True)
class SelectionRequest:
    """What the rules see of a selection request (selectInstitution)."""

    person: Person
    kind: SelectionKind
    institution: Institution
    channel: Channel
    today: date
    slot: Slot | None
    """The slot the institution fits among the person's slots, if any."""
    slots: tuple[Slot, ...]
    replaces: Selection | None
    """The record this request changes; None for a first choice of an empty slot."""
    history: tuple[Selection, ...] = field(default=())
    """Every selection of this kind the person has ever had, withdrawn and ended included."""

    @property
    def is_change(self) -> bool:
        return self.replaces is not None

    @property
    def scheme(self) -> Scheme | None:
        return self.person.scheme_on(self.today)

    def active(self) -> tuple[Selection, ...]:
        """Selections of this kind effective today or pending."""
        return tuple(s for s in self.history if s.active_on(self.today))


@dataclass(frozen=True, slots=True)
class PersonInput:
    """registerPerson / changeScheme as the rules see them."""

    city: str
    id_number: str
    scheme: Scheme
    tier: int | None
    effective_on: date
    today: date
    existing: Person | None = None
