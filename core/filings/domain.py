"""Remote-treatment filing values (RF-1..6). Plain frozen dataclasses: plugins see these, never rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from ..auth import Role
from ..domain import Channel, InstitutionLevel, Person


class FilingType(str, enum.Enum):
    """RF-1: the seven filing types (seed 003's table, seed 002 items 14-19)."""

    RETIREE_RESETTLED = "RETIREE_RESETTLED"  # 异地安置退休人员 (GD-14)
    LONG_TERM_RESIDENT = "LONG_TERM_RESIDENT"  # 异地长期居住人员 (GD-15)
    STATIONED_WORKER = "STATIONED_WORKER"  # 常驻异地工作人员 (GD-16)
    TEMPORARY = "TEMPORARY"  # 非急诊且未转诊的临时外出就医人员 (GD-18)
    REFERRAL = "REFERRAL"  # 异地转诊人员 (GD-17)
    EMERGENCY = "EMERGENCY"  # 急诊抢救人员: 视同备案
    MATERNITY = "MATERNITY"  # 异地生育就医人员 (GD-19)

    @property
    def long_term(self) -> bool:
        return self in LONG_TERM


LONG_TERM = frozenset({FilingType.RETIREE_RESETTLED, FilingType.LONG_TERM_RESIDENT, FilingType.STATIONED_WORKER})

# The catalogue item (seed 002) each type is filed under; an emergency has none (deemed filed).
FILING_ITEMS: dict[FilingType, str | None] = {
    FilingType.RETIREE_RESETTLED: "GD-14",
    FilingType.LONG_TERM_RESIDENT: "GD-15",
    FilingType.STATIONED_WORKER: "GD-16",
    FilingType.REFERRAL: "GD-17",
    FilingType.TEMPORARY: "GD-18",
    FilingType.MATERNITY: "GD-19",
    FilingType.EMERGENCY: None,
}

TYPE_ZH = {
    FilingType.RETIREE_RESETTLED: "异地安置退休人员备案",
    FilingType.LONG_TERM_RESIDENT: "异地长期居住人员备案",
    FilingType.STATIONED_WORKER: "常驻异地工作人员备案",
    FilingType.TEMPORARY: "临时外出就医人员备案",
    FilingType.REFERRAL: "异地转诊人员备案",
    FilingType.EMERGENCY: "急诊抢救人员（视同备案）",
    FilingType.MATERNITY: "生育异地备案",
}


class FilingBasis(str, enum.Enum):
    """RF-5: a long-term filing by documents (材料) or by a personal commitment letter (个人承诺书)."""

    MATERIALS = "MATERIALS"
    COMMITMENT = "COMMITMENT"


class FilingStatus(str, enum.Enum):
    SUBMITTED = "SUBMITTED"  # 已提交，待审核
    RETURNED = "RETURNED"  # 退回补正
    ACTIVE = "ACTIVE"  # 备案成功 (approved, or deemed filed)
    REJECTED = "REJECTED"  # 审核不通过
    CANCELLED = "CANCELLED"  # 已取消
    EXPIRED = "EXPIRED"  # computed: past validUntil


COMMITMENT_LETTER = "个人承诺书"

REIMBURSEMENT_ITEMS = ("GD-23", "GD-24")
"""RF-6: costs not settled directly are reimbursed by hand back home (手工零星报销): 门诊 / 住院费用报销."""


@dataclass(frozen=True, slots=True)
class Destination:
    """就医地: a current GB/T 2260 division (province, city or county)."""

    code: str
    name: str
    province_code: str
    province_name: str
    level: str  # PROVINCE | CITY | COUNTY

    @property
    def prefix(self) -> str:
        """The code prefix every division inside this one shares (44, 4407, 440783)."""
        if self.level == "PROVINCE":
            return self.code[:2]
        if self.level == "CITY":
            return self.code[:4]
        return self.code

    def overlaps(self, region: str) -> bool:
        """Whether this destination and a region prefix contain one another."""
        return self.prefix.startswith(region) or region.startswith(self.prefix)


@dataclass(frozen=True, slots=True)
class OutpatientChoice:
    """RF-4: one general-outpatient choice at the destination: a designated institution of a city the
    platform serves (by code), or, elsewhere, a name with its level as written in the remarks."""

    level: InstitutionLevel
    name: str
    institution_code: str | None = None
    institution_id: int | None = None
    city: str | None = None
    selection_id: int | None = None
    """The REMOTE selection written when the filing was approved."""


@dataclass(frozen=True, slots=True)
class FilingRequest:
    """What the rules see of a filing request (fileRemoteTreatment)."""

    person: Person
    type: FilingType
    destination: Destination
    home_province: str
    start_on: date
    today: date
    channel: Channel
    role: Role
    proxy: bool
    choices: tuple[OutpatientChoice, ...] = ()

    @property
    def in_province(self) -> bool:
        return self.destination.province_code == self.home_province


@dataclass(frozen=True, slots=True)
class FilingRequirement:
    """Whether a filing is needed at all; when not, why (said with a code, nothing written)."""

    required: bool
    reason: str = ""
    reason_en: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class FilingTerms:
    """How a filing runs once accepted (RF-1, RF-2, RF-6)."""

    review: bool
    """Whether it waits for an agency's review; False: effective on submission (e.g. deemed filed)."""
    validity_months: int | None
    """How long it is valid from its start; None: until cancelled (shown as 2099-12-31)."""
    lock_months: int
    """RF-2: months after approval during which it cannot be cancelled or changed."""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Filing:
    """异地就医备案: one filing of a person, as stored (status on a day is computed)."""

    id: int
    person_id: int
    city: str
    type: FilingType
    destination: str
    destination_name: str
    start_on: date
    basis: FilingBasis | None
    state: FilingStatus
    """Stored state: SUBMITTED, RETURNED, ACTIVE, REJECTED or CANCELLED (EXPIRED is computed)."""
    valid_from: date | None
    valid_until: date | None
    locked_until: date | None
    approved_on: date | None
    materials_completed_on: date | None
    deemed: bool
    submitted_on: date
    channel: Channel
    materials: tuple[str, ...] = ()
    choices: tuple[OutpatientChoice, ...] = ()
    application_id: int | None = None
    cancelled_on: date | None = None
    proxy: bool = False
    """RF-3: filed by a proxy (授权委托书 and both IDs were required and brought)."""

    def status_on(self, day: date) -> FilingStatus:
        if self.state is FilingStatus.ACTIVE and self.valid_until is not None and day > self.valid_until:
            return FilingStatus.EXPIRED
        return self.state

    def active_on(self, day: date) -> bool:
        return (self.status_on(day) is FilingStatus.ACTIVE and self.valid_from is not None
                and self.valid_from <= day)

    def open_on(self, day: date) -> bool:
        """Pending or in force (not refused, cancelled or expired): blocks a second filing."""
        return self.status_on(day) in (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.ACTIVE)


@dataclass(frozen=True, slots=True)
class BenefitAdjustments:
    """RF-5: what a filing changes back home, computed for a day (never stored by hand)."""

    inpatient_ratio_points: int
    """Change of the inpatient fund ratio back home, in percentage points (e.g. -20)."""
    local_general_outpatient: bool
    """Whether local general-outpatient benefits are kept."""
    since: date | None = None
    reason: str = ""
    reason_en: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class FilingEvent:
    id: int
    filing_id: int
    status: str
    """SUBMITTED, RETURNED, ACTIVE, DEEMED_FILED, REJECTED, CANCELLED or MATERIALS_COMPLETED."""
    business_date: date
    actor: str
    reason: str | None = None
