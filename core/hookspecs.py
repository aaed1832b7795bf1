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
docs/plugins.md is generated from these docstrings (`yibao docs hooks --write docs/plugins.md`);
tests/test_docs.py fails when a hook is missing there or has no test named `test_hook_<hook>`.
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
from .error_codes import CodeInfo
from .errors import RefusalOverride, UserError
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
    """The city this plugin serves (contributes; called once at start-up on every plugin).

    Every city plugin must implement it; two plugins naming one city code fail at start-up.
    `division_code` is the city's GB/T 2260 code (6 digits).

    Example:

        @hookimpl
        def yibao_city():
            return CityInfo(code="foshan", name="佛山市", division_code="440600")
    """


@hookspec(firstresult=True)
def yibao_reference_data() -> ReferenceData:
    """The city's towns, institutions and agencies as shipped with the plugin (decides).

    Loaded into the database at start-up whenever it changed. An institution shipped before and
    missing now is marked withdrawn (kept with its history, refused for new selections).
    `load_reference_dir(path, city)` reads the JSON files described under "Data formats".

    Example:

        @hookimpl
        def yibao_reference_data():
            return load_reference_dir(Path(__file__).with_name("data"), "foshan")
    """


@hookspec
def yibao_rule_sets() -> list[RuleSet]:
    """The dated rule sets this plugin applies, for display in `plugins` (contributes).

    Each RuleSet names its city, the dates it applies to (None: open), its source and the rule
    ids it implements. `Dated([(rule_set, impl), ...]).on(day)` picks the one in force.

    Example:

        @hookimpl
        def yibao_rule_sets():
            return [RuleSet(id="foshan-2026", city="foshan", valid_from=date(2026, 1, 1),
                            valid_to=None, source="佛山市医保局 2026 年通知", rules=("FS-1",))]
    """


@hookspec
def yibao_settings() -> list[PluginSetting]:
    """The settings this city plugin declares, each with its default and descriptions (contributes).

    Called once at start-up on the city's own plugin. An operator overrides a value without a
    code edit: `YIBAO_SETTING_<CITY>_<NAME>` in the environment, or the JSON file named by
    `YIBAO_SETTINGS_FILE` (`{"<city>": {"<name>": value}}`); a wrong type or an unknown name
    stops the start-up (core/settings.py). Rules read the resolved values from
    `SelectionRequest.settings`; the `plugins` query lists them with their source.

    Example:

        @hookimpl
        def yibao_settings():
            return [PluginSetting("change_cutoff_day", SettingType.INT, 20,
                                  "每月变更截止日", "the last day of a month for a change to take effect next month",
                                  minimum=1, maximum=28)]
    """


@hookspec
def yibao_error_codes() -> list[CodeInfo]:
    """The refusal codes this city's rules return beyond the core registry (contributes).

    core/error_codes.py registers every code the core and the province defaults use. A city that
    refuses with a code of its own declares it here, with its meaning in Chinese and English, so
    it becomes a described value of the schema's `ErrorCode` enum: the schema is built from the
    registry plus the codes of the plugins installed through the `yibao.cities` entry point. A
    code the schema does not know (undeclared, or from a plugin registered only in a test) is
    served as `CITY_RULE` with the city's code in `UserError.cityCode`. A declaration that is
    malformed or redefines a registered code stops the start-up.

    Example:

        @hookimpl
        def yibao_error_codes():
            return [CodeInfo("NOT_IN_HEALTH_GROUP", "该机构不属于您所在的医共体。",
                             "The institution is not in your medical alliance.")]
    """


# ---------------------------------------------------------------------------------------------
# People and schemes
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_validate_person(person: PersonInput) -> list[UserError]:
    """Reasons to refuse registering a person or changing their scheme (contributes).

    `person` is the request (city, ID number, scheme, tier, effective date, today, and the
    existing Person for a scheme change). Return [] to accept; every plugin's reasons are
    returned together.

    Example:

        @hookimpl
        def yibao_validate_person(person):
            if person.scheme is Scheme.RESIDENT and person.tier is None:
                return [UserError("TIER_REQUIRED", "居民医保须选择档次", "residents choose a tier", ("tier",))]
            return []
    """


# ---------------------------------------------------------------------------------------------
# Selections (选点)
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot]:
    """The slots the person has for this kind on `today`, in order (decides).

    A Slot says which institutions fit it, as data: a region prefix and levels, categories,
    specialties or institution codes (`Slot.codes`). Return None to leave a kind to the
    defaults (one slot per kind, any institution of the city).

    Example:

        @hookimpl
        def yibao_selection_slots(person, kind, today):
            if kind is SelectionKind.GENERAL_OUTPATIENT:
                return [Slot("COMMUNITY", "社区门诊", "community outpatient", "4406",
                             categories=("社区卫生服务中心",), codes=("H44060000001",))]
            return None
    """


@hookspec
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    """Every reason to refuse this selection request (contributes; all reasons at once, SE-4).

    The province defaults refuse with their own codes (see "Province defaults"); a city adds its
    reasons here and replaces or silences a default one with `yibao_refusal_overrides`.

    Example:

        @hookimpl
        def yibao_validate_selection(request):
            if request.is_change and request.today.month != 12:
                return [UserError("OUTSIDE_CHANGE_WINDOW", "只能在12月变更", "changes only in December",
                                  ("institutionCode",))]
            return []
    """


@hookspec
def yibao_refusal_overrides(request: SelectionRequest) -> list[RefusalOverride]:
    """Which province-default refusals of this request the city silences or words itself (contributes).

    Each RefusalOverride names a refusal code of the defaults (`defaults.REFUSAL_CODES`); when
    the request is refused with that code, the core drops those reasons and, when given, adds the
    city's `replacement` (its own code and message) once. Overrides for codes the request was not
    refused with change nothing, so a city may return them unconditionally.

    Example:

        @hookimpl
        def yibao_refusal_overrides(request):
            return [RefusalOverride("INSTITUTION_NOT_ELIGIBLE", UserError(
                "NOT_IN_HEALTH_GROUP", "该机构不属于您所在的医共体", "not in your health group",
                ("institutionCode",)))]
    """


@hookspec(firstresult=True)
def yibao_first_choice_effective_date(request: SelectionRequest) -> date:
    """When a first choice for an empty slot takes effect (decides).

    Never earlier than `request.today`; the defaults answer `request.today`.

    Example:

        @hookimpl
        def yibao_first_choice_effective_date(request):
            return request.today
    """


@hookspec(firstresult=True)
def yibao_change_effective_date(request: SelectionRequest) -> date:
    """When a change of an existing selection takes effect (decides).

    The replaced record ends the day before. Never earlier than `request.today`; the defaults
    answer `request.today`.

    Example:

        @hookimpl
        def yibao_change_effective_date(request):
            return first_of_next_month(request.today)
    """


@hookspec(firstresult=True)
def yibao_selection_needs_review(request: SelectionRequest) -> bool:
    """Whether the request waits for staff review (an application) instead of taking effect (decides).

    The defaults answer False. An approved application creates the selection, judged again on
    the approval day.

    Example:

        @hookimpl
        def yibao_selection_needs_review(request):
            return request.channel is Channel.GD_GOV_PORTAL
    """


@hookspec
def yibao_validate_withdrawal(selection: Selection, today: date) -> list[UserError]:
    """Reasons to refuse withdrawing a pending change (contributes).

    The core already refuses a selection that is not pending (`NOT_PENDING`).

    Example:

        @hookimpl
        def yibao_validate_withdrawal(selection, today):
            if (selection.effective_from - today).days < 3:
                return [UserError("TOO_LATE", "生效前3日内不能撤回", "too close to taking effect", ("selectionId",))]
            return []
    """


@hookspec(firstresult=True)
def yibao_coverage(person: Person, kind: SelectionKind, selections: list[Selection], on: date) -> list[InstitutionFilter]:
    """Where the person may be treated under `kind` on `on`, given the selections effective
    that day (possibly none), as institution filters the core resolves (decides).

    The filters' union is the answer; each filter is its `codes` OR the AND of its given axes
    (towns, networks, categories, tags, levels); `whole_city=True` covers every designated
    institution of the city (see `InstitutionFilter`). Asked even when no selection is in
    effect, so a city can cover persons who need not select. The defaults cover the selected
    institutions themselves.

    Example: the selected clinics, the community stations of their towns, and every member of
    a settlement hospital's network:

        @hookimpl
        def yibao_coverage(person, kind, selections, on):
            towns = tuple({s.institution.town for s in selections if s.institution.town})
            codes = tuple(s.institution.code for s in selections)
            return [InstitutionFilter(city="foshan", codes=codes, towns=towns, categories=("社区卫生服务站",)),
                    InstitutionFilter(city="foshan", networks=(NetworkRef(NetworkKind.SETTLEMENT_HOSPITAL,
                                                                          "H44060000001"),))]
    """


# ---------------------------------------------------------------------------------------------
# The provincial service catalogue (seed 002)
# ---------------------------------------------------------------------------------------------


@hookspec
def yibao_service_item(item: ServiceItem) -> ServiceItem:
    """The city's version of a catalogue item, e.g. a city's own local rules for it (adjusts).

    Return the item (changed with `dataclasses.replace`) or None to leave it as it is.

    Example:

        @hookimpl
        def yibao_service_item(item):
            if item.code == "GD-22":
                return replace(item, notes=item.notes + ("佛山：可在粤医保办理",))
            return item
    """
