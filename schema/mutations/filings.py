"""fileRemoteTreatment, cancelRemoteFiling, completeRemoteFilingMaterials: 异地就医备案 (RF-1..6)."""

import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.services.filings import ChoiceInput, FileInput, FilingRecord

from .. import globalid
from ..context import Context, ctx
from ..filing_types import FilingBasis, RemoteFiling, RemoteFilingType
from ..permissions import policy_for
from ..types import Application, Channel, InstitutionLevel, UserError
from .base import attempt




@strawberry.input(description="就医地普通门诊选点 (RF-4)：本平台服务的城市填代码，其他地方填名称和级别（备注栏）。An "
                              "outpatient choice at the destination: a code where this platform serves the city, "
                              "elsewhere a name with its level (the remarks).")
class RemoteOutpatientChoiceInput:
    institution_code: Optional[str] = strawberry.field(default=None, description="机构代码。Institution code.")
    name: Optional[str] = strawberry.field(default=None, description="机构名称。Institution name.")
    level: Optional[InstitutionLevel] = strawberry.field(default=None, description="机构级别。Institution level.")


@strawberry.input(description="异地就医备案申请。A remote-treatment filing request.")
class FileRemoteTreatmentInput:
    id_number: str = strawberry.field(description="参保人证件号码。The person's ID number.")
    type: RemoteFilingType = strawberry.field(description="备案类型 (RF-1)。Filing type.")
    destination: str = strawberry.field(
        description="就医地行政区划代码 (GB/T 2260：省、市或县)。Destination division code (province, city or county).")
    start_on: Optional[datetime.date] = strawberry.field(
        default=None, description="就医开始日期（默认今天）。Start of treatment (default: today).")
    basis: Optional[FilingBasis] = strawberry.field(
        default=None, description="长期备案的办理方式；不填则按所交材料判断。Basis of a long-term filing; derived from the "
                                  "materials when omitted.")
    materials: list[str] = strawberry.field(description="所交材料（按服务事项的名称）。Materials brought, by catalogue name.")
    outpatient_institution_codes: Optional[list[str]] = strawberry.field(
        default=None, description="就医地普通门诊选点的机构代码 (RF-4)。Codes of outpatient choices at the destination.")
    outpatient_choices: Optional[list[RemoteOutpatientChoiceInput]] = strawberry.field(
        default=None, description="就医地普通门诊选点（名称及级别）(RF-4)。Outpatient choices by name and level.")
    channel: Optional[Channel] = strawberry.field(
        default=None, description="受理渠道（默认：本人/代办人 粤医保，经办窗口 WINDOW，医疗机构 INSTITUTION）。Channel.")
    proxy: Optional[bool] = strawberry.field(
        default=False, description="窗口记录由代办人办理 (RF-3)：须授权委托书及双方身份证件。Staff record a proxy filing at "
                                   "the window: the letter of authorization and both IDs are required.")
    idempotency_key: Optional[str] = strawberry.field(
        default=None, description="幂等键：同一键返回第一次的结果。Repeat safely: the same key returns the first answer.")


@strawberry.input(description="取消异地就医备案。Cancel a remote filing.")
class CancelRemoteFilingInput:
    filing_id: strawberry.ID = strawberry.field(description="备案ID。The filing's id.")
    reason: Optional[str] = strawberry.field(default=None, description="取消原因。Why.")


@strawberry.input(description="以个人承诺办理后补齐备案材料 (RF-5)。Bring the materials a commitment letter stood in for.")
class CompleteRemoteFilingMaterialsInput:
    filing_id: strawberry.ID = strawberry.field(description="备案ID。The filing's id.")
    materials: list[str] = strawberry.field(description="补交的材料。The materials brought.")


@strawberry.type(description="备案结果。The filing, its application and every reason it was refused.")
class RemoteFilingPayload:
    filing: Optional[RemoteFiling] = strawberry.field(description="备案。The filing.")
    application: Optional[Application] = strawberry.field(
        description="办理进度 (SE-5)。The application-progress entry.")
    errors: list[UserError] = strawberry.field(description="全部拒绝原因。Every reason at once.")


def _payload(c: Context, record: Optional[FilingRecord], errors: list[UserError]) -> RemoteFilingPayload:
    if record is None:
        return RemoteFilingPayload(filing=None, application=None, errors=errors)
    today = c.call.today
    app = Application.from_domain(record.application, today) if record.application else None
    return RemoteFilingPayload(filing=RemoteFiling.from_record(record, today), application=app, errors=errors)


@strawberry.mutation(permission_classes=policy_for("fileRemoteTreatment"),
                     description="办理异地就医备案 (RF-1..6)；缺少的材料一次性告知。File for remote treatment; every "
                                 "missing material is named at once.")
async def file_remote_treatment(info: Info, input: FileRemoteTreatmentInput) -> RemoteFilingPayload:
    c = ctx(info)
    choices = [ChoiceInput(institution_code=code) for code in input.outpatient_institution_codes or ()]
    choices += [ChoiceInput(institution_code=ch.institution_code, name=ch.name, level=ch.level)
                for ch in input.outpatient_choices or ()]
    record, errors = await attempt(c.platform.filings.file(c.call, FileInput(
        id_number=input.id_number, type=input.type, destination=input.destination, start_on=input.start_on,
        basis=input.basis, materials=tuple(input.materials), choices=tuple(choices), channel=input.channel,
        proxy=bool(input.proxy), idempotency_key=input.idempotency_key,
    )))
    return _payload(c, record, errors)


@strawberry.mutation(permission_classes=policy_for("cancelRemoteFiling"),
                     description="取消备案；长期备案在 lockedUntil 之前不能取消 (RF-2)。Cancel a filing; a long-term "
                                 "filing not before lockedUntil.")
async def cancel_remote_filing(info: Info, input: CancelRemoteFilingInput) -> RemoteFilingPayload:
    c = ctx(info)
    record, errors = await attempt(c.platform.filings.cancel(
        c.call, globalid.decode_int(input.filing_id, "RemoteFiling"), input.reason))
    return _payload(c, record, errors)


@strawberry.mutation(permission_classes=policy_for("completeRemoteFilingMaterials"),
                     description="补齐备案材料：自材料送达之日起按材料方式享受待遇 (RF-5)。Complete a commitment-letter "
                                 "filing with the materials; benefits upgrade from that day.")
async def complete_remote_filing_materials(info: Info, input: CompleteRemoteFilingMaterialsInput) -> RemoteFilingPayload:
    c = ctx(info)
    record, errors = await attempt(c.platform.filings.complete_materials(
        c.call, globalid.decode_int(input.filing_id, "RemoteFiling"), tuple(input.materials)))
    return _payload(c, record, errors)
