"""Every hook a city plugin can implement, in one file.

Each hook says how its results combine:
  decides      firstresult: stops at the first non-None result; cities run before the
               province-wide defaults (registered last), so a city overrides a default.
  contributes  every plugin's result is collected (lists are concatenated).
  adjusts      a value passed through each plugin in turn, the defaults first and the city last;
               each returns the value it was given, changed or not (Saleor's previous_value).

A request about a person or an institution calls only that city's plugin plus the defaults
(see core/plugins.py); a hook never has to guess whether a call is meant for it.
Hooks receive `today` from the request's clock and never call date.today().

A city plugin is a module (or object) registered under the entry-point group `yibao.cities`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pluggy

from .domain import (
    CityInfo,
    InstitutionFilter,
    Person,
    PersonInput,
    ReferenceData,
    Selection,
    SelectionKind,
    SelectionRequest,
    Slot,
)
from .errors import UserError
from .rulesets import RuleSet

if TYPE_CHECKING:
    from .catalogue.items import ServiceItem
    from .filings.domain import BenefitAdjustments, Filing, FilingRequest, FilingRequirement, FilingTerms

PROJECT = "yibao"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Identity and reference data
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_city() -> CityInfo:
    """The city this plugin serves (contributes; called once at start-up on every plugin)."""


@hookspec(firstresult=True)
def yibao_reference_data() -> ReferenceData:
    """The city's towns, institutions and agencies as shipped with the plugin (decides)."""


@hookspec
def yibao_rule_sets() -> list[RuleSet]:
    """The dated rule sets this plugin applies, for display in `plugins` (contributes)."""


# ---------------------------------------------------------------------------------------------
# People and schemes
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_validate_person(person: PersonInput) -> list[UserError]:
    """Reasons to refuse registering a person or changing their scheme (contributes)."""


# ---------------------------------------------------------------------------------------------
# Selections (选点)
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot]:
    """The slots the person has for this kind on `today`, in order (decides)."""


@hookspec
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    """Every reason to refuse this selection request (contributes; all reasons at once, SE-4)."""


@hookspec(firstresult=True)
def yibao_first_choice_effective_date(request: SelectionRequest) -> date:
    """When a first choice for an empty slot takes effect (decides)."""


@hookspec(firstresult=True)
def yibao_change_effective_date(request: SelectionRequest) -> date:
    """When a change of an existing selection takes effect (decides)."""


@hookspec(firstresult=True)
def yibao_selection_needs_review(request: SelectionRequest) -> bool:
    """Whether the request waits for staff review (an application) instead of taking effect (decides)."""


@hookspec
def yibao_validate_withdrawal(selection: Selection, today: date) -> list[UserError]:
    """Reasons to refuse withdrawing a pending change (contributes)."""


@hookspec(firstresult=True)
def yibao_coverage(person: Person, kind: SelectionKind, selections: list[Selection], on: date) -> list[InstitutionFilter]:
    """Where the person may be treated under `kind` on `on`, given the selections effective
    that day, as institution filters the core resolves (decides)."""


# ---------------------------------------------------------------------------------------------
# The provincial service catalogue (seed 002)
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_service_item(item: ServiceItem) -> ServiceItem:
    """The city's version of a catalogue item, e.g. Shenzhen's local rules (adjusts)."""


# ---------------------------------------------------------------------------------------------
# Remote-treatment filing (异地就医备案, DOMAIN.md section 6)
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_insured_region(person: Person, city: CityInfo) -> str:
    """The GB/T 2260 prefix of the area a person is insured in (参保地) for remote filing (decides).

    A destination inside this area (or containing it) is not 异地 and is refused
    (`DESTINATION_IS_HOME`). Arguments: the person and their city's identity. The province default
    is the city's own division (440783 → "440783", 442000 → "4420"); a city whose pooling area is
    wider answers its own, e.g. a county-level city pooled with its prefecture:

        @hookimpl
        def yibao_insured_region(person, city):
            return "4407"  # the whole of 江门市
    """


@hookspec(firstresult=True)
def yibao_filing_required(request: FilingRequest) -> FilingRequirement:
    """Whether a filing of this type to this destination is needed at all, RF-1 (decides).

    Judged as of `request.start_on` (the day the treatment starts) with `request.today` the day
    the person applies. When not required the request is refused with `FILING_NOT_NEEDED` and the
    reason, and nothing is written. The province default (seed 002, items 14-19) requires every
    type. Example (seed 003, Kaiping): temporary non-emergency treatment within Guangdong needs
    no filing from 2023-07-01:

        @hookimpl
        def yibao_filing_required(request):
            if request.type is FilingType.TEMPORARY and request.in_province \
                    and request.start_on >= date(2023, 7, 1):
                return FilingRequirement(False, "省内异地临时外出就医无须备案", "not needed in-province", "RF-1")
            return None  # the province default decides
    """


@hookspec(firstresult=True)
def yibao_filing_terms(request: FilingRequest) -> FilingTerms:
    """How an accepted filing runs, RF-1 and RF-2 (decides): whether it waits for review, its
    validity in months from the start (None: until cancelled), the RF-2 lock in months after
    approval.

    The province default: long-term types reviewed, open-ended, locked 6 months; temporary and
    referral valid 6 months; emergencies deemed filed (no review); a referral filed by an
    institution and a filing made by agency staff at the window take effect at once. Example:

        @hookimpl
        def yibao_filing_terms(request):
            if request.type is FilingType.MATERNITY:
                return FilingTerms(review=True, validity_months=12, lock_months=0)
            return None
    """


@hookspec
def yibao_validate_filing(request: FilingRequest) -> list[UserError]:
    """Every reason to refuse this filing request (contributes; all reasons at once, SE-4).

    The province default refuses maternity filings across provinces (RF-1), filing types an
    institution may not file, persons not insured on the start date, and outpatient choices at
    the destination that do not fit RF-4 (employees one level-1-or-below and optionally one
    level 2/3; residents one level-1-or-below; only with a long-term filing). Example:

        @hookimpl
        def yibao_validate_filing(request):
            if request.type is FilingType.STATIONED_WORKER and request.person.scheme_on(request.start_on) \
                    is Scheme.RESIDENT:
                return [UserError("NOT_EMPLOYEE", "常驻异地工作人员备案限职工医保", "employees only")]
            return []
    """


@hookspec(firstresult=True)
def yibao_filing_benefits(filing: Filing, on: date) -> BenefitAdjustments:
    """RF-5: what a filing changes of the person's benefits back home on `on` (decides).

    Computed, never stored: the province default gives a long-term filing by commitment letter
    −20 inpatient points and no local general outpatient, by materials (or once the missing
    materials were brought, from that day) −10 points with local general outpatient kept; any
    other filing, or one not in force on `on`, changes nothing. Example:

        @hookimpl
        def yibao_filing_benefits(filing, on):
            if filing.basis is FilingBasis.COMMITMENT and filing.active_on(on):
                return BenefitAdjustments(-15, False, filing.valid_from, "本市降低15个百分点", "-15 points")
            return None
    """
