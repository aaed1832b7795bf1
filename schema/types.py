"""GraphQL object types. Built from core.domain values; every leaf field is synchronous."""

import datetime
import enum
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Optional

import strawberry
from strawberry.types import Info

from yibao.core import domain, ids
from yibao.core.plugins import PluginHost, PluginInfo
from yibao.core.services.applications import Application as ApplicationValue
from yibao.core.services.applications import ApplicationStatus as ApplicationStatusEnum
from yibao.core.services.persons import PersonRecord
from yibao.core.settings import SettingSource as SettingSourceEnum
from yibao.core.settings import env_name

from . import globalid
from .catalogue_types import ServiceItem
from .describe import describe_values
from .error_types import ErrorCode, UserError  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from .filing_types import RemoteFiling

Scheme = strawberry.enum(domain.Scheme, description="职工医保 EMPLOYEE / 居民医保 RESIDENT")
SelectionKind = strawberry.enum(
    domain.SelectionKind, description="选点类别 (SE-1): 普通门诊, 门特, 产检, 异地; each independent of the others"
)
SelectionStatus = strawberry.enum(domain.SelectionStatus, description="A selection's status on the business date")
InstitutionLevel = strawberry.enum(domain.InstitutionLevel, description="一级及以下 / 二级 / 三级 (IN-1)")
Channel = strawberry.enum(domain.Channel, description="受理渠道 (SE-3): 粤医保, 粤省事, 广东政务服务网, …")
ApplicationStatus = strawberry.enum(ApplicationStatusEnum, description="申请状态")
NetworkKind = strawberry.enum(
    domain.NetworkKind,
    description="机构网络类别：结算医院、医共体、医院集团、镇街。Kinds of institution networks: settlement "
                "hospital (结算医院), medical alliance (医共体), hospital group (医院集团), town (镇街).",
)
PersonCategory = strawberry.enum(
    domain.PersonCategory, description="人员类别（经办机构登记，带起止日期）。A person category an agency records with dates.")


@strawberry.type(description="机构所属网络（类别 + 编号 + 名称）。A network an institution belongs to: kind, id and name.")
class NetworkMembership:
    kind: NetworkKind = strawberry.field(description="网络类别。The network's kind.")
    id: str = strawberry.field(description="网络编号（如结算医院的机构编码）。The network's id (e.g. the settlement hospital's code).")
    name: str = strawberry.field(description="网络名称。The network's name.")


@strawberry.input(description="按网络筛选机构：类别 + 编号。Names one network to filter institutions by: kind and id.")
class NetworkInput:
    kind: NetworkKind = strawberry.field(description="网络类别。The network's kind.")
    id: str = strawberry.field(description="网络编号。The network's id.")


@strawberry.type(description="参保人的一段人员类别（如在校学生）。A dated category of a person (e.g. student).")
class PersonCategoryPeriod:
    category: PersonCategory = strawberry.field(description="人员类别。The category.")
    valid_from: datetime.date = strawberry.field(description="开始日期。First day.")
    valid_to: datetime.date = strawberry.field(description="结束日期（长期为2099-12-31）。Last day (2099-12-31 when open).")
    active: bool = strawberry.field(description="业务日期当天是否有效。Whether it is in force on the business date.")


DocumentTypeValue = enum.Enum(  # type: ignore[misc]
    "DocumentType", {code: code for code in (ids.RESIDENT_ID, *ids.OTHER_DOCUMENTS)})
DocumentType = strawberry.enum(
    DocumentTypeValue, description="证件类型（ID-1），一个封闭的集合。Identity document type (ID-1), a closed set.")
describe_values(DocumentType, {
    ids.RESIDENT_ID: "居民身份证（18位，带校验位）。Resident ID card (18 characters with a check character).",
    **{code: f"{zh}。{en[0].upper()}{en[1:]}." for code, (zh, en, _) in ids.OTHER_DOCUMENTS.items()},
})


@strawberry.interface(description="An object with an opaque global id, fetchable through `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type(description="镇街 / district below the city.")
class Town:
    name: str
    code: Optional[str]
    kind: Optional[str]


@strawberry.type(description="参保地: a city served by a plugin.")
class City(Node):
    code: str
    name: str
    division_code: str = strawberry.field(description="GB/T 2260 administrative division code")
    towns: list[Town]

    @classmethod
    def directory(cls, plugins: PluginHost) -> dict[str, "City"]:
        """Every city's City object, built once per platform."""
        return {info.code: cls.from_info(info, plugins) for info in plugins.cities}

    @classmethod
    def from_info(cls, info: domain.CityInfo, plugins: PluginHost) -> "City":
        data = plugins.city(info.code).yibao_reference_data()
        towns = [Town(name=t.name, code=t.code, kind=t.kind) for t in (data.towns if data else ())]
        return cls(id=strawberry.ID(globalid.encode("City", info.code)), code=info.code, name=info.name,
                   division_code=info.division_code, towns=towns)


@strawberry.type(description="定点医疗机构: a designated medical institution (IN-1).")
class Institution(Node):
    code: str = strawberry.field(description="12-character national code, e.g. H44200100009")
    name: str
    city: City
    town: Optional[str] = strawberry.field(description="镇街 / district")
    division_code: str
    level: InstitutionLevel
    category: str = strawberry.field(description="社区卫生服务中心, 社区卫生服务站, 卫生院, 医院, …")
    tags: list[str]
    specialties: list[str]
    services: list[SelectionKind] = strawberry.field(description="Designated services it offers")
    withdrawn_on: Optional[datetime.date] = strawberry.field(
        default=None, description="退出定点名单之日（不再随插件发布或导入），此后不能新选；仍在名单中为空。"
        "The day it left the reference data (no longer shipped or imported): no new selections from then; null while listed.")
    networks: list[NetworkMembership] = strawberry.field(
        description="所属机构网络（结算医院、医共体等）。The networks it belongs to (settlement hospital, medical alliance, …).")

    @classmethod
    def from_domain(cls, i: domain.Institution, cities: dict[str, City]) -> "Institution":
        return cls(
            id=strawberry.ID(globalid.encode("Institution", i.id)), code=i.code, name=i.name, city=cities[i.city],
            town=i.town, division_code=i.division_code, level=i.level, category=i.category, tags=list(i.tags),
            specialties=list(i.specialties), services=list(i.services), withdrawn_on=i.withdrawn_on,
            networks=[NetworkMembership(kind=m.kind, id=m.id, name=m.name) for m in i.networks],
        )


@strawberry.type(description="A phone number with what it is for.")
class Phone:
    number: str
    purpose: Optional[str]


@strawberry.type(description="经办机构 or service point with phones and opening hours (IN-3).")
class Agency(Node):
    name: str
    kind: Optional[str]
    town: Optional[str]
    hours: Optional[str]
    phones: list[str]
    contacts: list[Phone]

    @classmethod
    def from_domain(cls, a: domain.Agency) -> "Agency":
        return cls(
            id=strawberry.ID(globalid.encode("Agency", a.id)), name=a.name, kind=a.kind, town=a.town, hours=a.hours,
            phones=[p.number for p in a.phones], contacts=[Phone(number=p.number, purpose=p.purpose) for p in a.phones],
        )


@strawberry.type(description="One status change of an application: who, when, channel and reason.")
class ApplicationEvent:
    status: ApplicationStatus
    at: datetime.datetime
    business_date: datetime.date
    actor: str
    channel: Optional[Channel]
    reason: Optional[str]
    missing_materials: list[str] = strawberry.field(description="一次性告知: every material asked for")

    @classmethod
    def from_domain(cls, e) -> "ApplicationEvent":
        return cls(status=e.status, at=e.at, business_date=e.business_date, actor=e.actor, channel=e.channel,
                   reason=e.reason, missing_materials=list(e.missing_materials))


@strawberry.type(description="A material met by a substitute, and what that means (SC-5).")
class SubstitutionUsed:
    requirement: str
    substitute: str
    consequence: Optional[str]


@strawberry.input(description="代办人：本人身份证号码及是否带齐授权委托书（SE-3）。The proxy: their own ID number and the letter.")
class ProxyInput:
    id_number: str = strawberry.field(description="代办人本人的身份证号码。The proxy's own ID number.")
    authorization_letter: bool = strawberry.field(
        default=False, description="是否提供授权委托书。Whether the letter of authorisation (授权委托书) was brought.")

    def to_domain(self):
        from yibao.core.proxies import Proxy

        return Proxy(id_number=self.id_number, authorization_letter=self.authorization_letter)


@strawberry.type(description="所交材料按目录名称的理解（ID-1）。A material as given and the catalogue name it was read as.")
class MaterialUnderstood:
    given: str = strawberry.field(description="申请人填写的名称。The name as given.")
    understood_as: str = strawberry.field(description="理解为目录中的材料名称。The catalogue name it was read as.")


@strawberry.type(description="申请的机构（代码、名称、镇街）。The institution a request names (code, name, town).")
class RequestedInstitution:
    code: str = strawberry.field(description="机构代码。12-character institution code.")
    name: str = strawberry.field(description="机构名称。Institution name.")
    town: Optional[str] = strawberry.field(description="所在镇街。Town or district.")


@strawberry.type(description="待审核的选点申请（如广东政务服务网），按申请之日审核（SE-3）。"
                             "A reviewed selection request (e.g. 广东政务服务网), judged as of the day applied (SE-3).")
class SelectionRequest:
    kind: SelectionKind = strawberry.field(description="选点类别。Selection kind.")
    institution: RequestedInstitution = strawberry.field(description="申请选定的机构。The institution asked for.")
    slot: Optional[str] = strawberry.field(description="申请之日所填的选点位。The slot it fills, as judged the day applied.")
    replaces: Optional[strawberry.ID] = strawberry.field(description="要变更的选点记录。The selection it changes.")
    applied_on: datetime.date = strawberry.field(description="申请之日：所有规则以此日为准。The day applied: every rule's day.")
    status: str = strawberry.field(description="PENDING 待审核 / APPROVED 已通过 / REJECTED 不予通过 / WITHDRAWN 已撤回。"
                                               "PENDING, APPROVED, REJECTED or WITHDRAWN.")
    decided_on: Optional[datetime.date] = strawberry.field(description="审核或撤回之日。The day decided or withdrawn.")
    reason: Optional[str] = strawberry.field(description="不予通过的原因。Why it was rejected.")

    @classmethod
    def from_domain(cls, r) -> "SelectionRequest":
        return cls(
            kind=r.kind, slot=r.slot, applied_on=r.applied_on, status=r.status.value, decided_on=r.decided_on,
            reason=r.reason,
            institution=RequestedInstitution(code=r.institution.code, name=r.institution.name, town=r.institution.town),
            replaces=strawberry.ID(globalid.encode("Selection", r.replaces_id)) if r.replaces_id else None,
        )


@strawberry.type(description="申请: an application and its progress (SE-5, SC-3).")
class Application(Node):
    item_code: str = strawberry.field(description="Catalogue item (seed 002), e.g. GD-22")
    status: ApplicationStatus
    channel: Channel
    submitted_on: datetime.date
    due_date: Optional[datetime.date] = strawberry.field(description="办理时限 in working or natural days (SC-2)")
    due_date_note: Optional[str] = strawberry.field(
        description="Set when a year without an official holiday schedule was counted as Monday-Friday")
    calendar_fallback: bool
    overdue: bool
    materials: list[str]
    substitutions: list[SubstitutionUsed]
    selection_id: Optional[strawberry.ID] = strawberry.field(description="The selection an approval created")
    filing_id: Optional[strawberry.ID] = strawberry.field(
        description="该申请对应的异地就医备案。The remote filing this application is for.")
    events: list[ApplicationEvent]
    _city: strawberry.Private[str]

    @strawberry.field(description="该申请所办事项，按申请所在城市的版本（含当地办理流程）。The catalogue item as the "
                                  "application's city applies it (its local process included).")
    async def service_item(self, info: Info) -> Optional[ServiceItem]:
        found = await info.context.platform.catalogue.item(self.item_code, self._city)
        return ServiceItem.from_domain(found) if found else None
    materials_understood: list[MaterialUnderstood] = strawberry.field(
        default_factory=list, description="哪些材料按同义名称理解（如社保卡→社会保障卡）。Synonyms read as catalogue names.")
    by_proxy: bool = strawberry.field(default=False, description="是否由代办人办理（SE-3）。Made by a proxy (SE-3).")
    selection_request: Optional[SelectionRequest] = strawberry.field(
        default=None, description="待审核选点申请的类型化记录（SE-3）。The typed reviewed selection request behind it.")

    @classmethod
    def from_domain(cls, a: ApplicationValue, today: Optional[datetime.date] = None) -> "Application":
        request = a.reviewed_request
        selection = a.selection_id
        from yibao.core.catalogue.synonyms import understood

        return cls(
            materials_understood=[MaterialUnderstood(given=u.given, understood_as=u.understood_as)
                                  for u in understood(a.materials)],
            by_proxy=a.by_proxy,
            selection_request=SelectionRequest.from_domain(request) if request is not None else None,
            id=strawberry.ID(globalid.encode("Application", a.id)), item_code=a.item_code, status=a.status,
            channel=a.channel, submitted_on=a.submitted_on, due_date=a.due_date, due_date_note=a.due_note,
            calendar_fallback=a.calendar_fallback, overdue=a.overdue_on(today) if today else False,
            materials=list(a.materials),
            substitutions=[SubstitutionUsed(requirement=s.requirement, substitute=s.substitute,
                                            consequence=s.consequence) for s in a.substitutions],
            selection_id=strawberry.ID(globalid.encode("Selection", selection)) if selection else None,
            filing_id=strawberry.ID(globalid.encode("RemoteFiling", a.filing_id)) if a.filing_id else None,
            events=[ApplicationEvent.from_domain(e) for e in a.events], _city=a.city,
        )


@strawberry.type(description="选点: a dated record of a chosen designated institution (SE-2).")
class Selection(Node):
    kind: SelectionKind
    slot: str = strawberry.field(description="Which of the person's slots it fills (the city's rule)")
    status: SelectionStatus
    effective_from: datetime.date
    effective_to: datetime.date = strawberry.field(description="2099-12-31 when open-ended (SE-2)")
    institution: Institution
    channel: Channel
    scheme: Optional[Scheme] = strawberry.field(description="The scheme it was made under (KP-6)")
    created_on: datetime.date
    replaces: Optional[strawberry.ID] = strawberry.field(description="The selection this one changed")
    end_reason: Optional[str]
    _application_id: strawberry.Private[Optional[int]]

    @strawberry.field(description="该选点请求留下的申请（SE-5）。The application this selection's request left (SE-5).")
    async def application(self, info: Info) -> Optional[Application]:
        if self._application_id is None:
            return None
        c = info.context
        found = await c.loaders.application.load(self._application_id)
        return Application.from_domain(found, c.call.today) if found else None

    @classmethod
    def from_domain(cls, s: domain.Selection, today: datetime.date, cities: dict[str, City]) -> "Selection":
        return cls(
            id=strawberry.ID(globalid.encode("Selection", s.id)), kind=s.kind, slot=s.slot, status=s.status_on(today),
            effective_from=s.effective_from, effective_to=s.effective_to,
            institution=Institution.from_domain(s.institution, cities), channel=s.channel, scheme=s.scheme,
            created_on=s.created_on,
            replaces=strawberry.ID(globalid.encode("Selection", s.replaces_id)) if s.replaces_id else None,
            end_reason=s.end_reason, _application_id=s.application_id,
        )


@strawberry.type(description="One dated stretch of a person's scheme (ID-3).")
class SchemePeriod:
    scheme: Scheme
    tier: Optional[int]
    valid_from: datetime.date
    valid_to: datetime.date


@strawberry.type(description="参保人: an insured person.")
class Person(Node):
    id_number: str = strawberry.field(description="Masked (4407**********1234) unless the caller may see it (ID-2)")
    document_type: DocumentType = strawberry.field(
        description="证件类型（ID-1）。The identity document type (ID-1).")
    name: str
    city: City
    scheme: Optional[Scheme] = strawberry.field(description="The scheme in force on the business date")
    tier: Optional[int]
    insured_since: Optional[datetime.date]
    scheme_history: list[SchemePeriod]
    birth_date: Optional[datetime.date] = strawberry.field(
        description="出生日期（取自身份证号码第7-14位；其他证件为空）。Birth date from the ID number (GB 11643 "
                    "characters 7-14); null for documents without one.")
    age: Optional[int] = strawberry.field(
        description="业务日期当天的周岁。Full years of age on the business date; null without a birth date.")
    categories: list[PersonCategoryPeriod] = strawberry.field(
        description="经办机构登记的人员类别及起止日期。Categories an agency recorded, with their dates.")
    _pk: strawberry.Private[int]
    _shown_in_full: strawberry.Private[bool] = False
    _id_hash: strawberry.Private[Optional[str]] = None
    """Set when the entity was resolved from this hash (federation `_entities`): the caller sent it."""

    @strawberry.field(description=(
        "证件号码的带密钥哈希：HMAC-SHA256（密钥 YIBAO_FEDERATION_KEY）作用于去空白并转大写的证件号码，64位小写十六进制，"
        "联邦子图中参保人的实体键（见 docs/federation.md）。仅当调用方能看到完整证件号码（ID-2）或正是按此哈希解析实体时返回，"
        "否则为空：有密钥的人可由遮蔽后的号码加哈希穷举出原号码。The keyed hash of the ID number: HMAC-SHA256 (key "
        "YIBAO_FEDERATION_KEY) of the number without whitespace in upper case, 64 lower-case hex characters; Person's "
        "entity key in the federation subgraph (docs/federation.md). Given only when the caller sees the number in "
        "full (ID-2) or resolved the entity by this very hash, otherwise null: a key holder could recover a masked "
        "number from the mask and the hash by trying the few hidden digits."))
    def id_hash(self, info: Info) -> Optional[str]:
        if self._id_hash is not None:
            return self._id_hash
        return info.context.platform.persons.id_hash(self.id_number) if self._shown_in_full else None

    @strawberry.field(description="选点记录，默认只含已生效和待生效的。Selections; by default only those in effect or pending.")
    async def selections(self, info: Info, kind: Optional[SelectionKind] = None,
                         include_history: Optional[bool] = False) -> list[Selection]:
        c = info.context
        today, cities = c.call.today, c.cities
        shown = []
        for s in await c.loaders.selections_by_person.load(self._pk):
            if kind is not None and s.kind != kind:
                continue
            if include_history or s.status_on(today) in (domain.SelectionStatus.EFFECTIVE, domain.SelectionStatus.PENDING):
                shown.append(Selection.from_domain(s, today, cities))
        return shown

    @strawberry.field(description="异地就医备案（含历史）。The person's remote-treatment filings, history included.")
    async def remote_filings(
        self, info: Info
    ) -> list[Annotated["RemoteFiling", strawberry.lazy("yibao.schema.filing_types")]]:
        from .filing_types import RemoteFiling

        c = info.context
        return [RemoteFiling.from_record(r, c.call.today) for r in await c.platform.filings.of_person(c.call, self._pk)]

    @classmethod
    def from_record(cls, r: PersonRecord, today: datetime.date, cities: dict[str, City]) -> "Person":
        p = r.person
        period = p.scheme_period_on(today)
        return cls(
            id=strawberry.ID(globalid.encode("Person", p.id)), id_number=r.shown_id_number,
            document_type=DocumentTypeValue(p.document_type), name=p.name, city=cities[p.city], scheme=period.scheme if period else None,
            tier=period.tier if period else None, insured_since=p.insured_since,
            scheme_history=[SchemePeriod(scheme=s.scheme, tier=s.tier, valid_from=s.valid_from, valid_to=s.valid_to)
                            for s in p.schemes],
            birth_date=p.birth_date, age=p.age_on(today),
            categories=[PersonCategoryPeriod(category=c.category, valid_from=c.valid_from, valid_to=c.valid_to,
                                             active=c.covers(today)) for c in p.categories],
            _pk=p.id, _shown_in_full=r.shown_id_number == p.id_number,
        )


@strawberry.type(description="A dated rule set a plugin applies.")
class RuleSet:
    id: str
    valid_from: Optional[datetime.date]
    valid_to: Optional[datetime.date]
    source: str
    rules: list[str]


SettingSource = strawberry.enum(
    SettingSourceEnum,
    description="设置值的来源：默认值、设置文件或环境变量。Where a setting's value came from: the declared "
                "default, the settings file (YIBAO_SETTINGS_FILE) or an environment variable (YIBAO_SETTING_<CITY>_<NAME>).")


@strawberry.type(description="插件声明的一项设置及当前生效值。A setting a plugin declares, with the value in force.")
class PluginSettingValue:
    name: str = strawberry.field(description="设置名。The setting's name (lower_snake_case).")
    type: str = strawberry.field(description="类型：INT、BOOL、STRING。Its type: INT, BOOL or STRING.")
    value: str = strawberry.field(description="当前值（文本形式）。The value in force, as text.")
    default: str = strawberry.field(description="默认值（文本形式）。The declared default, as text.")
    source: SettingSource = strawberry.field(description="当前值的来源。Where the value in force came from.")
    environment_variable: str = strawberry.field(description="覆盖该设置的环境变量。The environment variable that overrides it.")
    description: str = strawberry.field(description="中文说明。What it means, in Chinese.")
    description_en: str = strawberry.field(description="英文说明。What it means, in English.")
    rule: str = strawberry.field(description="相关规则编号。The rule id it belongs to.")


def _setting_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@strawberry.type(description="A loaded plugin and the hooks it implements.")
class Plugin:
    name: str
    version: str
    city: Optional[str]
    hooks: list[str]
    rule_sets: list[RuleSet]
    settings: list[PluginSettingValue] = strawberry.field(
        description="插件的设置及当前值（运维可通过环境变量或设置文件覆盖）。The plugin's settings and the values in force "
                    "(an operator overrides them through the environment or the settings file).")

    @classmethod
    def from_info(cls, p: PluginInfo) -> "Plugin":
        return cls(name=p.name, version=p.version, city=p.city, hooks=list(p.hooks), rule_sets=[
            RuleSet(id=r.id, valid_from=r.valid_from, valid_to=r.valid_to, source=r.source, rules=list(r.rules))
            for r in p.rule_sets
        ], settings=[PluginSettingValue(
            name=r.spec.name, type=r.spec.type.value, value=_setting_text(r.value), default=_setting_text(r.spec.default),
            source=r.source, environment_variable=env_name(p.city or "", r.spec.name), description=r.spec.description,
            description_en=r.spec.description_en, rule=r.spec.rule) for r in p.settings])


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


@strawberry.type
class InstitutionEdge:
    cursor: str
    node: Institution


@strawberry.type
class InstitutionConnection:
    edges: list[InstitutionEdge]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="符合条件的总数，仅在查询时计算。How many match, counted only when asked for.")
    async def total_count(self) -> int:
        return await self._count()


@strawberry.type
class PersonEdge:
    cursor: str
    node: Person


@strawberry.type
class PersonConnection:
    edges: list[PersonEdge]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="符合条件的总数，仅在查询时计算。How many match, counted only when asked for.")
    async def total_count(self) -> int:
        return await self._count()


@strawberry.type
class ApplicationEdge:
    cursor: str
    node: Application


@strawberry.type
class ApplicationConnection:
    edges: list[ApplicationEdge]
    page_info: PageInfo
    total_count: int
