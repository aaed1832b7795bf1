"""selectInstitution, withdrawSelection, endSelection: the 选点 mutations."""

from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.services.selections import SelectInput, SelectionResult

from .. import globalid
from ..context import Context, ctx
from ..permissions import policy_for
from ..types import Application, Channel, ProxyInput, Selection, SelectionKind, UserError
from ..selection_options import SelectionPreview
from .base import attempt


@strawberry.input
class SelectInstitutionInput:
    id_number: str
    kind: SelectionKind
    institution_code: str
    channel: Channel
    replaces_selection_id: Optional[strawberry.ID] = strawberry.field(
        default=None, description="The selection to change; when omitted the city's rules pick the slot")
    idempotency_key: Optional[str] = strawberry.field(
        default=None, description="Repeat a request safely: the same key returns the first answer")
    proxy: Optional[ProxyInput] = strawberry.field(
        default=None, description="代办人（如窗口代办）：本人身份证号及授权委托书（SE-3）。The proxy, e.g. at a window.")
    dry_run: Optional[bool] = strawberry.field(
        default=False, description="预演：执行相同的规则检查并在 preview 中给出结果，不写入任何数据。"
                                   "Dry run: the same checks, answered in `preview`, with nothing written.")


@strawberry.type
class SelectionPayload:
    selection: Optional[Selection]
    application: Optional[Application] = strawberry.field(description="SE-5: the application-progress entry")
    errors: list[UserError]
    preview: Optional[SelectionPreview] = strawberry.field(
        default=None, description="dryRun 时：现在办理会得到什么（未写入）。With dryRun: what the request would get "
                                  "now (nothing written).")


@strawberry.input
class WithdrawSelectionInput:
    selection_id: strawberry.ID


@strawberry.input
class EndSelectionInput:
    selection_id: strawberry.ID
    reason: str


def _payload(c: Context, result: Optional[SelectionResult], errors: list[UserError]) -> SelectionPayload:
    if result is None:
        return SelectionPayload(selection=None, application=None, errors=errors)
    application = Application.from_domain(result.application, c.call.today) if result.application else None
    if result.selection is None:  # waiting for staff review (e.g. ZS-6 through 广东政务服务网)
        return SelectionPayload(selection=None, application=application, errors=errors)
    if result.application is not None:  # read in the mutation's own transaction: no second read
        c.loaders.application.prime(result.application.id, result.application)
    selection = Selection.from_domain(result.selection, c.call.today, c.cities)
    return SelectionPayload(selection=selection, application=application, errors=errors)


@strawberry.mutation(permission_classes=policy_for("selectInstitution"),
                     description="First choice for a slot or a change of a selection; the city's rules decide.")
async def select_institution(info: Info, input: SelectInstitutionInput) -> SelectionPayload:
    c = ctx(info)
    replaces = globalid.decode_int(input.replaces_selection_id, "Selection") if input.replaces_selection_id else None
    data = SelectInput(
        id_number=input.id_number, kind=input.kind, institution_code=input.institution_code, channel=input.channel,
        replaces_selection_id=replaces, idempotency_key=input.idempotency_key,
        proxy=input.proxy.to_domain() if input.proxy else None,
    )
    if input.dry_run:
        preview, errors = await attempt(c.platform.selections.preview(c.call, data))
        if preview is not None and preview.repeat is not None:
            return _payload(c, preview.repeat, errors)
        return SelectionPayload(selection=None, application=None, errors=errors,
                                preview=SelectionPreview.from_value(preview, c.call.today, c.cities) if preview else None)
    result, errors = await attempt(c.platform.selections.select(c.call, data))
    return _payload(c, result, errors)


@strawberry.mutation(permission_classes=policy_for("withdrawSelection"), description="Withdraw a change that is not yet effective.")
async def withdraw_selection(info: Info, input: WithdrawSelectionInput) -> SelectionPayload:
    c = ctx(info)
    result, errors = await attempt(c.platform.selections.withdraw(
        c.call, globalid.decode_int(input.selection_id, "Selection")))
    return _payload(c, result, errors)


@strawberry.mutation(permission_classes=policy_for("endSelection"), description="Agency ends a selection as of today (e.g. KP-6).")
async def end_selection(info: Info, input: EndSelectionInput) -> SelectionPayload:
    c = ctx(info)
    result, errors = await attempt(c.platform.selections.end(
        c.call, globalid.decode_int(input.selection_id, "Selection"), input.reason))
    return _payload(c, result, errors)
