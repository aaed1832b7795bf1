"""Domain values shared by core services, hooks and city plugins.

Plain frozen dataclasses: plugins receive these and never see ORM rows or sessions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from .settings import PluginSettings

OPEN_END = date(2099, 12, 31)
"""SE-2: an open-ended validity period displays (and is stored) as ending 2099-12-31."""


class Scheme(str, enum.Enum):
    """职工医保 / 居民医保."""

    EMPLOYEE = "EMPLOYEE"
    RESIDENT = "RESIDENT"


class SelectionKind(str, enum.Enum):
    """SE-1: kinds of selection; each is independent of the others."""

    GENERAL_OUTPATIENT = "GENERAL_OUTPATIENT"  # 普通门诊 (some cities: 社区门诊)
    SPECIAL_DISEASE = "SPECIAL_DISEASE"  # 门特
    PRENATAL = "PRENATAL"  # 产检
    REMOTE = "REMOTE"  # 异地 (with a remote filing)


class SelectionStatus(str, enum.Enum):
    PENDING = "PENDING"
    EFFECTIVE = "EFFECTIVE"
    ENDED = "ENDED"
    WITHDRAWN = "WITHDRAWN"


_PENDING, _EFFECTIVE, _ENDED, _WITHDRAWN = (SelectionStatus.PENDING, SelectionStatus.EFFECTIVE, SelectionStatus.ENDED,
                                           SelectionStatus.WITHDRAWN)
"""Selection.status_on's answers as module names: an enum member read through its class costs
~0.1 µs in Python 3.11, and status_on runs for every selection a page shows."""


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


class NetworkKind(str, enum.Enum):
    """Kinds of institution networks (机构网络): groups an institution belongs to, as data."""

    SETTLEMENT_HOSPITAL = "SETTLEMENT_HOSPITAL"  # 结算医院: the hospital community centres settle through
    MEDICAL_ALLIANCE = "MEDICAL_ALLIANCE"  # 医共体 / 医联体: a county or city medical alliance
    MEDICAL_GROUP = "MEDICAL_GROUP"  # 医院集团: a hospital group running community centres
    TOWN = "TOWN"  # 镇街 grouping when it is not the institution's own town field


@dataclass(frozen=True, slots=True)
class NetworkRef:
    """Names one network: its kind and its id (e.g. the settlement hospital's code)."""

    kind: NetworkKind
    id: str


@dataclass(frozen=True, slots=True)
class NetworkMembership:
    """An institution's membership of a network (kind + id, with the network's name for display).

    The network's head belongs to its own network (a settlement hospital is a member of the
    SETTLEMENT_HOSPITAL network whose id is its code), so one network filter finds both.
    """

    kind: NetworkKind
    id: str
    name: str = ""

    @property
    def ref(self) -> NetworkRef:
        return NetworkRef(self.kind, self.id)


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
    networks: tuple[NetworkMembership, ...] = ()

    def in_network(self, ref: NetworkRef) -> bool:
        return any(m.kind is ref.kind and m.id == ref.id for m in self.networks)

    def networks_of(self, kind: NetworkKind) -> tuple[NetworkMembership, ...]:
        return tuple(m for m in self.networks if m.kind is kind)


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


class PersonCategory(str, enum.Enum):
    """A category an agency records for a person with dates (人员类别), read by city rules."""

    STUDENT = "STUDENT"  # 在校学生


@dataclass(frozen=True, slots=True)
class CategoryPeriod:
    """A dated category of a person, as an agency recorded it."""

    category: PersonCategory
    valid_from: date
    valid_to: date = OPEN_END
    recorded_by: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


BIRTH_DATE_DOCUMENTS = ("RESIDENT_ID", "HMT_RESIDENCE_PERMIT")
"""ID-1: documents numbered after GB 11643 (birth date in characters 7-14). The others carry none."""


def birth_date_from_document(number: str, document_type: str = "RESIDENT_ID") -> date | None:
    """ID-1: the birth date in characters 7-14 of a GB 11643 number; None when the document has none."""
    if document_type not in BIRTH_DATE_DOCUMENTS or len(number) != 18 or not number[6:14].isdigit():
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Person:
    """参保人 as the rules see them: identity, city, dated scheme history and dated categories."""

    id: int
    id_number: str
    name: str
    city: str
    schemes: tuple[SchemePeriod, ...]
    document_type: str = "RESIDENT_ID"
    insured_since: date | None = None
    categories: tuple[CategoryPeriod, ...] = ()

    @property
    def birth_date(self) -> date | None:
        """From the ID document (GB 11643 characters 7-14); None for documents without one."""
        return birth_date_from_document(self.id_number, self.document_type)

    def age_on(self, day: date) -> int | None:
        """Full years of age on `day` (a birthday counts from that day); None without a birth date."""
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def has_category(self, category: PersonCategory, day: date) -> bool:
        return any(c.category is category and c.covers(day) for c in self.categories)

    def scheme_period_on(self, day: date) -> SchemePeriod | None:
        for period in self.schemes:
            if period.valid_from <= day <= period.valid_to:
                return period
        return None

    def scheme_on(self, day: date) -> Scheme | None:
        period = self.scheme_period_on(day)
        return period.scheme if period else None

    def is_female(self) -> bool | None:
        """GB 11643: the 17th character is odd for men, even for women; None without a resident ID."""
        if self.document_type != "RESIDENT_ID" or len(self.id_number) != 18 or not self.id_number[16].isdigit():
            return None
        return int(self.id_number[16]) % 2 == 0


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
            return _WITHDRAWN
        if day < self.effective_from:
            return _PENDING
        if day > self.effective_to:
            return _ENDED
        return _EFFECTIVE

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

    The core service turns this into a query; plugins never read storage. How axes combine:

    - An institution of `city` matches when its code is in `codes`, OR it matches every axis
      that is given among `towns`, `networks`, `categories`, `tags` and `levels` (AND across
      axes; within one axis any listed value matches).
    - An empty axis does not restrict. A filter giving no axis at all matches only `codes`,
      unless `whole_city` is set: then it matches every designated institution of the city
      (further narrowed by any axis given).
    - A list of filters (the coverage hook's answer) is their union.

    Each axis is usable alone: `InstitutionFilter(city, tags=("镇街医院",))` is every
    institution with that tag. Example (ZS-5): the community centres of a 镇街 and its town
    hospital are two filters, `towns=(t,), categories=(…)` and `towns=(t,), tags=("镇街医院",)`.
    """

    city: str
    codes: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rule: str = ""
    networks: tuple[NetworkRef, ...] = ()
    levels: tuple[InstitutionLevel, ...] = ()
    whole_city: bool = False

    @property
    def restricts(self) -> bool:
        """Whether the AND part applies (some axis given, or the whole city asked for)."""
        return self.whole_city or bool(self.towns or self.categories or self.tags or self.networks or self.levels)

    def matches(self, inst: Institution) -> bool:
        """The same test the storage query makes, for plugins and tests that hold institutions."""
        if inst.city != self.city:
            return False
        if inst.code in self.codes:
            return True
        if not self.restricts:
            return False
        return (
            (not self.towns or inst.town in self.towns)
            and (not self.categories or inst.category in self.categories)
            and (not self.tags or any(t in self.tags for t in inst.tags))
            and (not self.networks or any(inst.in_network(n) for n in self.networks))
            and (not self.levels or inst.level in self.levels)
        )


@dataclass(frozen=True, slots=True)
class PendingReview:
    """A selection request waiting for staff review (e.g. ZS-6 through 广东政务服务网), as the rules
    see it: it counts as made on `applied_on` (SE-3), e.g. toward ZS-4's one change a month."""

    id: int
    kind: SelectionKind
    institution: Institution
    applied_on: date
    replaces_id: int | None = None
    slot: str | None = None


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
    takes_effect: date | None = None
    """When the request would take effect (KP-4: 1 January for a change made in the window); every
    rule is judged by the rule set in force that day. None: the same as `today`."""
    pending: tuple[PendingReview, ...] = field(default=())
    """The person's other requests of this kind waiting for review (SE-3, ZS-4)."""
    approved_items: frozenset[str] = field(default=frozenset())
    """Catalogue items (seed 002) the person holds an approved application for on `today`, e.g.
    "GD-20" 门诊特定病种待遇认定, which 门特 selection needs (SE-1)."""
    settings: PluginSettings = field(default_factory=PluginSettings)
    """The city plugin's settings as the operator configured them (core/settings.py)."""

    @property
    def is_change(self) -> bool:
        return self.replaces is not None

    @property
    def effective_on(self) -> date:
        return self.takes_effect or self.today

    @property
    def scheme(self) -> Scheme | None:
        """The scheme in force on the day the request takes effect (KP-4)."""
        return self.person.scheme_on(self.effective_on) or self.person.scheme_on(self.today)

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
