"""The role policy: one table of every operation × role, read by the schema and by the services.

Every root field of Query, Mutation and Subscription, and every type reachable through
`node(id:)` (as `Node.<Type>`), has one `Rule`: per role (anonymous included) whether it is
allowed and in which scope, each with a reason in Chinese and English.

- The schema's permission classes are generated from it (`schema/permissions.py: policy_for`),
  declared next to each field; a test walks the served schema and fails for a field or Node type
  without a rule here.
- The services check the same table (`require`, `claim`, `in_scope`), so a role admitted by the
  schema and refused by a service (or the reverse) cannot happen: there is no second role set.
- docs/permissions.md is generated from it (`yibao docs permissions --write docs/permissions.md`).

Scopes: `OWN_PERSON` (the person the token names: a person themself or their proxy),
`OWN_CITY` (persons and records of the token's city), `ANY` (every city). An object outside the
caller's scope is answered exactly like an object that does not exist (null, or NOT_FOUND in a
payload), so another city's staff cannot learn whether an ID number is registered (no existence
oracle); a role refused outright gets FORBIDDEN whatever the target.

Institutions (DOMAIN glossary: the 经办机构 processes applications): an institution's staff serve
the person in front of them, so they read that person's records in their city, by ID number or by
id, but browsing the city's application queue is the agency's: `applications` asks an institution
to name the person (`idNumber`).

The integrator (systems combining several cities, read-only, ID numbers masked) reads persons,
selections, filings and applications in every city, on every path alike, and writes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from .auth import Actor, Role
from .errors import Forbidden, NotAuthenticated
from .ids import normalize


class Scope(str, enum.Enum):
    NONE = "none"
    OWN_PERSON = "own person"
    OWN_CITY = "own city"
    ANY = "any"


ANONYMOUS = "anonymous"
ROLE_NAMES: tuple[str, ...] = (ANONYMOUS, *(r.value for r in Role))
"""The columns of the table: anonymous, then every role in the order core/auth.py declares them."""


@dataclass(frozen=True, slots=True)
class Grant:
    scope: Scope
    reason: str
    reason_en: str

    @property
    def allowed(self) -> bool:
        return self.scope is not Scope.NONE


@dataclass(frozen=True, slots=True)
class Rule:
    operation: str
    """`query.person`, `mutation.selectInstitution`, `subscription.applicationEvents`, `Node.Person`."""
    summary: str
    summary_en: str
    grants: Mapping[str, Grant]

    def grant(self, actor: Actor) -> Grant:
        return self.grants[actor.role.value if actor.role else ANONYMOUS]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r for r in Role if self.grants[r.value].allowed)

    @property
    def anonymous(self) -> bool:
        return self.grants[ANONYMOUS].allowed


def _g(scope: Scope, zh: str, en: str) -> Grant:
    return Grant(scope, zh, en)


NO_TOKEN = _g(Scope.NONE, "需要登录令牌", "a bearer token is required")
PUBLIC = _g(Scope.ANY, "公开的参考数据，任何人可读", "public reference data, readable by anyone")
SELF = _g(Scope.OWN_PERSON, "只限令牌所指的本人", "only the person the token names")
PROXY_SELF = _g(Scope.OWN_PERSON, "只限授权委托的被代办人", "only the person who authorised the proxy")
CITY_AGENCY = _g(Scope.OWN_CITY, "经办机构办理本市参保人的业务", "an agency serves its own city's persons")
CITY_INSTITUTION = _g(Scope.OWN_CITY, "定点机构现场为本市参保人办理", "an institution serves its city's persons on site")
ADMIN_ANY = _g(Scope.ANY, "管理员可办理所有城市的业务", "an admin acts in every city")
INTEGRATOR_READ = _g(Scope.ANY, "集成方只读所有城市（身份证号遮蔽）", "an integrator reads every city, read-only, ID numbers masked")
INTEGRATOR_NO_WRITE = _g(Scope.NONE, "集成方只读，不能办理业务", "an integrator is read-only")


def _no(zh: str, en: str) -> Grant:
    return _g(Scope.NONE, zh, en)


def _public() -> dict[str, Grant]:
    return {name: PUBLIC for name in ROLE_NAMES}


def _person_read() -> dict[str, Grant]:
    """A person's data (the person, selections, filings, applications, coverage)."""
    return {ANONYMOUS: NO_TOKEN, "person": SELF, "proxy": PROXY_SELF, "institution": CITY_INSTITUTION,
            "agency": CITY_AGENCY, "integrator": INTEGRATOR_READ, "admin": ADMIN_ANY}


def _on_behalf() -> dict[str, Grant]:
    """Business done for a person: by themself, their proxy, an institution on site, the agency."""
    return {ANONYMOUS: NO_TOKEN, "person": SELF, "proxy": PROXY_SELF, "institution": CITY_INSTITUTION,
            "agency": CITY_AGENCY, "integrator": INTEGRATOR_NO_WRITE, "admin": ADMIN_ANY}


def _agency_only(zh: str, en: str) -> dict[str, Grant]:
    """Agency decisions (SE, KP-6, ID-3): only the agency of the person's city, or an admin."""
    no = _no(zh, en)
    return {ANONYMOUS: NO_TOKEN, "person": no, "proxy": no, "institution": no, "agency": CITY_AGENCY,
            "integrator": INTEGRATOR_NO_WRITE, "admin": ADMIN_ANY}


def _rule(operation: str, zh: str, en: str, grants: dict[str, Grant]) -> Rule:
    assert set(grants) == set(ROLE_NAMES), operation
    return Rule(operation, zh, en, grants)


_PUBLIC_QUERIES = {
    "cities": ("服务的城市", "the cities served"),
    "institutions": ("定点医疗机构列表", "designated institutions"),
    "institution": ("按编码查一家机构", "one institution by code"),
    "agencies": ("经办机构和服务网点", "agencies and service points"),
    "plugins": ("已加载的城市插件", "loaded city plugins"),
    "serviceItems": ("服务事项目录", "the service catalogue"),
    "serviceItem": ("一个服务事项", "one catalogue item"),
    "institutionsAcrossCities": ("多个城市的定点医疗机构", "designated institutions of several cities"),
    "node": ("按全局 id 取对象；再按对象类型的规则（Node.*）判断",
             "any object by global id; the object's type rule (Node.*) then applies"),
}

_me = {name: _g(Scope.OWN_PERSON, "令牌所指的本人（非本人令牌得到 null）",
                "the person the token names (null for tokens naming none)") for name in ROLE_NAMES}
_me[ANONYMOUS] = NO_TOKEN

_lists = _person_read()
_lists.update(person=_no("参保人请用 me", "a person uses `me`"), proxy=_no("代办人请用 me", "a proxy uses `me`"),
              institution=_no("机构不浏览全市参保人", "an institution does not browse the city's persons"))

_across = dict(_lists)
_across["agency"] = _no("经办机构请用 persons(city:) 查询本市", "an agency lists its own city with `persons(city:)`")

_queue = _person_read()
_queue["institution"] = _g(Scope.OWN_CITY, "机构须指明参保人（idNumber），全市申请队列属于经办机构",
                           "an institution names the person (idNumber); the city's queue is the agency's")

_options = _on_behalf()
_options["integrator"] = _no("集成方不办理选点", "an integrator does not make selections")

_cancel = _on_behalf()
_cancel["institution"] = _no("备案的取消和补正由本人、代办人或经办机构办理",
                             "filings are cancelled or completed by the person, their proxy or the agency")

RULES: dict[str, Rule] = {}


def _add(rule: Rule) -> None:
    RULES[rule.operation] = rule


for _name, (_zh, _en) in _PUBLIC_QUERIES.items():
    _add(_rule(f"query.{_name}", _zh, _en, _public()))
for _name, (_zh, _en) in {
    "person": ("按身份证号查参保人（ID-2 遮蔽）", "a person by ID number (ID-2 masking)"),
    "coverage": ("参保人可就医的机构", "where the person may be treated"),
    "coverageExplained": ("就医范围及原因", "coverage with its reasons"),
    "remoteFiling": ("一项异地就医备案", "one remote-treatment filing"),
    "application": ("一项申请", "one application"),
}.items():
    _add(_rule(f"query.{_name}", _zh, _en, _person_read()))
_add(_rule("query.me", "令牌所指的参保人", "the person the token names", _me))
_add(_rule("query.persons", "一个城市的参保人列表", "a city's persons", _lists))
_add(_rule("query.personsAcrossCities", "多个城市的参保人（集成方）", "persons of several cities (integrators)",
           _across))
_add(_rule("query.applications", "本人的申请，或经办机构的本市申请队列",
           "a person's own applications, or the agency's queue of its city", _queue))
_add(_rule("query.selectionOptions", "参保人今天能选什么（选点预演）", "what the person may select today", _options))
_add(_rule("subscription.applicationEvents", "一项申请的实时状态变化", "live status changes of one application",
           _person_read()))

for _name, (_zh, _en) in {
    "selectInstitution": ("选点或变更", "select or change an institution"),
    "withdrawSelection": ("撤回未生效的变更", "withdraw a change not yet effective"),
    "submitApplication": ("提交申请", "submit an application"),
    "supplementApplication": ("补正材料", "bring missing materials"),
    "withdrawApplication": ("撤回申请", "withdraw an application"),
    "fileRemoteTreatment": ("异地就医备案", "file remote treatment"),
}.items():
    _add(_rule(f"mutation.{_name}", _zh, _en, _on_behalf()))
for _name, (_zh, _en) in {
    "cancelRemoteFiling": ("取消备案", "cancel a filing"),
    "completeRemoteFilingMaterials": ("补交备案材料", "complete a filing's materials"),
}.items():
    _add(_rule(f"mutation.{_name}", _zh, _en, _cancel))
for _name, (_zh, _en, _why, _why_en) in {
    "registerPerson": ("登记参保人", "register a person", "参保登记由经办机构办理", "registration is the agency's"),
    "changeScheme": ("变更险种", "change a scheme", "险种变更由经办机构办理 (ID-3)", "scheme changes are the agency's (ID-3)"),
    "recordPersonCategory": ("记录人员类别", "record a person category", "人员类别由经办机构认定",
                             "person categories are recorded by the agency"),
    "endSelection": ("终止选点", "end a selection", "终止选点由经办机构办理 (KP-6)", "ending a selection is the agency's (KP-6)"),
    "reviewApplication": ("审核申请", "review an application", "审核由本市经办机构办理",
                          "review is the agency's of the application's city"),
}.items():
    _add(_rule(f"mutation.{_name}", _zh, _en, _agency_only(_why, _why_en)))

for _type in ("City", "Institution", "Agency"):
    _add(_rule(f"Node.{_type}", "公开的参考数据", "public reference data", _public()))
for _type, (_zh, _en) in {
    "Person": ("参保人（与 person 相同）", "a person (as `person`)"),
    "Selection": ("选点记录（与参保人相同）", "a selection (as its person)"),
    "Application": ("申请（与 application 相同）", "an application (as `application`)"),
    "RemoteFiling": ("异地就医备案（与 remoteFiling 相同）", "a remote filing (as `remoteFiling`)"),
}.items():
    _add(_rule(f"Node.{_type}", _zh, _en, _person_read()))

_ADMIN_ONLY = {name: _no("只有管理员可以", "admin only") for name in ROLE_NAMES}
_ADMIN_ONLY[ANONYMOUS] = NO_TOKEN
_ADMIN_ONLY["admin"] = ADMIN_ANY
_add(_rule("query.auditLog", "审计日志（只增不改）", "the audit log (append-only)", dict(_ADMIN_ONLY)))
_add(_rule("cli.importPersons", "批量导入参保人（yibao persons import）", "import persons in bulk", dict(_ADMIN_ONLY)))
_add(_rule("cli.revokeToken", "吊销令牌（yibao revoke）", "revoke tokens (yibao revoke)", dict(_ADMIN_ONLY)))
_add(_rule("cli.importInstitutions", "批量导入定点机构（yibao institutions import）", "import institutions in bulk",
           dict(_ADMIN_ONLY)))
_add(_rule("cli.importAgencies", "批量导入经办机构和服务网点（yibao agencies import）", "import agencies in bulk",
           dict(_ADMIN_ONLY)))

# Bulk exports (GET /export/{kind}, `yibao export`; issue 12): reference data is public; records
# of persons are exported by the agency for its city, integrators and admin (ID numbers per ID-2).
_add(_rule("export.institutions", "导出定点医疗机构", "export institutions", _public()))
_export = _person_read()
_export.update(person=_no("参保人请用 me 查询本人", "a person reads their own records through `me`"),
               proxy=_no("代办人请用 me 查询被代办人", "a proxy reads through `me`"),
               institution=_no("机构不批量导出全市数据", "an institution does not export the city's records"))
for _kind, (_zh, _en) in {
    "persons": ("导出参保人", "export persons"),
    "selections": ("导出选点记录", "export selections"),
    "filings": ("导出异地就医备案", "export remote filings"),
    "applications": ("导出申请", "export applications"),
}.items():
    _add(_rule(f"export.{_kind}", _zh, _en, dict(_export)))
# FHIR R4 (read-only, /fhir; issue 12): the same grants as the GraphQL reads of the same data.
_add(_rule("fhir.Organization", "FHIR 机构（定点医疗机构）", "FHIR Organization (an institution)", _public()))
_add(_rule("fhir.Patient", "FHIR 患者（与 person 相同）", "FHIR Patient (as `person`)", _person_read()))
_add(_rule("fhir.Coverage", "FHIR 保险（与 person 相同）", "FHIR Coverage (as `person`)", _person_read()))
_fhir_export = dict(_export)
_add(_rule("fhir.$export", "FHIR 批量导出（Bulk Data）", "FHIR bulk export (Bulk Data)", _fhir_export))

_add(_rule("cli.loadCalendarSchedule", "载入年度节假日安排（SC-2）", "load a year's holiday schedule (SC-2)",
           dict(_ADMIN_ONLY)))


# Production mode (YIBAO_ENV=production): schema introspection and "did you mean" suggestions only
# for the roles whose systems are built against the schema (schema/context.py reads this rule).
_introspection = {name: _no("生产环境中只有对接系统的角色可以内省接口", "in production only roles that build "
                            "against the schema may introspect it") for name in ROLE_NAMES}
_introspection[ANONYMOUS] = NO_TOKEN
_introspection.update(
    admin=ADMIN_ANY,
    integrator=_g(Scope.ANY, "集成方按接口定义对接", "an integrator builds against the schema"),
    agency=_g(Scope.ANY, "经办系统按接口定义对接", "an agency's systems build against the schema"))
_add(_rule("schema.introspection", "内省接口定义（__schema、__type）并获得拼写建议",
           "introspect the schema (__schema, __type) and get suggestions", _introspection))


def rule(operation: str) -> Rule:
    """The rule of `query.x`, `mutation.x`, `subscription.x` or `Node.T`; KeyError when undeclared."""
    return RULES[operation]


def require(actor: Actor, operation: str) -> Grant:
    """The caller's grant for the operation; UNAUTHENTICATED or FORBIDDEN when the role may not."""
    r = rule(operation)
    grant = r.grant(actor)
    if grant.allowed:
        return grant
    if actor.anonymous:
        raise NotAuthenticated("需要登录令牌", "a bearer token is required")
    raise Forbidden(f"当前角色无权{r.summary}：{grant.reason}",
                    f"role {actor.role.value} may not {r.summary_en}: {grant.reason_en}")  # type: ignore[union-attr]


def claim(actor: Actor, operation: str, id_number: str) -> Grant:
    """Before any lookup: the role may run the operation, and an own-person token names only its person.

    Refusing here, before the database is read, tells nothing about whether the number exists."""
    grant = require(actor, operation)
    if grant.scope is Scope.OWN_PERSON and normalize(id_number) != actor.person:
        raise Forbidden("令牌只能查询或办理本人（被代办人）的业务", "this token acts for another person")
    return grant


def in_scope(actor: Actor, operation: str, city: str, id_number: str) -> bool:
    """Whether an existing object (of a person of `city`) lies in the caller's scope for the operation."""
    grant = rule(operation).grant(actor)
    if grant.scope is Scope.ANY:
        return True
    if grant.scope is Scope.OWN_CITY:
        return actor.city == city
    if grant.scope is Scope.OWN_PERSON:
        return actor.person is not None and actor.person == id_number
    return False


def check_city(actor: Actor, operation: str, city: str) -> Grant:
    """An operation naming a city (lists, registration): the role may, in that city.

    The city is the caller's own argument, so refusing says nothing about any person."""
    grant = require(actor, operation)
    if grant.scope is Scope.OWN_CITY and actor.city != city:
        raise Forbidden("只能办理本市的业务", f"this token may not act for city {city}")
    return grant


def operations() -> list[Rule]:
    """Every rule, in table order (queries, subscriptions, mutations, node types)."""
    order = {"query": 0, "subscription": 1, "mutation": 2, "Node": 3, "cli": 4, "export": 5, "fhir": 6, "schema": 7}
    return sorted(RULES.values(), key=lambda r: (order[r.operation.split(".")[0]], r.operation))
