"""submitApplication, reviewApplication, supplementApplication (SC-3, SC-4, SC-5)."""

import enum
from typing import Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from yibao.core.services.application_flow import ReviewInput, SubmitInput
from yibao.core.services.application_records import ReviewDecision as ReviewDecisionValue
from yibao.core.services.application_records import SubmissionDetails

from .. import globalid
from ..context import ctx
from ..permissions import policy_for
from ..types import Application, Channel, ProxyInput, UserError
from .base import attempt


@strawberry.enum(description="审核结论")
class ReviewDecision(enum.Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    RETURN = "RETURN"


@strawberry.input
class SubmitApplicationInput:
    id_number: str
    service_item_code: str
    channel: Channel
    materials: list[str] = strawberry.field(description="Materials brought, by their catalogue names")
    details: Optional[JSON] = strawberry.field(
        default=None, description='Free-form details; `facts` (e.g. ["proxy"]), `firstPayment: true` '
                                  "select conditional materials")
    idempotency_key: Optional[str] = None
    proxy: Optional[ProxyInput] = strawberry.field(
        default=None, description="代办人：本人身份证号及授权委托书（SE-3，SC-4）。The proxy: own ID number and the letter.")


@strawberry.input
class ReviewApplicationInput:
    application_id: strawberry.ID
    decision: ReviewDecision
    reason: Optional[str] = None
    missing_materials: Optional[list[str]] = None


@strawberry.input
class SupplementApplicationInput:
    application_id: strawberry.ID
    materials: list[str]


@strawberry.input(description="撤回尚未办结的申请。Withdraw an application still open.")
class WithdrawApplicationInput:
    application_id: strawberry.ID = strawberry.field(description="申请 id。The application's id.")


@strawberry.type
class ApplicationPayload:
    application: Optional[Application]
    errors: list[UserError]


def _payload(c, app, errors) -> ApplicationPayload:
    return ApplicationPayload(application=Application.from_domain(app, c.call.today) if app else None, errors=errors)


@strawberry.mutation(permission_classes=policy_for("submitApplication"),
                     description="Submit an application; every missing material is named at once (一次性告知).")
async def submit_application(info: Info, input: SubmitApplicationInput) -> ApplicationPayload:
    c = ctx(info)
    # `details` that is not a JSON object never gets here: the input layer refuses it first
    # (schema/string_inputs.py, INPUT_JSON_INVALID; tests/test_input_rules.py)
    app, errors = await attempt(c.platform.application_flow.submit(c.call, SubmitInput(
        id_number=input.id_number, service_item_code=input.service_item_code, channel=input.channel,
        materials=tuple(input.materials), details=SubmissionDetails.from_json(input.details if isinstance(input.details, dict) else None),
        idempotency_key=input.idempotency_key,
        proxy=input.proxy.to_domain() if input.proxy else None,
    )))
    return _payload(c, app, errors)


@strawberry.mutation(permission_classes=policy_for("reviewApplication"), description="Agency of the application's city: approve, reject or return.")
async def review_application(info: Info, input: ReviewApplicationInput) -> ApplicationPayload:
    c = ctx(info)
    app, errors = await attempt(c.platform.application_flow.review(c.call, ReviewInput(
        application_id=globalid.decode_int(input.application_id, "Application"), decision=ReviewDecisionValue(input.decision.value),
        reason=input.reason, missing_materials=tuple(input.missing_materials or ()),
    )))
    return _payload(c, app, errors)


@strawberry.mutation(permission_classes=policy_for("supplementApplication"), description="Bring the materials a returned application asked for.")
async def supplement_application(info: Info, input: SupplementApplicationInput) -> ApplicationPayload:
    c = ctx(info)
    app, errors = await attempt(c.platform.application_flow.supplement(
        c.call, globalid.decode_int(input.application_id, "Application"), tuple(input.materials)))
    return _payload(c, app, errors)


@strawberry.mutation(permission_classes=policy_for("withdrawApplication"),
                     description="参保人撤回尚未办结的申请（如待审核的选点申请，SE-3）。"
                                 "Withdraw an application still open, e.g. a reviewed selection request (SE-3).")
async def withdraw_application(info: Info, input: WithdrawApplicationInput) -> ApplicationPayload:
    c = ctx(info)
    app, errors = await attempt(c.platform.application_flow.withdraw(
        c.call, globalid.decode_int(input.application_id, "Application")))
    return _payload(c, app, errors)
