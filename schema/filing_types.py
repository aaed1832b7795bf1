"""GraphQL types of remote-treatment filing (异地就医备案, RF-1..6)."""

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.filings import domain as f
from yibao.core.services.filings import FilingRecord

from . import globalid
from .catalogue_types import ServiceItem
from .describe import describe_values
from .types import Application, Institution, InstitutionLevel, Node, UserError

RemoteFilingType = strawberry.enum(
    f.FilingType, name="RemoteFilingType",
    description="备案类型 (RF-1)。Filing type: 异地安置退休 RETIREE_RESETTLED, 异地长期居住 LONG_TERM_RESIDENT, "
                "常驻异地工作 STATIONED_WORKER, 临时外出就医 TEMPORARY, 异地转诊 REFERRAL, 急诊抢救 EMERGENCY, "
                "异地生育 MATERNITY.")
FilingBasis = strawberry.enum(
    f.FilingBasis, name="FilingBasis", description="长期备案的办理方式 (RF-5)：材料 MATERIALS 或个人承诺 COMMITMENT。"
                               "How a long-term filing was made: by documents or by a commitment letter.")
RemoteFilingStatus = strawberry.enum(
    f.FilingStatus, name="RemoteFilingStatus", description="备案状态：已提交、退回补正、有效、不通过、已取消、已过期（按日期计算）。Filing status on the "
                                "business date; EXPIRED is computed from validUntil.")

describe_values(RemoteFilingType, {
    f.FilingType.RETIREE_RESETTLED: "异地安置退休人员 (GD-14)。Retiree resettled elsewhere.",
    f.FilingType.LONG_TERM_RESIDENT: "异地长期居住人员 (GD-15)。Long-term resident elsewhere.",
    f.FilingType.STATIONED_WORKER: "常驻异地工作人员 (GD-16)。Worker stationed elsewhere.",
    f.FilingType.TEMPORARY: "非急诊且未转诊的临时外出就医人员 (GD-18)。Temporary treatment, not emergency, not referred.",
    f.FilingType.REFERRAL: "异地转诊人员 (GD-17)，原则上由定点医疗机构办理。Referral, normally filed by the institution.",
    f.FilingType.EMERGENCY: "急诊抢救人员：视同备案，无须审核。Emergency: deemed filed, no review.",
    f.FilingType.MATERNITY: "异地生育就医人员 (GD-19)，仅限省内。Maternity, within the province only.",
})
describe_values(FilingBasis, {
    f.FilingBasis.MATERIALS: "材料方式：回参保地住院比例降低10个百分点，保留普通门诊待遇。By documents: -10 points, home outpatient kept.",
    f.FilingBasis.COMMITMENT: "个人承诺方式：降低20个百分点，不享受参保地普通门诊待遇。By commitment letter: -20 points, no home "
                              "general outpatient.",
})
describe_values(RemoteFilingStatus, {
    f.FilingStatus.SUBMITTED: "已提交，待审核。Submitted, awaiting review.",
    f.FilingStatus.RETURNED: "退回补正。Returned for missing materials.",
    f.FilingStatus.ACTIVE: "备案有效（已通过或视同备案）。In force (approved or deemed filed).",
    f.FilingStatus.REJECTED: "审核不通过，原因见 history。Refused; the reason is in `history`.",
    f.FilingStatus.CANCELLED: "已取消。Cancelled.",
    f.FilingStatus.EXPIRED: "已过有效期（按 validUntil 计算）。Past validUntil (computed).",
})


@strawberry.type(description="备案对参保地待遇的影响 (RF-5)，按日期计算而非存储。What the filing changes back home on a day, "
                             "computed, never stored.")
class BenefitAdjustments:
    inpatient_ratio_points: int = strawberry.field(
        description="回参保地住院基金支付比例的变化（百分点，如 -20）。Change of the inpatient fund ratio back home, "
                    "in percentage points.")
    local_general_outpatient: bool = strawberry.field(
        description="是否享受参保地普通门诊待遇。Whether general-outpatient benefits back home are kept.")
    since: Optional[datetime.date] = strawberry.field(
        description="自何日起（补齐材料后的升级自材料送达之日起）。From when (an upgrade dates from the day the "
                    "materials arrived).")
    reason: str = strawberry.field(description="中文说明。The explanation in Chinese.")
    reason_en: str = strawberry.field(description="英文说明。The explanation in English.")
    rule: str = strawberry.field(description="规则编号，如 RF-5。The rule id, e.g. RF-5.")


@strawberry.type(description="就医地的普通门诊选点 (RF-4)。A general-outpatient choice at the destination.")
class RemoteOutpatientChoice:
    name: str = strawberry.field(description="机构名称。Institution name.")
    level: InstitutionLevel = strawberry.field(description="机构级别。Institution level.")
    institution_code: Optional[str] = strawberry.field(
        description="机构代码（就医地为本平台服务的城市时）。Its code when the destination is a city this platform serves.")
    selection_id: Optional[strawberry.ID] = strawberry.field(
        description="备案通过后写入的异地（REMOTE）选点。The REMOTE selection written when the filing was approved.")


@strawberry.type(description="备案的一次状态变化。One status change of a filing: who, when and why.")
class RemoteFilingEvent:
    status: str = strawberry.field(
        description="SUBMITTED、RETURNED、ACTIVE、DEEMED_FILED、REJECTED、CANCELLED 或 MATERIALS_COMPLETED。The status "
                    "reached.")
    business_date: datetime.date = strawberry.field(description="业务日期。The business date.")
    actor: str = strawberry.field(description="办理人。Who made the change.")
    reason: Optional[str] = strawberry.field(description="原因（如审核不通过的原因）。The reason, e.g. of a refusal.")


@strawberry.type(description="未能直接结算的费用如何处理 (RF-6)。Where costs not settled directly go.")
class UnsettledCosts:
    message: str = strawberry.field(description="中文说明。The explanation in Chinese.")
    message_en: str = strawberry.field(description="英文说明。The explanation in English.")
    item_codes: list[str] = strawberry.field(
        description="手工（零星）报销的服务事项代码。Catalogue items for reimbursement by hand.")
    city: strawberry.Private[str]

    @strawberry.field(description="手工（零星）报销的服务事项（按参保地城市的版本）。Those items as the insured city "
                                  "applies them.")
    async def items(self, info: Info) -> list[ServiceItem]:
        out = []
        for code in self.item_codes:
            item = await info.context.platform.catalogue.item(code, self.city)
            if item is not None:
                out.append(ServiceItem.from_domain(item))
        return out


@strawberry.type(description="异地就医备案 (RF-1..6)。A remote-treatment filing of a person.")
class RemoteFiling(Node):
    id: strawberry.ID = strawberry.field(description="全局ID。The global id.")
    type: RemoteFilingType = strawberry.field(description="备案类型。Filing type.")
    status: RemoteFilingStatus = strawberry.field(description="业务日期的状态。Status on the business date.")
    destination: str = strawberry.field(description="就医地行政区划代码 (GB/T 2260)。Destination division code.")
    destination_name: str = strawberry.field(description="就医地名称。Destination name.")
    start_on: datetime.date = strawberry.field(description="就医开始日期。Start of treatment.")
    basis: Optional[FilingBasis] = strawberry.field(
        description="长期备案的办理方式；其他类型为空。Basis of a long-term filing; null for other types.")
    deemed: bool = strawberry.field(description="视同备案（急诊抢救）。Deemed filed (emergency).")
    valid_from: Optional[datetime.date] = strawberry.field(description="有效期开始。Valid from.")
    valid_until: Optional[datetime.date] = strawberry.field(
        description="有效期截止（长期有效显示 2099-12-31）。Valid until (2099-12-31 when open-ended).")
    locked_until: Optional[datetime.date] = strawberry.field(
        description="此日之前不能取消或变更 (RF-2)。Cannot be cancelled or changed before this day.")
    approved_on: Optional[datetime.date] = strawberry.field(description="办理成功日期。Day approved.")
    materials_completed_on: Optional[datetime.date] = strawberry.field(
        description="以个人承诺办理后补齐材料的日期 (RF-5)。Day the missing materials arrived.")
    cancelled_on: Optional[datetime.date] = strawberry.field(description="取消日期。Day cancelled.")
    materials: list[str] = strawberry.field(description="所交材料。Materials brought.")
    by_proxy: bool = strawberry.field(
        description="由代办人办理（已交授权委托书及双方身份证件，RF-3）。Filed by a proxy with the letter of authorization.")
    outpatient_choices: list[RemoteOutpatientChoice] = strawberry.field(
        description="就医地普通门诊选点 (RF-4)。Outpatient choices at the destination.")
    history: list[RemoteFilingEvent] = strawberry.field(description="状态历史。Status history.")
    application: Optional[Application] = strawberry.field(
        description="备案对应的申请（急诊视同备案无申请）。The filing's application (none for an emergency).")
    unsettled_costs: UnsettledCosts = strawberry.field(
        description="未能直接结算的费用：回参保地手工（零星）报销 (RF-6)。Costs not settled directly: reimbursed by hand "
                    "back home.")
    _filing: strawberry.Private[f.Filing]
    _today: strawberry.Private[datetime.date]

    @strawberry.field(description="对参保地待遇的影响 (RF-5)，按 on 日期（默认业务日期）计算。Benefit changes back home on "
                                  "`on` (default: the business date).")
    def benefit_adjustments(self, info: Info, on: Optional[datetime.date] = None) -> BenefitAdjustments:
        a = info.context.platform.filings.benefits(self._filing, on or self._today)
        return BenefitAdjustments(inpatient_ratio_points=a.inpatient_ratio_points,
                                  local_general_outpatient=a.local_general_outpatient, since=a.since,
                                  reason=a.reason, reason_en=a.reason_en, rule=a.rule)

    @classmethod
    def from_record(cls, r: FilingRecord, today: datetime.date) -> "RemoteFiling":
        x = r.filing
        return cls(
            id=strawberry.ID(globalid.encode("RemoteFiling", x.id)), type=x.type, status=x.status_on(today),
            destination=x.destination, destination_name=x.destination_name, start_on=x.start_on, basis=x.basis,
            deemed=x.deemed, valid_from=x.valid_from, valid_until=x.valid_until, locked_until=x.locked_until,
            approved_on=x.approved_on, materials_completed_on=x.materials_completed_on, cancelled_on=x.cancelled_on,
            materials=list(x.materials), by_proxy=x.proxy,
            outpatient_choices=[RemoteOutpatientChoice(
                name=c.name, level=c.level, institution_code=c.institution_code,
                selection_id=strawberry.ID(globalid.encode("Selection", c.selection_id)) if c.selection_id else None)
                for c in x.choices],
            history=[RemoteFilingEvent(status=e.status, business_date=e.business_date, actor=e.actor, reason=e.reason)
                     for e in r.events],
            application=Application.from_domain(r.application, today) if r.application else None,
            unsettled_costs=UnsettledCosts(
                message="在异地就医时未能直接结算的医疗费用，符合规定的可持相关材料回参保地申请手工（零星）报销",
                message_en="medical costs not settled directly at the destination can be reimbursed by hand back home "
                           "with the relevant documents", item_codes=list(f.REIMBURSEMENT_ITEMS), city=x.city),
            _filing=x, _today=today,
        )


@strawberry.type(description="就医范围及其说明。Coverage with the reasons it is empty when a rule takes it away.")
class CoverageAnswer:
    institutions: list[Institution] = strawberry.field(
        description="可就医的机构。Where the person may be treated.")
    reasons: list[UserError] = strawberry.field(
        description="为何为空（如以个人承诺办理异地长期备案，RF-5）。Why it is empty, e.g. a long-term filing by "
                    "commitment letter.")
