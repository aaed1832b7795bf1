"""The error-code registry: every code a caller can receive, one table per domain, composed into one.

A code is a stable upper-snake string on the wire (SE-4). `UserError` codes come back in a
mutation's `errors`; request codes come back as a top-level error's `extensions.code`. The schema
exposes the composed registry as `enum ErrorCode` (each value described from its entry here), and
the README's list is checked against it by tests/test_error_codes.py, which also fails when any
source file uses a code string that is not registered here.

Codes a city's rules return are registered here too, described without naming a city: the schema
is built before any plugin loads, and a frontend must know every value of `ErrorCode` in advance.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One registered code: what it means, in Chinese and English (also its default message)."""

    code: str
    zh: str
    en: str
    top_level: bool = False
    """Whether the code is a top-level error (`extensions.code`) rather than a UserError."""


def _domain(name: str, *entries: CodeInfo) -> tuple[str, tuple[CodeInfo, ...]]:
    return name, entries


def _top(code: str, zh: str, en: str) -> CodeInfo:
    return CodeInfo(code, zh, en, top_level=True)


REQUEST = _domain(
    "request",
    _top("UNAUTHENTICATED", "需要登录令牌（Authorization: Bearer …）。", "A bearer token is required (Authorization: Bearer …)."),
    _top("INVALID_TOKEN", "令牌无效：签名、签发方或内容不正确。", "The token is not valid: wrong signature, issuer or claims."),
    _top("TOKEN_EXPIRED", "令牌已过期，请重新获取。", "The token has expired; obtain a new one."),
    _top("TOKEN_REVOKED", "令牌已被吊销，请重新获取。", "The token has been revoked; obtain a new one."),
    _top("TOKEN_TTL_TOO_LONG", "令牌有效期超过上限（生产模式下更短）。",
         "The token's lifetime exceeds the cap (shorter in production mode)."),
    _top("FORBIDDEN", "当前令牌的角色、城市或本人无权执行此操作。", "The token's role, city or person may not perform this operation."),
    _top("BAD_REQUEST", "请求无法处理。", "The request cannot be served."),
    _top("BAD_ARGUMENT", "参数值不正确。", "An argument has an unacceptable value."),
    _top("PAGE_SIZE_OUT_OF_RANGE", "分页大小 first 须在 1 到 100 之间。", "The page size `first` must be between 1 and 100."),
    _top("INVALID_CURSOR", "after 游标不是本列表签发的游标。", "The `after` cursor was not issued by this connection."),
    _top("INVALID_ID", "全局ID无效或类型不符。", "The global id is malformed or names another type."),
    _top("UNKNOWN_CITY", "未知的城市代码。", "The city code is not one of the served cities."),
    _top("BAD_BUSINESS_DATE", "X-Business-Date 请求头应为 YYYY-MM-DD 格式的日期（仅培训模式）。",
         "The X-Business-Date header must be a YYYY-MM-DD date (training mode only)."),
    _top("GRAPHQL_PARSE_FAILED", "GraphQL 查询语法错误。", "The GraphQL document has a syntax error."),
    _top("GRAPHQL_VALIDATION_FAILED", "GraphQL 查询与模式不符（字段、参数或类型错误）。",
         "The GraphQL document does not match the schema (unknown field, argument or type)."),
    _top("BAD_USER_INPUT", "变量或参数的值与其类型不符。", "A variable or argument value does not fit its type."),
    _top("INPUT_TOO_LONG", "输入超过该字段允许的长度（即其存储列的长度）；extensions 给出 field、maxLength 和 length。",
         "An input is longer than its field allows (the length of the column it is stored in); extensions give "
         "field, maxLength and length."),
    _top("INPUT_CONTROL_CHARACTER", "输入含有控制字符（自由文本中的换行和制表符除外）；extensions 给出 field 和 character。",
         "An input contains a control character (line breaks and tabs are allowed in free text only); extensions "
         "give field and character."),
    _top("INPUT_JSON_INVALID", "JSON 输入不是对象，或嵌套过深、过大；extensions 给出 field 和 reason。",
         "A JSON input is not an object, or is nested too deeply or too large; extensions give field and reason."),
    _top("INTERNAL_ERROR", "服务器内部错误，已记录。", "An unexpected server error; it has been logged."),
    # GraphQL over HTTP and the limits (schema/http.py, schema/prepare.py; issue 10)
    _top("PAYLOAD_TOO_LARGE", "请求体或查询文本超过大小上限（HTTP 413）。", "The request body or document exceeds the size limit (HTTP 413)."),
    _top("UNSUPPORTED_MEDIA_TYPE", "请求体须为 UTF-8 编码的 application/json（HTTP 415）。",
         "The request body must be UTF-8 application/json (HTTP 415)."),
    _top("NOT_ACCEPTABLE", "Accept 请求头未接受 application/json 或 application/graphql-response+json（HTTP 406）。",
         "The Accept header accepts neither application/json nor application/graphql-response+json (HTTP 406)."),
    _top("METHOD_NOT_ALLOWED", "GET 只能执行查询，变更须用 POST，订阅须用 WebSocket（HTTP 405）。",
         "GET runs queries only; mutations need POST and subscriptions a WebSocket (HTTP 405)."),
    _top("OPERATION_NAME_REQUIRED", "文档含多个操作，须以 operationName 指定要执行的一个。",
         "The document holds several operations: name the one to run in operationName."),
    _top("UNKNOWN_OPERATION", "文档中没有 operationName 所指的操作。", "The document has no operation of that operationName."),
    _top("TOO_MANY_TOKENS", "查询文本的词法单元数超过上限（extensions.limit）。",
         "The document has more tokens than the limit (extensions.limit)."),
    _top("QUERY_TOO_DEEP", "查询嵌套层数超过上限（extensions.requested / limit）。",
         "The query nests deeper than the limit (extensions.requested / limit)."),
    _top("TOO_MANY_ALIASES", "查询使用的别名数超过上限（extensions.requested / limit）。",
         "The query uses more aliases than the limit (extensions.requested / limit)."),
    _top("QUERY_TOO_COSTLY", "查询成本超过上限；列表按 first 计（extensions.requested / limit）。",
         "The query costs more than the limit; a list counts `first` times (extensions.requested / limit)."),
    _top("EXECUTION_TIMEOUT", "查询执行超过时限，请缩小查询后重试（HTTP 503，Retry-After）。",
         "The query ran past the time limit; narrow it and retry (HTTP 503, Retry-After)."),
    _top("SERVICE_UNAVAILABLE", "数据库暂不可用或服务繁忙，请按 Retry-After 稍后重试（HTTP 503）。",
         "The database is unavailable or the server is busy; retry after Retry-After (HTTP 503)."),
    _top("THROTTLED", "请求过于频繁，请按 extensions.retryAfter 秒后重试（HTTP 429）。",
         "Too many requests; retry after extensions.retryAfter seconds (HTTP 429)."),
    CodeInfo("INVALID_INSTITUTIONS", "机构导入文件中有缺少或错误的字段（命令行）。",
             "An institution in the import file has a missing or wrong field (command line)."),
    CodeInfo("INVALID_AGENCIES", "经办机构导入文件中有缺少或错误的字段（命令行）。",
             "An agency in the import file has a missing or wrong field (command line)."),
    CodeInfo("INVALID_SCHEDULE", "节假日安排文件格式不正确（命令行）。", "The holiday schedule file is malformed (command line)."),
)

PERSONS = _domain(
    "persons",
    CodeInfo("INVALID_ID_NUMBER", "证件号码格式、校验位或出生日期不正确。", "The ID number is malformed, or its check digit or birth date is wrong."),
    CodeInfo("INVALID_DOCUMENT_TYPE", "不支持的证件类型。", "The document type is not supported."),
    CodeInfo("NAME_REQUIRED", "姓名不能为空。", "A name is required."),
    CodeInfo("INVALID_DATE", "日期无效或不在允许的范围内。", "The date is invalid or outside the allowed range."),
    CodeInfo("INVALID_TIER", "档次只能是 1、2 或 3。", "The tier must be 1, 2 or 3."),
    CodeInfo("PERSON_EXISTS", "该证件号码已登记参保人。", "A person with this ID number is already registered."),
    CodeInfo("IDEMPOTENCY_KEY_IN_USE", "使用同一幂等键的请求正在办理；重试将得到第一次的结果。",
             "A request with this idempotency key is being processed; repeating it returns the first answer."),
    CodeInfo("SCHEME_UNCHANGED", "险种和档次与当前相同。", "The scheme and tier are the ones already in force."),
    CodeInfo("SCHEME_REQUIRED", "至少需要一段险种记录。", "At least one scheme period is required."),
    CodeInfo("NOT_FOUND", "未找到所指的对象（参保人、机构、选点记录或申请）。",
             "The named object (person, institution, selection or application) was not found."),
    CodeInfo("NOT_INSURED", "该参保人当日没有有效的参保记录。", "The person has no insurance scheme in force on the day."),
    CodeInfo("CATEGORY_PERIOD_OVERLAPS", "该参保人已有与之重叠的同类人员类别记录。",
             "The person already has this category for a period overlapping the new one."),
    CodeInfo("BUSINESS_DATE_BEFORE_RECORD", "业务日期早于所办理记录的创建或生效日期（培训模式）。",
             "The business date precedes the creation or start of the record acted on (training mode)."),
)

SELECTIONS = _domain(
    "selections",
    CodeInfo("INSTITUTION_OTHER_CITY", "该机构不属于参保地，只能在参保地内选点。",
             "The institution is not of the person's insured city; choose one in that city."),
    CodeInfo("INSTITUTION_NOT_ELIGIBLE", "该机构不提供此类定点服务，或不在此人可选的范围内。",
             "The institution does not offer this service or fits none of the person's slots."),
    CodeInfo("INSTITUTION_WITHDRAWN", "该机构已退出定点名单（不再随城市数据发布或导入），不能新选；已有选点保留。",
             "The institution left the reference data (no longer shipped or imported): no new selections; existing ones stay."),
    CodeInfo("PENDING_CHANGE_EXISTS", "已有一项待生效的变更；先撤回它（见 pendingSelection）。",
             "A change is already pending; withdraw it first (see pendingSelection)."),
    CodeInfo("SAME_INSTITUTION", "变更后的机构与当前选点相同。", "The change names the institution already selected."),
    CodeInfo("REPLACEMENT_AMBIGUOUS", "该类别有多条生效选点，须用 replacesSelectionId 指明要变更哪一条。",
             "Several selections fill this slot; name the one to change with replacesSelectionId."),
    CodeInfo("SELECTION_NOT_EFFECTIVE", "只能变更或终止当前生效的选点记录。", "Only a selection in effect can be changed or ended."),
    CodeInfo("NOT_PENDING", "只能撤回尚未生效的变更。", "Only a change not yet in effect can be withdrawn."),
    CodeInfo("REASON_REQUIRED", "须填写原因。", "A reason is required."),
    CodeInfo("CHANNEL_NOT_ALLOWED", "该角色不能使用此受理渠道。", "This role may not use this channel."),
    CodeInfo("USE_REMOTE_FILING", "异地门诊选点须随异地就医备案一并办理。",
             "A remote outpatient choice is made together with a remote-treatment filing."),
    CodeInfo("CHANGE_LIMIT_REACHED", "本月已办理过一次变更，每月只能变更一次；nextPossibleOn 为下次可变更的日期。",
             "A change was already made this month (one per month); nextPossibleOn is the first day another is allowed."),
    CodeInfo("OUTSIDE_CHANGE_WINDOW", "不在每年的变更期内；nextPossibleOn 为下次变更期开始的日期，phones 为咨询电话。",
             "Outside the yearly change window; nextPossibleOn is the day it next opens, phones the enquiry numbers."),
    CodeInfo("SLOT_ORDER", "变更须朝着规则要求的机构组合进行（例如一家一级及以下加一家二级或三级）。",
             "A change must move toward the combination of institutions the rules require (e.g. one level-1 and one level-2/3)."),
    CodeInfo("NOT_ENTITLED", "不符合该类选点的前提：产检须享受生育保险待遇，门特须已办理门诊特定病种待遇认定。",
             "The person does not meet the kind's precondition: prenatal needs maternity-insurance benefits, "
             "special disease a recognised special disease."),
    CodeInfo("REQUEST_SUPERSEDED", "待审核的选点申请已不可能办理（已有更新的选点，或要变更的记录已终止），申请不予通过。",
             "A reviewed selection request became impossible (a newer choice, or the record it changes was ended)."),
    CodeInfo("OLD_SCHEME_SELECTION_ACTIVE", "旧险种下的选点记录仍有效，须由经办机构先终止；phones 为办理电话。",
             "A selection made under the previous scheme is still active and must be ended by the agency first; phones lists whom to call."),
    CodeInfo("SELECTION_NOT_REQUIRED", "此人的档次无需选点（绑定），可在参保地所有定点医疗机构就医。",
             "The person's tier needs no selection (binding): every designated institution of the city covers them."),
    CodeInfo("COMMUNITY_CENTRE_ONLY", "按年龄只能选择社区健康服务中心（消息说明年龄和规则）。",
             "At the person's age only a community health centre may be chosen (the message gives the age and the rule)."),
    CodeInfo("HOSPITAL_LEVEL_TOO_HIGH", "该医院的级别高于此人可选的级别（如儿童只能选二级及以下医院）。",
             "The hospital's level is above what the person may choose (e.g. children: level 2 or below)."),
)

APPLICATIONS = _domain(
    "applications",
    CodeInfo("MATERIALS_MISSING", "缺少申请材料（一次性告知全部缺少的材料）。", "A required material is missing (every missing material is listed at once)."),
    CodeInfo("MATERIALS_REQUIRED", "退回补正须列明缺少的材料。", "Returning an application must name the missing materials."),
    CodeInfo("UNKNOWN_MATERIAL", "该事项没有此名称的材料。", "The item has no material of that name."),
    CodeInfo("NOT_UNDER_REVIEW", "该申请当前不在审核中。", "The application is not under review."),
    CodeInfo("NOT_RETURNED", "只有被退回的申请才能补充材料。", "Only a returned application can be supplemented."),
    CodeInfo("APPLICANT_NOT_ELIGIBLE", "申请人不属于该事项的服务对象（如职工医保事项、单位或医疗机构事项）。",
             "The applicant is not among the item's 服务对象 (e.g. employee-only, unit or institution items)."),
    CodeInfo("ITEM_NOT_APPLICABLE", "该事项不接受参保人申请（含子项的父项、依税务数据办理的事项、须通过选点办理的事项）。",
             "The item takes no person's application (a parent of sub-items, done from tax data, or made by selecting)."),
    CodeInfo("CASE_REQUIRED", "须说明申请的情形（如门诊或住院），所需材料和办理时限因情形而异。",
             "Name the case (e.g. outpatient or inpatient); materials and time limit depend on it."),
    CodeInfo("PROXY_IS_PERSON", "代办人不能是参保人本人。", "The proxy cannot be the person."),
)

CITIES = _domain(
    "cities",
    CodeInfo("CITY_RULE", "城市插件自己的规则拒绝了请求；cityCode 为该城市的代码，message 说明原因和办法。",
             "A city plugin's own rule refused the request; cityCode is the city's code, the messages say why and what to do."),
)
"""A city plugin's own codes: those it declares through `yibao_error_codes` and that are installed
through the entry point are values of the schema's ErrorCode enum; any other code a plugin refuses
with (undeclared, or a plugin registered only in a test) is served as CITY_RULE with the plugin's
code in `cityCode` (docs/plugins.md)."""

FILINGS = _domain(
    "filings",
    CodeInfo("INVALID_DESTINATION", "就医地须为6位行政区划代码（GB/T 2260）。", "The destination must be a 6-digit GB/T 2260 division code."),
    CodeInfo("UNKNOWN_DESTINATION", "未知或已撤销的行政区划代码。", "The destination is not a current GB/T 2260 division."),
    CodeInfo("DESTINATION_IS_HOME", "就医地在参保地范围内（或包含参保地），不属于异地就医。",
             "The destination lies within (or contains) the insured area; remote filing is for treatment outside it."),
    CodeInfo("FILING_NOT_NEEDED", "该情形无须办理异地就医备案（例如省内临时外出就医），未作任何登记。",
             "No filing is needed in this case (e.g. temporary treatment within the province); nothing was recorded."),
    CodeInfo("FILING_EXISTS", "已有一项待审核或有效的同类备案，须先取消。", "A pending or active filing of the same kind exists; cancel it first."),
    CodeInfo("FILING_LOCKED", "异地长期备案在 lockedUntil 之前不能取消或变更（RF-2），信息中注明日期。",
             "A long-term filing cannot be cancelled or changed before lockedUntil (RF-2); the message names the date."),
    CodeInfo("FILING_NOT_CANCELLABLE", "该备案已不通过、已取消或已过期，不能取消。", "The filing was refused, cancelled or has expired."),
    CodeInfo("FILING_NOT_ACTIVE", "备案尚未生效或已终止。", "The filing is not in force."),
    CodeInfo("FILING_ROLE_NOT_ALLOWED", "定点医疗机构只能办理异地转诊或急诊备案。", "An institution files referrals and emergencies only."),
    CodeInfo("MATERNITY_IN_PROVINCE_ONLY", "异地生育备案仅支持省内，跨省无法办理。", "A maternity filing is possible only within the province."),
    CodeInfo("BASIS_MISMATCH", "所选备案方式（材料/个人承诺）与所交材料不符。", "The basis (MATERIALS / COMMITMENT) does not match the materials brought."),
    CodeInfo("BASIS_NOT_APPLICABLE", "备案方式只适用于异地长期备案。", "A basis applies to long-term filings only."),
    CodeInfo("NOT_BY_COMMITMENT", "只有以个人承诺方式办理且尚未补齐材料的备案才能补齐材料。",
             "Only a filing by commitment letter not yet completed can be completed with materials."),
    CodeInfo("REMOTE_CHOICE_NOT_ALLOWED", "就医地门诊选点不符合规定（职工一家一级及以下，可再选一家二级或三级；居民一家一级及以下；仅长期备案）。",
             "The outpatient choices at the destination do not fit RF-4 (employees one level-1-or-below plus optionally "
             "one level 2/3; residents one level-1-or-below; long-term filings only)."),
    CodeInfo("REMOTE_CHOICE_OUTSIDE_DESTINATION", "所选机构不在备案的就医地。", "The institution is not at the filing's destination."),
    CodeInfo("REMOTE_CHOICE_INVALID", "请填写就医地机构的名称（200字以内）及级别。", "Give the institution's name (at most 200 characters) and level."),
    CodeInfo("INSTITUTION_CODE_REQUIRED", "就医地由本平台服务，须填写定点医疗机构代码。",
             "The destination is a city this platform serves: name the institution by its code."),
    CodeInfo("REMOTE_FILING_COMMITMENT", "以个人承诺方式办理异地长期备案，备案有效期间不享受参保地普通门诊待遇（RF-5）。",
             "A long-term filing by commitment letter: no general-outpatient benefit back home while it is in force (RF-5)."),
)

DOMAINS: tuple[tuple[str, tuple[CodeInfo, ...]], ...] = (REQUEST, PERSONS, SELECTIONS, APPLICATIONS, CITIES, FILINGS)


def _compose(domains: tuple[tuple[str, tuple[CodeInfo, ...]], ...]) -> dict[str, CodeInfo]:
    registry: dict[str, CodeInfo] = {}
    for name, entries in domains:
        for entry in entries:
            if entry.code in registry:
                raise ValueError(f"error code {entry.code} registered twice (domain {name})")
            registry[entry.code] = entry
    return registry


_UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")

REGISTRY: dict[str, CodeInfo] = _compose(DOMAINS)
"""Every registered code, in domain order."""

ErrorCode = enum.StrEnum("ErrorCode", [(code, code) for code in REGISTRY])  # type: ignore[misc]
"""The registry as a Python enum: `ErrorCode("NOT_FOUND")` fails for an unregistered code."""


def declared(answers: list[list[CodeInfo] | None]) -> dict[str, CodeInfo]:
    """Codes plugins declare through `yibao_error_codes`, checked against the registry.

    Raises ValueError for a malformed entry, a code declared twice with different meanings, or a
    declaration that redefines a registered code.
    """
    out: dict[str, CodeInfo] = {}
    for answer in answers:
        for entry in answer or ():
            if not isinstance(entry, CodeInfo) or not _UPPER_SNAKE.fullmatch(entry.code) or not (entry.zh and entry.en):
                raise ValueError(f"yibao_error_codes: {entry!r} is not a CodeInfo with an UPPER_SNAKE code and both texts")
            known = REGISTRY.get(entry.code) or out.get(entry.code)
            if known is not None and known != entry:
                raise ValueError(f"yibao_error_codes: {entry.code} is already registered with another meaning")
            if entry.code not in REGISTRY:
                out[entry.code] = entry
    return out


def installed_plugin_codes() -> dict[str, CodeInfo]:
    """The codes declared by the city plugins installed through the `yibao.cities` entry point."""
    from importlib.metadata import entry_points

    answers = []
    for ep in entry_points(group="yibao.cities"):
        hook = getattr(ep.load(), "yibao_error_codes", None)
        if hook is not None:
            answers.append(hook())
    return declared(answers)


def info(code: str) -> CodeInfo:
    """The registered entry for `code`; KeyError when it is not registered."""
    return REGISTRY[code]


def is_registered(code: str) -> bool:
    return code in REGISTRY


README_START = "<!-- error-codes: generated from core/error_codes.py; tests/test_error_codes.py checks it -->"
README_END = "<!-- /error-codes -->"


def readme_block() -> str:
    """The README's list of codes, one line per domain, written from the registry."""
    lines = [README_START]
    for name, entries in DOMAINS:
        codes = ", ".join(f"`{e.code}`" for e in entries)
        lines.append(f"- {name}: {codes}")
    lines.append(README_END)
    return "\n".join(lines)
