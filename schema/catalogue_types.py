"""GraphQL types of the provincial service catalogue (seed 002, SC-1..5)."""

from typing import Optional

import strawberry

from yibao.core.catalogue import items as c

TimeLimitKind = strawberry.enum(c.TimeLimitKind, description="办理时限的种类 (SC-2)")
ProcessKind = strawberry.enum(c.ProcessKind, description="办理流程的种类 (SC-3)")


@strawberry.type(description="设定依据: one cited legal document.")
class LegalBasis:
    title: str
    document_number: Optional[str]
    articles: list[str]
    text: str


@strawberry.type(description="办理时限: immediate, N working days, N natural days, or window-immediate/online N working days.")
class TimeLimit:
    kind: TimeLimitKind
    days: Optional[int]
    text: Optional[str]


@strawberry.type(description="A substitute for a material, e.g. 个人承诺书, with its consequences (SC-5).")
class Substitute:
    name: str
    consequence: Optional[str]


@strawberry.type(description="When a material is needed: e.g. proxy (委托办理), first payment.")
class MaterialCondition:
    code: str
    text: str


@strawberry.type(description="One material requirement: any one of `anyOf` (任选其一 when several), or a substitute.")
class MaterialRequirement:
    id: str
    text: str
    any_of: list[str]
    substitutes: list[Substitute]
    condition: Optional[MaterialCondition]


@strawberry.type(description="某市对该事项的当地规定（由该市插件提供）。A city's own rule for an item (按当地规定执行), from its plugin.")
class LocalRule:
    city: str
    text: str
    process_kind: Optional[ProcessKind]
    steps: list[str]


@strawberry.type(description="窗口 and 线上 channels.")
class ServiceChannels:
    window: list[str]
    online: list[str]
    text: Optional[str]


@strawberry.type(description="服务事项：广东省医保经办服务事项清单中的一项（SC-1）。One item of Guangdong's insurance service catalogue (SC-1).")
class ServiceItem:
    code: str
    number: int
    sub_number: Optional[int]
    name: str
    parent_code: Optional[str]
    sub_item_codes: list[str]
    serves: Optional[str] = strawberry.field(description="服务对象")
    legal_basis: list[LegalBasis]
    description: Optional[str]
    handling_modes: list[str]
    accepting_units: list[str] = strawberry.field(description="受理单位")
    channels: Optional[ServiceChannels]
    materials: list[MaterialRequirement] = strawberry.field(description="办理材料, with alternatives and substitutes")
    process: list[str] = strawberry.field(description="办理流程")
    process_kind: ProcessKind
    time_limit: TimeLimit
    fee: Optional[str] = strawberry.field(description="是否收费")
    evaluation: Optional[str] = strawberry.field(description="评价渠道 (好差评)")
    notes: list[str]
    local_rules: list[LocalRule]
    local_rules_note: Optional[str] = strawberry.field(
        description="全省清单注明部分地市按当地规定执行；按城市查询时由该市的版本给出具体规定。The province's note that "
                    "some cities follow local rules for this item; ask with `city` for that city's version.")

    @classmethod
    def from_domain(cls, i: c.ServiceItem) -> "ServiceItem":
        return cls(
            code=i.code, number=i.number, sub_number=i.sub_number, name=i.name, parent_code=i.parent_code,
            sub_item_codes=list(i.sub_item_codes), serves=i.serves,
            legal_basis=[LegalBasis(title=b.title, document_number=b.document_number, articles=list(b.articles),
                                    text=b.text) for b in i.legal_basis],
            description=i.description, handling_modes=list(i.handling_modes),
            accepting_units=list(i.accepting_units),
            channels=ServiceChannels(window=list(i.channels.window), online=list(i.channels.online),
                                     text=i.channels.text) if i.channels else None,
            materials=[MaterialRequirement(
                id=m.id, text=m.text, any_of=list(m.any_of),
                substitutes=[Substitute(name=s.name, consequence=s.consequence) for s in m.substitutes],
                condition=MaterialCondition(code=m.condition.code, text=m.condition.text) if m.condition else None,
            ) for m in i.materials],
            process=list(i.process), process_kind=i.process_kind,
            time_limit=TimeLimit(kind=i.time_limit.kind, days=i.time_limit.days, text=i.time_limit.text),
            fee=i.fee, evaluation=i.evaluation, notes=list(i.notes),
            local_rules=[LocalRule(city=r.city, text=r.text, process_kind=r.process_kind, steps=list(r.steps))
                         for r in i.local_rules],
            local_rules_note=i.local_rules_note,
        )
