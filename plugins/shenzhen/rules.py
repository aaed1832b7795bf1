"""Shenzhen's hook implementations (SZ-1..4), each delegating to the file of its rule family."""

from __future__ import annotations

from datetime import date

from yibao.core.catalogue.items import ServiceItem
from yibao.core.domain import InstitutionFilter, Person, PersonInput, Selection, SelectionKind, SelectionRequest, Slot
from yibao.core.errors import RefusalOverride, UserError
from yibao.core.hookspecs import hookimpl
from yibao.core.settings import PluginSetting

from . import binding, catalogue, coverage, effective_dates, settings, tiers

GENERAL = SelectionKind.GENERAL_OUTPATIENT


@hookimpl
def yibao_settings() -> list[PluginSetting]:
    return list(settings.DECLARED)  # SZ-4


@hookimpl
def yibao_validate_person(person: PersonInput) -> list[UserError]:
    return tiers.validate_tier(person)  # SZ-1


@hookimpl
def yibao_selection_slots(person: Person, kind: SelectionKind, today: date) -> list[Slot] | None:
    if kind is not GENERAL:
        return None  # SE-1: other kinds follow the provincial defaults
    return binding.slots(person, today)  # SZ-2


@hookimpl
def yibao_validate_selection(request: SelectionRequest) -> list[UserError]:
    return binding.hospital_level_refusals(request)  # SZ-2


@hookimpl
def yibao_refusal_overrides(request: SelectionRequest) -> list[RefusalOverride]:
    return binding.overrides(request)  # SZ-2: say why, the Shenzhen way


@hookimpl
def yibao_first_choice_effective_date(request: SelectionRequest) -> date | None:
    return effective_dates.first_binding(request) if request.kind is GENERAL else None  # SZ-4


@hookimpl
def yibao_change_effective_date(request: SelectionRequest) -> date | None:
    return effective_dates.change(request) if request.kind is GENERAL else None  # SZ-4


@hookimpl
def yibao_coverage(person: Person, kind: SelectionKind, selections: list[Selection],
                   on: date) -> list[InstitutionFilter] | None:
    return coverage.filters(person, selections, on) if kind is GENERAL else None  # SZ-2, SZ-3


@hookimpl
def yibao_service_item(item: ServiceItem) -> ServiceItem:
    return catalogue.shenzhen_version(item)  # seed 002: 深圳市按当地规定执行
