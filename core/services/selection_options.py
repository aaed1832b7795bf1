"""What a person may select now, and from when (selectionOptions): a dry run of `select`.

For each of the person's slots (the city's `yibao_selection_slots`): who holds it, the pending
change if any, the institutions that fit it, and whether a choice made today would pass, judged
by `Selections.preview` — the very plan and hooks `select` runs, rolled back — never by a second
copy of the rules here. A refusal's `next_possible_on` says from when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..auth import Role
from ..call import Call
from ..domain import Channel, Institution, Person, Selection, SelectionKind, SelectionStatus, Slot
from ..errors import Refused, UserError, not_found
from ..plugins import PluginHost
from .institutions import Institutions
from .persons import Persons, PersonRecord
from .selections import SelectInput, Selections

# The channel a dry run assumes for each role (the channel decides e.g. whether staff review).
ROLE_CHANNEL = {Role.INSTITUTION: Channel.INSTITUTION, Role.AGENCY: Channel.WINDOW, Role.ADMIN: Channel.WINDOW}


@dataclass(frozen=True, slots=True)
class SlotOption:
    """One slot as of today: its holder, and what a choice for it would meet."""

    slot: Slot
    holder: Selection | None
    pending: Selection | None
    """A change of the holder not yet in effect (it may be withdrawn)."""
    eligible: tuple[Institution, ...]
    """Institutions of the person's city that offer the kind and fit the slot (the city's Slot data)."""
    can_change_now: bool
    reasons: tuple[UserError, ...]
    """Why a choice made today would be refused (empty when it would pass)."""
    next_possible_on: date | None
    effective_from: date | None
    """When a choice made today would take effect (None when refused, or when staff review decides)."""
    needs_review: bool


@dataclass(frozen=True, slots=True)
class SelectionOptions:
    record: PersonRecord
    kind: SelectionKind
    today: date
    slots: tuple[SlotOption, ...]

    @property
    def person(self) -> Person:
        return self.record.person


class SelectionOptionsService:
    def __init__(self, plugins: PluginHost, persons: Persons, institutions: Institutions, selections: Selections):
        self.plugins = plugins
        self.persons = persons
        self.institutions = institutions
        self.selections = selections

    async def options(self, call: Call, id_number: str, kind: SelectionKind,
                      channel: Channel | None = None) -> SelectionOptions:
        record = await self.persons.get(call, id_number, operation="query.selectionOptions")
        if record is None:
            raise Refused([not_found("参保人", "person", ("idNumber",))])
        person = record.person
        history = [s for s in record.selections or () if s.kind is kind]
        slots = tuple(self.plugins.city(person.city).yibao_selection_slots(
            person=person, kind=kind, today=call.today) or ())
        city_institutions = await self.institutions.in_city(person.city)
        chosen = channel or ROLE_CHANNEL.get(call.actor.role, Channel.YUEYIBAO)  # type: ignore[arg-type]
        options = [await self._slot(call, person, kind, slot, slots, history, city_institutions, chosen)
                   for slot in slots]
        return SelectionOptions(record, kind, call.today, tuple(options))

    async def _slot(self, call: Call, person: Person, kind: SelectionKind, slot: Slot, slots: tuple[Slot, ...],
                    history: list[Selection], city_institutions: list[Institution], channel: Channel) -> SlotOption:
        holder, _ = Selections._occupant(call.today, slot, slots, history)
        pending = next((s for s in history if holder is not None and s.replaces_id == holder.id
                        and s.status_on(call.today) is SelectionStatus.PENDING), None)
        eligible = tuple(i for i in city_institutions if kind in i.services and slot.accepts(i))
        candidate = next((i for i in eligible if holder is None or i.code != holder.institution.code), None)
        if candidate is None:
            return SlotOption(slot, holder, pending, eligible, False, (), None, None, False)
        request = SelectInput(id_number=person.id_number, kind=kind, institution_code=candidate.code,
                              channel=channel, replaces_selection_id=holder.id if holder else None)
        try:
            preview = await self.selections.preview(call, request)  # the same path as select, rolled back
        except Refused as refused:
            reasons = tuple(refused.errors)
            dates = [e.next_possible_on for e in reasons if e.next_possible_on is not None]
            return SlotOption(slot, holder, pending, eligible, False, reasons, max(dates) if dates else None,
                              None, False)
        return SlotOption(slot, holder, pending, eligible, True, (), call.today, preview.effective_from,
                          preview.needs_review)
