"""The GraphQL face of core/error_codes.py: `enum ErrorCode` and `UserError`."""

from __future__ import annotations

import datetime
from typing import Optional

import strawberry

from yibao.core import error_codes
from yibao.core.errors import UserError as UserErrorValue

from . import globalid
from .describe import describe_values

ErrorCode = strawberry.enum(
    error_codes.ErrorCode,
    description="错误代码：稳定的大写下划线字符串，每个值的含义见其说明。"
                "Error code: a stable upper-snake string; each value's description says what it means.",
)
describe_values(ErrorCode, {code: f"{entry.zh} {entry.en}" for code, entry in error_codes.REGISTRY.items()})


@strawberry.type(description="拒绝请求的一个原因，带稳定代码和中英文说明；规则给出的事实放在单独的字段里。"
                             "One reason a request was refused, with a stable code and Chinese and English "
                             "texts; facts the rule states travel in their own fields.")
class UserError:
    code: ErrorCode = strawberry.field(description="错误代码。The error code.")
    field: Optional[list[str]] = strawberry.field(
        description="出错的输入字段路径，如 [\"institutionCode\"]。Path of the input field at fault, e.g. [\"institutionCode\"].")
    message: str = strawberry.field(description="中文说明。The message in Chinese.")
    message_en: str = strawberry.field(description="英文说明。The message in English.")
    next_possible_on: Optional[datetime.date] = strawberry.field(
        description="最早可以再次办理的日期（如下次变更期开始之日、下月1日）。"
                    "The first day the request could succeed (e.g. when the change window next opens, "
                    "the 1st of next month).")
    pending_selection_id: Optional[strawberry.ID] = strawberry.field(
        description="挡住本次请求的待生效变更的全局ID（可用 node(id:) 查询或 withdrawSelection 撤回）。"
                    "Global id of the pending change standing in the way (fetch it with node(id:), "
                    "withdraw it with withdrawSelection).")
    phones: list[str] = strawberry.field(
        description="可咨询或办理的电话号码。Phone numbers to call about this refusal.")

    @classmethod
    def from_domain(cls, e: UserErrorValue) -> "UserError":
        return cls(
            code=error_codes.ErrorCode(e.code), field=list(e.field) if e.field else None, message=e.message,
            message_en=e.message_en, next_possible_on=e.next_possible_on,
            pending_selection_id=(strawberry.ID(globalid.encode("Selection", e.pending_selection_id))
                                  if e.pending_selection_id is not None else None),
            phones=list(e.phones),
        )
