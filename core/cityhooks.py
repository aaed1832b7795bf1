"""The typed face of one city's hooks: what `PluginHost.city(code)` returns.

Each method is the pluggy caller of the hook of the same name in core/hookspecs.py, called with
keyword arguments only. A deciding hook (firstresult) answers one value or None; a contributing
hook answers one result per plugin that implemented it, in call order (the city before the
defaults). tests/test_plugin_host.py keeps this Protocol and hookspecs.py in step.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

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
    from pluggy import HookImpl

    from .catalogue.items import ServiceItem


class HookCaller(Protocol):
    """What every caller offers besides being called (pluggy's HookCaller)."""

    name: str

    def get_hookimpls(self) -> list[HookImpl]: ...


class CityHookCalls(Protocol):
    """The hooks of one city (its plugin plus the province defaults), typed."""

    # identity and reference data
    def yibao_city(self) -> list[CityInfo]: ...
    def yibao_reference_data(self) -> ReferenceData | None: ...
    def yibao_rule_sets(self) -> list[list[RuleSet]]: ...
    def yibao_error_codes(self) -> list[list[CodeInfo]]: ...
    def yibao_settings(self) -> list[list[PluginSetting]]: ...

    # people and schemes
    def yibao_validate_person(self, *, person: PersonInput) -> list[list[UserError]]: ...

    # selections (选点)
    def yibao_selection_slots(self, *, person: Person, kind: SelectionKind, today: date) -> list[Slot] | None: ...
    def yibao_validate_selection(self, *, request: SelectionRequest) -> list[list[UserError]]: ...
    def yibao_refusal_overrides(self, *, request: SelectionRequest) -> list[list[RefusalOverride]]: ...
    def yibao_first_choice_effective_date(self, *, request: SelectionRequest) -> date | None: ...
    def yibao_change_effective_date(self, *, request: SelectionRequest) -> date | None: ...
    def yibao_selection_needs_review(self, *, request: SelectionRequest) -> bool | None: ...
    def yibao_validate_withdrawal(self, *, selection: Selection, today: date) -> list[list[UserError]]: ...
    def yibao_coverage(
        self, *, person: Person, kind: SelectionKind, selections: list[Selection], on: date
    ) -> list[InstitutionFilter] | None: ...

    # the provincial service catalogue: an adjusting hook, called through PluginHost.adjust
    def yibao_service_item(self, *, item: ServiceItem) -> list[ServiceItem]: ...
