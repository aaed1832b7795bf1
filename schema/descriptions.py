"""Chinese and English descriptions for the schema's elements that do not carry their own.

New fields should describe themselves (`strawberry.field(description="中文。English.")`); this table
describes what was built before, and arguments that mean the same everywhere (`city`, `first`,
`after`, `idNumber`, …) once by name. `apply` fills only elements with no bilingual description,
so a description written next to the field always wins. Rule ids (ZS-4, KP-6, …) are explained in
docs/rules.md. tests/test_schema_descriptions.py fails on any element left without one.
"""

from __future__ import annotations

import re

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

RULES = "规则编号（如 ZS-4、KP-6）的含义见 docs/rules.md。Rule ids (e.g. ZS-4, KP-6) are explained in docs/rules.md."

# Arguments that mean the same wherever they appear.
ARGUMENTS: dict[str, str] = {
    "city": "城市代码（见 cities 查询）。City code (see the `cities` query).",
    "first": "每页条数，1 到 100，默认 20。Page size, 1 to 100, default 20.",
    "after": "从此游标之后开始（上一页的 pageInfo.endCursor）。Start after this cursor (the previous page's pageInfo.endCursor).",
    "idNumber": "参保人的证件号码（通常为18位居民身份证号码）。The person's document number (usually the 18-character resident ID number).",
    "kind": "选点类别。Selection kind.",
    "search": "按名称搜索：汉字、全拼或拼音首字母均可（石岐 / shiqi / sq）。Name search: Chinese characters, full pinyin or pinyin initials (石岐 / shiqi / sq).",
    "town": "镇街名称，如“石岐街道”。Town or street name, e.g. 石岐街道.",
    "level": "机构级别。Institution level.",
    "category": "机构类别，如“社区卫生服务中心”。Institution category, e.g. 社区卫生服务中心.",
    "code": "代码。The code.",
    "id": "全局ID。The global id.",
    "on": "日期，默认为业务当日。The date; defaults to the business date (today).",
    "channel": "受理渠道；预演时默认按令牌角色（参保人为粤医保，经办机构为窗口，医疗机构为现场）。The channel; for a dry run it defaults by the token's role (YUEYIBAO for persons, WINDOW for agencies, INSTITUTION on site).",
    "input": "本操作的输入。This operation's input.",
    "status": "按状态筛选。Filter by status.",
    "itemCode": "按事项代码筛选，如 GD-22。Filter by catalogue item code, e.g. GD-22.",
    "overdue": "只看已超过办理时限的申请。Only applications past their due date.",
    "includeHistory": "同时返回已终止和已撤回的记录（默认只返回生效和待生效的）。Also return ended and withdrawn records (by default only effective and pending ones).",
    "applicationId": "申请的全局ID。The application's global id.",
    "includeCurrent": "订阅开始时先发送当前状态。Send the current state first when the subscription starts.",
}

TEXT: dict[str, str] = {
    # -- roots -------------------------------------------------------------------------------------
    "Query": "查询入口：参考数据匿名可读，参保人相关数据需要令牌。Queries: reference data is open to anonymous "
             "callers; everything about a person needs a token. " + RULES,
    "Mutation": "办理入口：每个操作返回 errors 列出全部拒绝原因，被拒绝的请求不写入任何数据。"
                "Operations: each returns `errors` with every reason for a refusal; a refused request writes nothing.",
    "Subscription": "订阅：申请状态变化实时推送（graphql-transport-ws）。Live updates of application status (graphql-transport-ws).",
    "Query.cities": "所服务的城市，每个城市插件一个。The cities served, one per loaded city plugin.",
    "Query.institutions": "定点医疗机构列表（IN-2），可按镇街、级别、类别和名称筛选。Designated institutions (IN-2), filtered by town, level, category and name.",
    "Query.institution": "按12位国家编码查询一家机构。One institution by its 12-character national code.",
    "Query.institution(code:)": "12位国家编码，如 H44200100009。The 12-character national code, e.g. H44200100009.",
    "Query.agencies": "经办机构和服务网点及其电话和服务时间（IN-3）。Insurance agencies and service points with phones and hours (IN-3).",
    "Query.person": "按证件号码查询参保人（证件号码按 ID-2 脱敏）。A person by ID number (masked per ID-2).",
    "Query.me": "person 或 proxy 令牌所指的参保人。The person a `person` or `proxy` token names.",
    "Query.persons": "某城市的参保人（经办机构、集成方和管理员）。Persons of a city (agency, integrator and admin roles).",
    "Query.coverage": "参保人在某日按某类别可就医的机构（默认今天）。Where the person may be treated under `kind` on `on` (default today).",
    "Query.plugins": "已加载的插件、实现的钩子和有效期规则集。Loaded plugins with their hooks and dated rule sets.",
    "Query.application": "一项申请及其进度。An application and its progress.",
    "Query.serviceItems": "全省医保经办服务事项清单（SC-1），给出城市时含该市的本地规定。The provincial service catalogue (SC-1), with the city's local rules when a city is given.",
    "Query.serviceItem": "按代码查询一个事项（如 GD-22、GD-02-3），按城市规定给出。One catalogue item by code (e.g. GD-22, GD-02-3), as the city applies it.",
    "Query.serviceItem(code:)": "事项代码，如 GD-22 或子项 GD-02-3。Item code, e.g. GD-22 or the sub-item GD-02-3.",
    "Query.applications": "本人的申请，或经办机构所在城市的待办队列。A person's own applications, or an agency's queue of its city.",
    "Query.applications(idNumber:)": "只看此参保人的申请。Only this person's applications.",
    "Query.node": "按全局ID取任何对象。Fetch any object by its global id.",
    "Query.coverage(kind:)": "选点类别，默认普通门诊。Selection kind; general outpatient by default.",
    "Mutation.registerPerson": "登记参保人（该市经办机构或管理员）。Register an insured person (agency of that city, or admin).",
    "Mutation.changeScheme": "自某日起变更参保人的险种（经办机构，ID-3）。Change a person's scheme from a date (agency, ID-3).",
    "Mutation.selectInstitution": "首次选点或变更选点；由参保地的规则决定；dryRun 时只预演不写入。First choice for a slot or a change; the city's rules decide; with dryRun it only previews.",
    "Mutation.withdrawSelection": "撤回尚未生效的变更。Withdraw a change that is not yet effective.",
    "Mutation.endSelection": "经办机构自今日终止一条选点记录（如 KP-6 的旧险种记录）。Agency ends a selection as of today (e.g. an old-scheme record, KP-6).",
    "Mutation.submitApplication": "提交一项经办服务申请（SC-3），一次性告知全部缺少的材料。Submit an application for a catalogue item (SC-3); every missing material is reported at once.",
    "Mutation.reviewApplication": "该市经办机构审核申请：通过、不予通过或退回补正。Agency of the application's city: approve, reject or return.",
    "Mutation.supplementApplication": "补充被退回申请所缺的材料。Bring the materials a returned application asked for.",
    "Subscription.applicationEvents": "该申请的每次状态变化，来自任一服务进程；令牌过期或被吊销时以 TOKEN_EXPIRED 或 TOKEN_REVOKED 错误结束。"
                                      "Each status change of the application as it happens, from any server process; "
                                      "ends with a TOKEN_EXPIRED or TOKEN_REVOKED error when the token does.",
    # -- scalars -----------------------------------------------------------------------------------
    "Date": "日期，ISO 8601 格式 YYYY-MM-DD（业务日期，北京时间）。A calendar date, ISO 8601 YYYY-MM-DD (business date, China time).",
    "JSON": "任意 JSON 值（ECMA-404）。Any JSON value (ECMA-404).",
    # -- shared ------------------------------------------------------------------------------------
    "Node": "具有不透明全局ID、可用 node(id:) 获取的对象。An object with an opaque global id, fetchable through `node(id:)`.",
    "Node.id": "不透明的全局ID。The opaque global id.",
    "PageInfo": "分页信息。Where a page ends and whether another follows.",
    "PageInfo.hasNextPage": "是否还有下一页。Whether another page follows.",
    "PageInfo.endCursor": "本页最后一条的游标，作为下一页的 after。Cursor of this page's last edge; pass it as `after` for the next page.",
    # -- cities, institutions, agencies ------------------------------------------------------------
    "City.id": "全局ID。The global id.",
    "City.code": "城市代码（插件的代码）。City code (the plugin's code).",
    "City.name": "城市中文名称。The city's name in Chinese.",
    "City.divisionCode": "GB/T 2260 行政区划代码。GB/T 2260 administrative division code.",
    "City.towns": "下辖镇街或区。Towns, streets or districts below the city.",
    "Town.name": "镇街名称。The town's name.",
    "Town.code": "镇街代码（如有）。The town's code, where known.",
    "Town.kind": "镇、街道或区等。Whether it is a town, a street or a district.",
    "Institution.id": "全局ID。The global id.",
    "Institution.code": "12位国家编码，如 H44200100009。12-character national code, e.g. H44200100009.",
    "Institution.name": "机构名称。The institution's name.",
    "Institution.city": "所在城市。The city it belongs to.",
    "Institution.divisionCode": "所在地行政区划代码。Division code of where it is.",
    "Institution.level": "机构级别（IN-1）。Its level (IN-1).",
    "Institution.category": "机构类别：社区卫生服务中心、社区卫生服务站、卫生院、医院等。Category: community health centre or station, township health centre, hospital, …",
    "Institution.tags": "附加标签，如“镇街医院”。Extra tags, e.g. 镇街医院 (town hospital).",
    "Institution.specialties": "专科，如儿童。Specialties, e.g. children's.",
    "Institution.services": "提供的定点服务类别。The designated services it offers.",
    "InstitutionConnection": "一页机构。A page of institutions.",
    "InstitutionConnection.edges": "本页的机构。This page's institutions.",
    "InstitutionConnection.pageInfo": "分页信息。Paging information.",
    "InstitutionConnection.totalCount": "符合条件的机构总数。How many institutions match in all.",
    "InstitutionEdge": "列表中的一家机构及其游标。One institution in a list, with its cursor.",
    "InstitutionEdge.cursor": "此条的游标。This edge's cursor.",
    "InstitutionEdge.node": "机构。The institution.",
    "Agency": "经办机构或服务网点，含电话和服务时间（IN-3）。An insurance agency or service point with phones and hours (IN-3).",
    "Agency.id": "全局ID。The global id.",
    "Agency.name": "名称。Its name.",
    "Agency.kind": "类型，如经办机构或党群服务中心。What it is, e.g. an agency or a town service centre.",
    "Agency.town": "所在镇街。The town it serves.",
    "Agency.hours": "电话或窗口服务时间（原文）。Telephone or counter hours, as published.",
    "Agency.phones": "电话号码（手机可直接拨打）。Phone numbers, dialable from a mobile.",
    "Agency.contacts": "电话号码及其用途。Phone numbers with what each is for.",
    "Phone": "一个电话号码及其用途。A phone number with what it is for.",
    "Phone.number": "号码。The number.",
    "Phone.purpose": "用途，如“待遇组”。What it is for, e.g. benefits.",
    # -- persons -----------------------------------------------------------------------------------
    "Person.id": "全局ID。The global id.",
    "Person.idNumber": "证件号码；调用方无权看全号时脱敏显示，如 4407**********1234（ID-2）。ID number; masked (4407**********1234) unless the caller may see it (ID-2).",
    "Person.documentType": "证件类型，如 RESIDENT_ID。Document type, e.g. RESIDENT_ID.",
    "Person.name": "姓名。The person's name.",
    "Person.city": "参保地。The city where the person is insured.",
    "Person.scheme": "业务当日有效的险种。The scheme in force on the business date.",
    "Person.tier": "档次（1、2 或 3），如有。Tier (1, 2 or 3) where the scheme has one.",
    "Person.insuredSince": "参保日期。Date the person was first insured.",
    "Person.schemeHistory": "险种变更历史（ID-3）。The dated history of the person's schemes (ID-3).",
    "Person.selections": "选点记录；默认只返回生效和待生效的。Selections; by default only those in effect or pending.",
    "Person.selections(kind:)": "只看此类别。Only this kind.",
    "SchemePeriod": "一段有效期内的险种（ID-3）。One dated stretch of a person's scheme (ID-3).",
    "SchemePeriod.scheme": "险种。The scheme.",
    "SchemePeriod.tier": "档次。The tier.",
    "SchemePeriod.validFrom": "起始日期。First day.",
    "SchemePeriod.validTo": "截止日期（2099-12-31 表示长期）。Last day (2099-12-31 when open-ended).",
    "PersonConnection": "一页参保人。A page of persons.",
    "PersonConnection.edges": "本页的参保人。This page's persons.",
    "PersonConnection.pageInfo": "分页信息。Paging information.",
    "PersonConnection.totalCount": "参保人总数。How many persons in all.",
    "PersonEdge": "列表中的一位参保人及其游标。One person in a list, with its cursor.",
    "PersonEdge.cursor": "此条的游标。This edge's cursor.",
    "PersonEdge.node": "参保人。The person.",
    # -- selections --------------------------------------------------------------------------------
    "Selection.id": "全局ID。The global id.",
    "Selection.kind": "选点类别。Selection kind.",
    "Selection.slot": "占用参保人的哪个选点位置（由城市规则决定）。Which of the person's slots it fills (the city's rule).",
    "Selection.status": "业务当日的状态。Its status on the business date.",
    "Selection.effectiveFrom": "生效日期。First day in effect.",
    "Selection.effectiveTo": "截止日期，长期有效为 2099-12-31（SE-2）。Last day in effect; 2099-12-31 when open-ended (SE-2).",
    "Selection.institution": "所选机构。The chosen institution.",
    "Selection.channel": "受理渠道。The channel the request came through.",
    "Selection.scheme": "办理时的险种（KP-6）。The scheme it was made under (KP-6).",
    "Selection.createdOn": "办理日期。The business date it was made on.",
    "Selection.replaces": "本记录所变更的原选点的全局ID。Global id of the selection this one changed.",
    "Selection.endReason": "终止原因（经办机构终止时）。Why an agency ended it.",
    "Selection.application": "本次选点留下的申请进度记录（SE-5）。The application-progress entry the request left (SE-5).",
    "SelectionPayload": "选点操作的结果。The outcome of a selection operation.",
    "SelectionPayload.selection": "新建或变更后的选点；等待审核时为空。The new or changed selection; null while it waits for review.",
    "SelectionPayload.application": "申请进度记录（SE-5）。The application-progress entry (SE-5).",
    "SelectionPayload.errors": "全部拒绝原因；成功时为空列表。Every reason for a refusal; empty on success.",
    "SelectInstitutionInput": "选点或变更选点的请求。A request to choose or change an institution.",
    "SelectInstitutionInput.idNumber": "参保人的证件号码。The person's ID number.",
    "SelectInstitutionInput.kind": "选点类别。Selection kind.",
    "SelectInstitutionInput.institutionCode": "所选机构的12位编码。The chosen institution's 12-character code.",
    "SelectInstitutionInput.channel": "受理渠道；医疗机构现场办理为 INSTITUTION。Channel; INSTITUTION when staff file it on site.",
    "SelectInstitutionInput.replacesSelectionId": "要变更的选点；省略时由城市规则确定位置。The selection to change; when omitted the city's rules pick the slot.",
    "SelectInstitutionInput.idempotencyKey": "幂等键：相同的键返回第一次的结果。Idempotency key: the same key returns the first answer.",
    "WithdrawSelectionInput": "撤回待生效变更的请求。A request to withdraw a pending change.",
    "WithdrawSelectionInput.selectionId": "待生效变更的全局ID。Global id of the pending change.",
    "EndSelectionInput": "经办机构终止选点的请求。An agency's request to end a selection.",
    "EndSelectionInput.selectionId": "要终止的选点的全局ID。Global id of the selection to end.",
    "EndSelectionInput.reason": "终止原因（必填）。Why it is ended (required).",
    # -- registration ------------------------------------------------------------------------------
    "RegisterPersonPayload": "登记参保人的结果。The outcome of registering a person.",
    "RegisterPersonPayload.person": "登记的参保人；被拒绝时为空。The registered person; null when refused.",
    "RegisterPersonPayload.errors": "全部拒绝原因；成功时为空列表。Every reason for a refusal; empty on success.",
    "RegisterPersonInput": "登记参保人的请求。A request to register a person.",
    "RegisterPersonInput.idNumber": "证件号码。The document number.",
    "RegisterPersonInput.name": "姓名。The person's name.",
    "RegisterPersonInput.city": "参保地城市代码。Code of the city where the person is insured.",
    "RegisterPersonInput.scheme": "险种。The scheme.",
    "RegisterPersonInput.tier": "档次（1、2 或 3）。Tier (1, 2 or 3).",
    "RegisterPersonInput.insuredSince": "参保日期，默认今天。Date first insured; today by default.",
    "RegisterPersonInput.documentType": "证件类型：RESIDENT_ID、PASSPORT、HK_MACAO_PERMIT 等。Document type: RESIDENT_ID, PASSPORT, HK_MACAO_PERMIT, …",
    "ChangeSchemePayload": "变更险种的结果。The outcome of a scheme change.",
    "ChangeSchemePayload.person": "变更后的参保人；被拒绝时为空。The person after the change; null when refused.",
    "ChangeSchemePayload.errors": "全部拒绝原因；成功时为空列表。Every reason for a refusal; empty on success.",
    "ChangeSchemeInput": "变更险种的请求。A request to change a person's scheme.",
    "ChangeSchemeInput.idNumber": "参保人的证件号码。The person's ID number.",
    "ChangeSchemeInput.scheme": "新险种。The new scheme.",
    "ChangeSchemeInput.tier": "新档次。The new tier.",
    "ChangeSchemeInput.effectiveOn": "生效日期，默认今天。Date it takes effect; today by default.",
    # -- applications ------------------------------------------------------------------------------
    "Application.id": "全局ID。The global id.",
    "Application.itemCode": "经办服务事项代码，如 GD-22。Catalogue item code, e.g. GD-22.",
    "Application.status": "当前状态。Its current status.",
    "Application.channel": "受理渠道。The channel it came through.",
    "Application.submittedOn": "提交日期。The business date it was submitted.",
    "Application.dueDateNote": "当年没有官方节假日安排、按周一至周五计算时的说明。Set when a year without an official holiday schedule was counted as Monday-Friday.",
    "Application.calendarFallback": "办理时限是否按周一至周五估算。Whether the due date was counted as Monday-Friday for lack of an official schedule.",
    "Application.overdue": "是否已超过办理时限。Whether it is past its due date.",
    "Application.materials": "已提交的材料。Materials brought.",
    "Application.substitutions": "以替代材料（如个人承诺书）满足的要求（SC-5）。Requirements met by a substitute such as a commitment letter (SC-5).",
    "Application.selectionId": "审核通过后创建的选点的全局ID。Global id of the selection an approval created.",
    "Application.events": "每次状态变化。Each status change.",
    "ApplicationEvent": "申请的一次状态变化：谁、何时、渠道和原因。One status change of an application: who, when, channel and reason.",
    "ApplicationEvent.status": "变化后的状态。The status it moved to.",
    "ApplicationEvent.at": "发生时间（带时区，北京时间 +08:00）。When it happened (with offset, China time +08:00).",
    "ApplicationEvent.businessDate": "业务日期。The business date.",
    "ApplicationEvent.actor": "办理人（角色、城市和标识，不含证件号码）。Who acted (role, city and subject; never an ID number).",
    "ApplicationEvent.channel": "受理渠道。The channel.",
    "ApplicationEvent.reason": "原因（不予通过或退回时）。The reason (when rejected or returned).",
    "SubstitutionUsed": "以替代材料满足的一项要求及其后果（SC-5）。A material met by a substitute, and what that means (SC-5).",
    "SubstitutionUsed.requirement": "原要求的材料。The material required.",
    "SubstitutionUsed.substitute": "替代材料。The substitute brought.",
    "SubstitutionUsed.consequence": "使用替代材料的后果。What using the substitute entails.",
    "ApplicationConnection": "一页申请。A page of applications.",
    "ApplicationConnection.edges": "本页的申请。This page's applications.",
    "ApplicationConnection.pageInfo": "分页信息。Paging information.",
    "ApplicationConnection.totalCount": "符合条件的申请总数。How many applications match in all.",
    "ApplicationEdge": "列表中的一项申请及其游标。One application in a list, with its cursor.",
    "ApplicationEdge.cursor": "此条的游标。This edge's cursor.",
    "ApplicationEdge.node": "申请。The application.",
    "ApplicationPayload": "申请操作的结果。The outcome of an application operation.",
    "ApplicationPayload.application": "申请；被拒绝时为空。The application; null when refused.",
    "ApplicationPayload.errors": "全部拒绝原因；成功时为空列表。Every reason for a refusal; empty on success.",
    "SubmitApplicationInput": "提交申请的请求。A request to submit an application.",
    "SubmitApplicationInput.idNumber": "参保人的证件号码。The person's ID number.",
    "SubmitApplicationInput.serviceItemCode": "事项代码，如 GD-22。Catalogue item code, e.g. GD-22.",
    "SubmitApplicationInput.channel": "受理渠道。The channel.",
    "SubmitApplicationInput.materials": "提交的材料，用清单中的名称。Materials brought, by their catalogue names.",
    "SubmitApplicationInput.details": "其他信息：facts（如 [\"proxy\"]）、firstPayment: true 等决定条件材料。Further details: `facts` (e.g. [\"proxy\"]) and `firstPayment: true` select conditional materials.",
    "SubmitApplicationInput.idempotencyKey": "幂等键：相同的键返回第一次的结果。Idempotency key: the same key returns the first answer.",
    "ReviewApplicationInput": "审核申请的请求。A request to review an application.",
    "ReviewApplicationInput.applicationId": "申请的全局ID。The application's global id.",
    "ReviewApplicationInput.decision": "审核结论。The decision.",
    "ReviewApplicationInput.reason": "原因（不予通过或退回时必填）。The reason (required to reject or return).",
    "ReviewApplicationInput.missingMaterials": "退回时列明全部缺少的材料。Every missing material, when returning.",
    "SupplementApplicationInput": "补充材料的请求。A request to bring missing materials.",
    "SupplementApplicationInput.applicationId": "被退回申请的全局ID。Global id of the returned application.",
    "SupplementApplicationInput.materials": "补交的材料。The materials brought.",
    # -- plugins -----------------------------------------------------------------------------------
    "Plugin": "已加载的插件及其实现的钩子。A loaded plugin and the hooks it implements.",
    "Plugin.name": "插件名称。The plugin's name.",
    "Plugin.version": "版本。Its version.",
    "Plugin.city": "服务的城市代码（省级默认规则为空）。The city it serves (null for the province-wide defaults).",
    "Plugin.hooks": "实现的钩子名称。Names of the hooks it implements.",
    "Plugin.ruleSets": "有效期规则集。Its dated rule sets.",
    "RuleSet": "插件应用的一套有效期规则。A dated rule set a plugin applies.",
    "RuleSet.id": "规则集标识。The rule set's id.",
    "RuleSet.validFrom": "起始日期（空为不限）。First day it applies (null: no start).",
    "RuleSet.validTo": "截止日期（空为不限）。Last day it applies (null: no end).",
    "RuleSet.source": "出处。Where the rules come from.",
    "RuleSet.rules": "包含的规则编号（见 docs/rules.md）。The rule ids it contains (see docs/rules.md).",
    # -- catalogue ---------------------------------------------------------------------------------
    "ServiceItem.code": "事项代码，如 GD-22、GD-02-3。Item code, e.g. GD-22, GD-02-3.",
    "ServiceItem.number": "事项序号。The item's number.",
    "ServiceItem.subNumber": "子项序号（子项才有）。The sub-item's number (sub-items only).",
    "ServiceItem.name": "事项名称。The item's name.",
    "ServiceItem.parentCode": "上级事项代码（子项才有）。The parent item's code (sub-items only).",
    "ServiceItem.subItemCodes": "子项代码。Codes of its sub-items.",
    "ServiceItem.serves": "服务对象。Whom it serves.",
    "ServiceItem.legalBasis": "设定依据。Its legal basis.",
    "ServiceItem.description": "事项说明。What the item is.",
    "ServiceItem.handlingModes": "办理形式。How it can be handled.",
    "ServiceItem.acceptingUnits": "受理单位。Units that accept it.",
    "ServiceItem.channels": "窗口和线上办理渠道。Window and online channels.",
    "ServiceItem.materials": "办理材料，含任选其一和替代材料。Materials, with alternatives and substitutes.",
    "ServiceItem.process": "办理流程。The process steps.",
    "ServiceItem.processKind": "办理流程的种类（SC-3）。The kind of process (SC-3).",
    "ServiceItem.timeLimit": "办理时限（SC-2）。The time limit (SC-2).",
    "ServiceItem.fee": "是否收费。Whether a fee is charged.",
    "ServiceItem.evaluation": "评价渠道（好差评）。Where to rate the service.",
    "ServiceItem.notes": "备注。Notes.",
    "ServiceItem.localRules": "城市的本地规定。The city's local rules.",
    "LegalBasis.title": "文件名称。The document's title.",
    "LegalBasis.documentNumber": "文号。Its document number.",
    "LegalBasis.articles": "条款。The articles cited.",
    "LegalBasis.text": "原文。The text as given.",
    "ServiceChannels": "窗口和线上办理渠道。Window and online channels.",
    "ServiceChannels.window": "窗口渠道。Window channels.",
    "ServiceChannels.online": "线上渠道。Online channels.",
    "ServiceChannels.text": "原文。The text as given.",
    "MaterialRequirement.id": "要求标识。The requirement's id.",
    "MaterialRequirement.text": "原文。The requirement as given.",
    "MaterialRequirement.anyOf": "可任选其一的材料。Materials any one of which will do.",
    "MaterialRequirement.substitutes": "可替代的材料。Substitutes allowed.",
    "MaterialRequirement.condition": "需要此材料的条件。When the material is needed.",
    "Substitute.name": "替代材料名称。The substitute's name.",
    "Substitute.consequence": "使用后的后果。What using it entails.",
    "MaterialCondition.code": "条件代码（提交时放在 details.facts 中）。Condition code (put it in details.facts when submitting).",
    "MaterialCondition.text": "条件说明。What the condition is.",
    "TimeLimit.kind": "时限种类。The kind of limit.",
    "TimeLimit.days": "天数（如有）。The number of days, where there is one.",
    "TimeLimit.text": "原文。The limit as given.",
    "LocalRule.city": "城市代码。The city code.",
    "LocalRule.text": "规定原文。The rule as given.",
    "LocalRule.processKind": "本地流程种类。The local process kind.",
    "LocalRule.steps": "本地流程步骤。The local process steps.",
}

ENUM_TYPES: dict[str, str] = {
    "Scheme": "险种：职工医保或居民医保。Insurance scheme: employee or resident.",
    "SelectionKind": "选点类别（SE-1），各类别互不影响。Selection kind (SE-1); each is independent of the others.",
    "SelectionStatus": "选点记录在业务当日的状态。A selection's status on the business date.",
    "InstitutionLevel": "机构级别：一级及以下、二级、三级（IN-1）。Institution level: level 1 or below, 2, 3 (IN-1).",
    "Channel": "受理渠道（SE-3）。The channel a request comes through (SE-3).",
    "ApplicationStatus": "申请状态。Application status.",
    "ReviewDecision": "审核结论。A review decision.",
    "ProcessKind": "办理流程的种类（SC-3）。The kind of process (SC-3).",
    "TimeLimitKind": "办理时限的种类（SC-2）。The kind of time limit (SC-2).",
}

ENUM_VALUES: dict[str, str] = {
    "Scheme.EMPLOYEE": "职工基本医疗保险。Employee basic medical insurance.",
    "Scheme.RESIDENT": "城乡居民基本医疗保险。Resident basic medical insurance.",
    "SelectionKind.GENERAL_OUTPATIENT": "普通门诊（中山称社区门诊）。General outpatient (community outpatient in some cities).",
    "SelectionKind.SPECIAL_DISEASE": "门诊特定病种（门特）。Outpatient special diseases.",
    "SelectionKind.PRENATAL": "产前检查。Prenatal care.",
    "SelectionKind.REMOTE": "异地门诊，随异地就医备案办理。Outpatient care at a remote destination, chosen with a remote filing.",
    "SelectionStatus.PENDING": "待生效：已办理，尚未到生效日期。Pending: made, not yet in effect.",
    "SelectionStatus.EFFECTIVE": "生效中。In effect.",
    "SelectionStatus.ENDED": "已终止或被变更替代。Ended, or replaced by a change.",
    "SelectionStatus.WITHDRAWN": "已撤回（从未生效）。Withdrawn before it took effect.",
    "InstitutionLevel.LEVEL_1_OR_BELOW": "一级及以下。Level 1 or below.",
    "InstitutionLevel.LEVEL_2": "二级。Level 2.",
    "InstitutionLevel.LEVEL_3": "三级。Level 3.",
    "Channel.YUEYIBAO": "粤医保小程序。The Yueyibao mini-program.",
    "Channel.YUESHENGSHI": "粤省事小程序。The Yueshengshi mini-program.",
    "Channel.GD_GOV_PORTAL": "广东政务服务网（上传表格，人工审核）。Guangdong government service portal (form uploaded, staff review).",
    "Channel.NATIONAL_APP": "国家医保服务平台。The national medical-insurance app.",
    "Channel.KIOSK": "粤智助自助机。A self-service kiosk.",
    "Channel.WINDOW": "经办窗口。An agency counter.",
    "Channel.INSTITUTION": "在医疗机构现场办理。On site at the institution.",
    "Channel.PHONE": "电话办理。By phone.",
    "ApplicationStatus.SUBMITTED": "已提交，待审核。Submitted, awaiting review.",
    "ApplicationStatus.RETURNED": "已退回补正。Returned for missing materials.",
    "ApplicationStatus.APPROVED": "已通过（办结）。Approved (done).",
    "ApplicationStatus.REJECTED": "不予通过。Rejected.",
    "ApplicationStatus.WITHDRAWN": "已撤回。Withdrawn.",
    "ReviewDecision.APPROVE": "通过。Approve.",
    "ReviewDecision.REJECT": "不予通过（须说明原因）。Reject (a reason is required).",
    "ReviewDecision.RETURN": "退回补正（须列明缺少的材料）。Return for the missing materials (name them).",
    "ProcessKind.COMMON": "通用流程：申请、受理、审核、办结。The common process: apply, accept, review, done.",
    "ProcessKind.SUB_ITEMS": "按子项办理。Handled per sub-item.",
    "ProcessKind.TAX_DATA_COLLECTION": "由税务部门征收的数据采集流程。Data collection for contributions collected by the tax authority.",
    "ProcessKind.TRANSFER": "转移接续流程。Transfer between insurance regions.",
    "ProcessKind.INSTITUTION_ONE_STOP": "医疗机构一站式结算。One-stop settlement at the institution.",
    "ProcessKind.ONLINE_DECLARATION": "网上申报。Online declaration.",
    "NetworkKind.SETTLEMENT_HOSPITAL": "结算医院：社区健康服务中心经其结算的医院；网络编号为该医院的机构编码。Settlement hospital: the hospital community centres settle through; the network id is its institution code.",
    "NetworkKind.MEDICAL_ALLIANCE": "医共体／医联体。A medical alliance (医共体).",
    "NetworkKind.MEDICAL_GROUP": "医院集团（举办社区健康服务中心的集团）。A hospital group (running community centres).",
    "NetworkKind.TOWN": "镇街分组（与机构的镇街字段不同时使用）。A town grouping, where it differs from the institution's own town field.",
    "PersonCategory.STUDENT": "在校学生。A student.",
    "SettingSource.DEFAULT": "插件声明的默认值。The plugin's declared default.",
    "SettingSource.FILE": "YIBAO_SETTINGS_FILE 指定的设置文件。The settings file named by YIBAO_SETTINGS_FILE.",
    "SettingSource.ENVIRONMENT": "环境变量 YIBAO_SETTING_<CITY>_<NAME>。The environment variable YIBAO_SETTING_<CITY>_<NAME>.",
    "Query.institutions(network:)": "只列出该网络的成员（如某结算医院及其下属社康）。Only the members of this network (e.g. a settlement hospital and the community centres under it).",
    "ProcessKind.APPLY_ACCEPT_REVIEW_PAY_CLOSE": "申请－受理－审核－拨付－办结五步流程（个别城市）。The five steps apply, accept, review, pay, close (some cities).",
    "ProcessKind.LOCAL_RULES": "按当地规定执行：该市自己的流程，清单未作描述。The city's own procedure (按当地规定执行), not described in the catalogue.",
    "ProcessKind.NOT_STATED": "清单未说明流程。The catalogue states no process.",
    "TimeLimitKind.IMMEDIATE": "即时办结。Done at once.",
    "TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS": "窗口即时办结，线上若干工作日。Immediate at a window, N working days online.",
    "TimeLimitKind.WORKING_DAYS": "若干工作日（提交当日不计）。N working days (the day of submission does not count).",
    "TimeLimitKind.NATURAL_DAYS": "若干自然日。N natural days.",
    "TimeLimitKind.NOT_STATED": "清单未说明时限。The catalogue states no time limit.",
}

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{3,}")


def bilingual(text: str | None) -> bool:
    return bool(text) and bool(_HAN.search(text or "")) and bool(_LATIN.search(text or ""))


def _fill(element, key: str, table: dict[str, str], unused: set[str], fallback: str | None = None) -> None:
    text = table.get(key)
    if text is not None:
        unused.discard(key)
    if bilingual(element.description):
        return
    if text is None:
        text = fallback
    if text is not None:
        element.description = text


def apply(schema: GraphQLSchema) -> set[str]:
    """Fill missing descriptions on the built schema; returns the table keys that named nothing."""
    table = {**TEXT, **ENUM_TYPES, **ENUM_VALUES}
    unused = set(table)
    for name, t in schema.type_map.items():
        if name.startswith("__"):
            continue
        _fill(t, name, table, unused)
        if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType)):
            for fname, field in t.fields.items():
                _fill(field, f"{name}.{fname}", table, unused)
                for aname, arg in field.args.items():
                    _fill(arg, f"{name}.{fname}({aname}:)", table, unused, ARGUMENTS.get(aname))
        elif isinstance(t, GraphQLInputObjectType):
            for fname, field in t.fields.items():
                _fill(field, f"{name}.{fname}", table, unused)
        elif isinstance(t, GraphQLEnumType):
            for vname, value in t.values.items():
                _fill(value, f"{name}.{vname}", table, unused)
    return unused
