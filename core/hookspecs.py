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
from .settings import PluginSetting

if TYPE_CHECKING:
    from .catalogue.items import ServiceItem

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


@hookspec
def yibao_settings() -> list[PluginSetting]:
    """The settings this city plugin declares, each with its default and descriptions (contributes).

    Called once at start-up on the city's own plugin. An operator overrides a value without a
    code edit: `YIBAO_SETTING_<CITY>_<NAME>` in the environment, or the JSON file named by
    `YIBAO_SETTINGS_FILE` (`{"<city>": {"<name>": value}}`); a wrong type or an unknown name
    stops the start-up (core/settings.py). Rules read the resolved values from
    `SelectionRequest.settings`; the `plugins` query lists them with their source.

    Example::

        @hookimpl
        def yibao_settings():
            return [PluginSetting("change_cutoff_day", SettingType.INT, 20,
                                  "每月变更截止日", "the last day of a month for a change to take effect next month",
                                  minimum=1, maximum=28)]
    """


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
    that day (possibly none), as institution filters the core resolves (decides).

    The filters' union is the answer; each filter is its `codes` OR the AND of its given axes
    (towns, networks, categories, tags, levels); `whole_city=True` covers every designated
    institution of the city (see `InstitutionFilter`). Asked even when no selection is in
    effect, so a city can cover persons who need not select. Example (a settlement-hospital
    network)::

        InstitutionFilter(city="c", codes=(chosen.code,),
                          networks=(NetworkRef(NetworkKind.SETTLEMENT_HOSPITAL, hospital_code),))
    """


# ---------------------------------------------------------------------------------------------
# The provincial service catalogue (seed 002)
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_service_item(item: ServiceItem) -> ServiceItem:
    """The city's version of a catalogue item, e.g. a city's own local rules for it (adjusts)."""
