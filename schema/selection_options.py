"""selectionOptions: what a person may select now and from when (a dry run of selectInstitution)."""

from __future__ import annotations

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.domain import Channel as ChannelValue
from yibao.core.domain import Institution as InstitutionValue
from yibao.core.domain import SelectionKind as SelectionKindValue
from yibao.core.errors import Refused, RequestError
from yibao.core.pagination import page_of
from yibao.core.services.selection_options import SelectionOptions as OptionsValue
from yibao.core.services.selection_options import SlotOption as SlotValue
from yibao.core.services.selections import SelectionPreview as PreviewValue

from .context import ctx
from .error_types import UserError
from .types import (
    Channel,
    City,
    Institution,
    InstitutionConnection,
    InstitutionEdge,
    PageInfo,
    Person,
    Selection,
    SelectionKind,
)



@strawberry.type(description="参保人的一个选点位置在今天的情况：谁占用、能否现在选择或变更、不能时从何时起、可选机构和生效日期。"
                             "One of the person's slots today: its holder, whether a choice can be made now "
                             "and if not from when, the eligible institutions and the date a choice would take effect.")
class SlotOption:
    key: str = strawberry.field(description="位置标识，如 COMMUNITY、GENERAL_A。The slot's key, e.g. COMMUNITY, GENERAL_A.")
    label: str = strawberry.field(description="位置的中文名称。The slot's name in Chinese.")
    label_en: str = strawberry.field(description="位置的英文名称。The slot's name in English.")
    holder: Optional[Selection] = strawberry.field(
        description="当前占用此位置的生效选点；为空表示可首次选点。The selection in effect in this slot; null: a first choice.")
    pending_change: Optional[Selection] = strawberry.field(
        description="对当前选点的待生效变更（可撤回）。A change of the holder not yet in effect (it may be withdrawn).")
    can_change_now: bool = strawberry.field(
        description="今天选择或变更是否会被受理（与 selectInstitution 同一规则的预演）。"
                    "Whether a choice made today would be accepted (a dry run of selectInstitution's own rules).")
    next_possible_on: Optional[datetime.date] = strawberry.field(
        description="现在不能办理时，最早可以办理的日期。When a choice cannot be made now, the first day it can.")
    reasons: list[UserError] = strawberry.field(
        description="现在办理会被拒绝的全部原因。Every reason a choice made today would be refused.")
    effective_from: Optional[datetime.date] = strawberry.field(
        description="今天办理时的生效日期（需人工审核时为空，由审核日决定）。"
                    "When a choice made today would take effect (null when staff review decides).")
    needs_review: bool = strawberry.field(
        description="经此渠道办理是否需要人工审核。Whether the request would wait for staff review on this channel.")
    _eligible: strawberry.Private[list[InstitutionValue]]
    _city: strawberry.Private[str]

    @strawberry.field(description="适合此位置、提供该类别服务的本市机构（可搜索、分页）。"
                                  "Institutions of the person's city that offer the kind and fit this slot (searchable, paged).")
    async def institutions(self, info: Info, search: Optional[str] = None, first: Optional[int] = None,
                           after: Optional[str] = None) -> InstitutionConnection:
        c = ctx(info)
        items = self._eligible
        if search:
            matching = {i.code for i in await c.platform.institutions.in_city(self._city, search)}
            items = [i for i in items if i.code in matching]
        page = page_of(items, first, after, "institution", lambda i: i.code)
        return InstitutionConnection(
            edges=[InstitutionEdge(cursor=cur, node=Institution.from_domain(i, c.cities))
                   for i, cur in zip(page.items, page.cursors)],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            _count=lambda: _total(len(items)),
        )

    @classmethod
    def from_value(cls, o: SlotValue, city: str, today: datetime.date, cities: dict[str, City]) -> "SlotOption":
        return cls(
            key=o.slot.key, label=o.slot.label, label_en=o.slot.label_en,
            holder=Selection.from_domain(o.holder, today, cities) if o.holder else None,
            pending_change=Selection.from_domain(o.pending, today, cities) if o.pending else None,
            can_change_now=o.can_change_now, next_possible_on=o.next_possible_on,
            reasons=[UserError.from_domain(e) for e in o.reasons], effective_from=o.effective_from,
            needs_review=o.needs_review, _eligible=list(o.eligible), _city=city,
        )


async def _total(n: int) -> int:
    return n


@strawberry.type(description="参保人今天某类别的选点选项。A person's selection options for one kind, today.")
class SelectionOptions:
    person: Person = strawberry.field(description="参保人。The person.")
    kind: SelectionKind = strawberry.field(description="选点类别。The selection kind.")
    as_of: datetime.date = strawberry.field(description="判断所依据的业务日期。The business date judged.")
    slots: list[SlotOption] = strawberry.field(description="参保人在此类别的各个位置。The person's slots for this kind.")

    @classmethod
    def from_value(cls, o: OptionsValue, cities: dict[str, City]) -> "SelectionOptions":
        return cls(person=Person.from_record(o.record, o.today, cities), kind=o.kind, as_of=o.today,
                   slots=[SlotOption.from_value(s, o.person.city, o.today, cities) for s in o.slots])


@strawberry.type(description="预演结果：现在办理会得到什么（未写入任何数据）。"
                             "A dry run's answer: what the request would get now (nothing written).")
class SelectionPreview:
    institution: Optional[Institution] = strawberry.field(description="所选机构。The chosen institution.")
    slot: Optional[str] = strawberry.field(description="会占用的位置。The slot it would fill.")
    effective_from: Optional[datetime.date] = strawberry.field(
        description="生效日期（需人工审核时为空）。When it would take effect (null when staff review decides).")
    replaces: Optional[Selection] = strawberry.field(description="会被变更的选点。The selection it would change.")
    needs_review: bool = strawberry.field(description="是否需要人工审核。Whether it would wait for staff review.")

    @classmethod
    def from_value(cls, p: PreviewValue, today: datetime.date, cities: dict[str, City]) -> "SelectionPreview":
        return cls(
            institution=Institution.from_domain(p.institution, cities) if p.institution else None,
            slot=p.slot.key if p.slot else None, effective_from=p.effective_from,
            replaces=Selection.from_domain(p.replaces, today, cities) if p.replaces else None,
            needs_review=p.needs_review,
        )


async def selection_options(info: Info, id_number: str, kind: SelectionKind,
                            channel: Optional[Channel] = None) -> SelectionOptions:
    c = ctx(info)
    try:
        found = await c.platform.selection_options.options(
            c.call, id_number, SelectionKindValue(kind), ChannelValue(channel) if channel else None)
    except Refused as exc:
        first = exc.errors[0]
        raise RequestError(first.message, first.message_en, first.code) from None
    return SelectionOptions.from_value(found, c.cities)
