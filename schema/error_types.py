"""The GraphQL face of core/error_codes.py: `enum ErrorCode` and `UserError`."""

from __future__ import annotations

import datetime
import enum
from typing import TYPE_CHECKING, Annotated, Optional

import strawberry
from strawberry.types import Info

from yibao.core import error_codes
from yibao.core.errors import UserError as UserErrorValue
from yibao.core.plugins import PluginError, PluginHost

from . import globalid
from .describe import describe_values

if TYPE_CHECKING:
    from .types import Selection

CODES = {**error_codes.REGISTRY, **error_codes.installed_plugin_codes()}
"""The registry plus the codes the installed city plugins declare (hook `yibao_error_codes`)."""

ErrorCodeValue = enum.StrEnum("ErrorCode", [(code, code) for code in CODES])  # type: ignore[misc]

ErrorCode = strawberry.enum(
    ErrorCodeValue,
    description="错误代码：稳定的大写下划线字符串，每个值的含义见其说明。"
                "Error code: a stable upper-snake string; each value's description says what it means.",
)
describe_values(ErrorCode, {code: f"{entry.zh} {entry.en}" for code, entry in CODES.items()})


@strawberry.type(description="拒绝请求的一个原因，带稳定代码和中英文说明；规则给出的事实放在单独的字段里。"
                             "One reason a request was refused, with a stable code and Chinese and English "
                             "texts; facts the rule states travel in their own fields.")
class UserError:
    code: ErrorCode = strawberry.field(description="错误代码。The error code.")
    city_code: Optional[str] = strawberry.field(
        default=None, description="城市插件自己的错误代码（code 为 CITY_RULE 时），如 EX_NOT_LISTED。"
        "The city plugin's own code when code is CITY_RULE, e.g. EX_NOT_LISTED.")
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

    @strawberry.field(description="挡住本次请求的待生效变更本身（与 pendingSelectionId 相同的记录）。"
                                  "The pending change standing in the way (the record pendingSelectionId names).")
    async def pending_selection(
        self, info: Info,
    ) -> Optional[Annotated["Selection", strawberry.lazy("yibao.schema.types")]]:
        if self.pending_selection_id is None:
            return None
        from .types import Selection

        c = info.context
        found = await c.platform.selections.get(c.call, globalid.decode_int(self.pending_selection_id, "Selection"))
        return Selection.from_domain(found.selection, c.call.today, c.cities) if found and found.selection else None

    @classmethod
    def from_domain(cls, e: UserErrorValue) -> "UserError":
        # A code the schema knows is served as itself; a city's undeclared (or not installed)
        # code as CITY_RULE with the city's own code in cityCode.
        code, city_code = (ErrorCodeValue(e.code), None) if e.code in CODES else (ErrorCodeValue("CITY_RULE"), e.code)
        return cls(
            code=code, city_code=city_code, field=list(e.field) if e.field else None, message=e.message,
            message_en=e.message_en, next_possible_on=e.next_possible_on,
            pending_selection_id=(strawberry.ID(globalid.encode("Selection", e.pending_selection_id))
                                  if e.pending_selection_id is not None else None),
            phones=list(e.phones),
        )




def check_error_codes(plugins: PluginHost) -> None:
    """Start-up check of the codes the loaded plugins declare (hook yibao_error_codes): a malformed
    declaration, or one that redefines a registered code, stops the start-up naming it."""
    try:
        error_codes.declared(plugins.pm.hook.yibao_error_codes())
    except ValueError as exc:
        raise PluginError(str(exc)) from exc
