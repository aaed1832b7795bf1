"""Root query fields: each calls one core service and wraps its answer in types."""

import datetime
from typing import Annotated, Optional

import strawberry
from strawberry.types import Info

from yibao.core.domain import NetworkRef
from yibao.core.domain import SelectionKind as SelectionKindValue
from yibao.core.errors import Refused, RequestError

from . import across, globalid
from .context import ctx
from .permissions import policy_for
from .selection_options import SelectionOptions, selection_options
from yibao.core.services.applications import ApplicationFilter

from .audit_types import AUDIT_LOG, AuditEntryConnection  # noqa: F401  (the field's type)
from .catalogue_types import ServiceItem
from .filing_types import CoverageAnswer, RemoteFiling
from .types import (
    Agency,
    Application,
    ApplicationConnection,
    ApplicationEdge,
    ApplicationStatus,
    City,
    Institution,
    InstitutionConnection,
    InstitutionEdge,
    InstitutionLevel,
    NetworkInput,
    Node,
    PageInfo,
    Person,
    PersonConnection,
    PersonEdge,
    Plugin,
    Selection,
    SelectionKind,
    UserError,
)


def _refused_as_error(exc: Refused) -> RequestError:
    first = exc.errors[0]
    return RequestError(first.message, first.message_en, first.code)


@strawberry.type
class Query:
    @strawberry.field(description="The cities served, one per loaded city plugin.", permission_classes=policy_for("cities"))
    def cities(self, info: Info) -> list[City]:
        ctx(info).check_request()
        return list(ctx(info).cities.values())

    @strawberry.field(description="IN-2: designated institutions; `search` matches 汉字, full pinyin or initials.", permission_classes=policy_for("institutions"))
    async def institutions(
        self, info: Info, city: str, town: Optional[str] = None, level: Optional[InstitutionLevel] = None,
        category: Optional[str] = None, search: Optional[str] = None, first: Optional[int] = None,
        after: Optional[str] = None,
        include_withdrawn: Annotated[bool, strawberry.argument(
            description="同时列出已退出名单的机构。Also list institutions withdrawn from the reference data.")] = False,
        network: Optional[NetworkInput] = None,
    ) -> InstitutionConnection:
        c = ctx(info)
        c.check_request()
        ref = NetworkRef(network.kind, network.id.strip()) if network else None
        page = await c.platform.institutions.search(
            city, town=town, level=level, category=category, search=search, first=first, after=after,
            network=ref, include_withdrawn=include_withdrawn)
        edges = [InstitutionEdge(cursor=cur, node=Institution.from_domain(i, c.cities))
                 for i, cur in zip(page.items, page.cursors)]
        return InstitutionConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            _count=lambda: c.platform.institutions.count(city, town=town, level=level, category=category, search=search,
                                                         network=ref, include_withdrawn=include_withdrawn),
        )

    @strawberry.field(description="Look up one institution by its 12-character code.", permission_classes=policy_for("institution"))
    async def institution(self, info: Info, code: str) -> Optional[Institution]:
        c = ctx(info)
        c.check_request()
        found = await c.platform.institutions.by_code(code)
        return Institution.from_domain(found, c.cities) if found else None

    @strawberry.field(description="IN-3: insurance agencies and service points with phones and hours.", permission_classes=policy_for("agencies"))
    async def agencies(self, info: Info, city: str) -> list[Agency]:
        c = ctx(info)
        c.check_request()
        return [Agency.from_domain(a) for a in await c.platform.institutions.agencies(city)]

    @strawberry.field(description="A person by ID number (ID-2 masking applies).", permission_classes=policy_for("person"))
    async def person(self, info: Info, id_number: str) -> Optional[Person]:
        c = ctx(info)
        record = await c.platform.persons.get(c.call, id_number, with_selections=False)
        return Person.from_record(record, c.call.today, c.cities) if record else None

    @strawberry.field(description="The person a `person` or `proxy` token names.", permission_classes=policy_for("me"))
    async def me(self, info: Info) -> Optional[Person]:
        c = ctx(info)
        if not c.call.actor.person:
            return None
        record = await c.platform.persons.get(c.call, c.call.actor.person, with_selections=False, operation="query.me")
        return Person.from_record(record, c.call.today, c.cities) if record else None

    @strawberry.field(description="Persons of a city, for agency, integrator and admin roles.", permission_classes=policy_for("persons"))
    async def persons(self, info: Info, city: str, first: Optional[int] = None, after: Optional[str] = None) -> PersonConnection:
        c = ctx(info)
        page = await c.platform.persons.page(c.call, city, first, after)
        edges = [PersonEdge(cursor=cur, node=Person.from_record(r, c.call.today, c.cities))
                 for r, cur in zip(page.items, page.cursors)]
        return PersonConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            _count=lambda: c.platform.persons.count(c.call, city),
        )

    persons_across_cities: PersonConnection = across.persons_field
    institutions_across_cities: InstitutionConnection = across.institutions_field

    @strawberry.field(description="Where the person may be treated under `kind` on `on` (default: today).", permission_classes=policy_for("coverage"))
    async def coverage(
        self, info: Info, id_number: str, kind: Optional[SelectionKind] = SelectionKindValue.GENERAL_OUTPATIENT,
        on: Optional[datetime.date] = None,
    ) -> list[Institution]:
        c = ctx(info)
        kind = kind or SelectionKindValue.GENERAL_OUTPATIENT
        try:
            found = await c.platform.selections.coverage(c.call, id_number, kind, on)
        except Refused as exc:
            raise _refused_as_error(exc) from None
        return [Institution.from_domain(i, c.cities) for i in found]

    @strawberry.field(description="就医范围及其为空的原因（如以个人承诺办理异地长期备案，RF-5）。Coverage with the reasons "
                                  "it is empty when a rule takes it away.", permission_classes=policy_for("coverageExplained"))
    async def coverage_explained(
        self, info: Info, id_number: str, kind: Optional[SelectionKind] = SelectionKindValue.GENERAL_OUTPATIENT,
        on: Optional[datetime.date] = None,
    ) -> CoverageAnswer:
        c = ctx(info)
        try:
            found, reasons = await c.platform.selections.coverage_explained(
                c.call, id_number, kind or SelectionKindValue.GENERAL_OUTPATIENT, on)
        except Refused as exc:
            raise _refused_as_error(exc) from None
        return CoverageAnswer(institutions=[Institution.from_domain(i, c.cities) for i in found],
                              reasons=[UserError.from_domain(r) for r in reasons])

    @strawberry.field(description="一项异地就医备案。A remote-treatment filing by id.", permission_classes=policy_for("remoteFiling"))
    async def remote_filing(self, info: Info, id: strawberry.ID) -> Optional[RemoteFiling]:
        c = ctx(info)
        found = await c.platform.filings.get(c.call, globalid.decode_int(id, "RemoteFiling"))
        return RemoteFiling.from_record(found, c.call.today) if found else None

    selection_options: SelectionOptions = strawberry.field(
        resolver=selection_options, permission_classes=policy_for("selectionOptions"),
        description="参保人今天能选什么：每个位置的当前机构、能否现在变更、不能时从何时起、可选机构和生效日期；"
                    "由与 selectInstitution 相同的城市规则预演得出。What the person may select today: per slot the "
                    "holder, whether it can change now and if not from when, the eligible institutions and the "
                    "effective date, from a dry run of selectInstitution's own city rules.")

    audit_log: AuditEntryConnection = AUDIT_LOG

    @strawberry.field(description="Loaded plugins with the hooks they implement and their dated rule sets.", permission_classes=policy_for("plugins"))
    def plugins(self, info: Info) -> list[Plugin]:
        ctx(info).check_request()
        return [Plugin.from_info(p) for p in ctx(info).platform.plugins.describe()]

    @strawberry.field(description="An application (申请) and its progress.", permission_classes=policy_for("application"))
    async def application(self, info: Info, id: strawberry.ID) -> Optional[Application]:
        c = ctx(info)
        found = await c.platform.applications.get(c.call, globalid.decode_int(id, "Application"))
        return Application.from_domain(found, c.call.today) if found else None

    @strawberry.field(description="SC-1: the provincial service catalogue, with the city's overrides when a city is given.", permission_classes=policy_for("serviceItems"))
    async def service_items(self, info: Info, city: Optional[str] = None, search: Optional[str] = None) -> list[ServiceItem]:
        c = ctx(info)
        c.check_request()
        return [ServiceItem.from_domain(i) for i in await c.platform.catalogue.items(city, search)]

    @strawberry.field(description="One catalogue item by code (e.g. GD-22, GD-02-3), as the city applies it.", permission_classes=policy_for("serviceItem"))
    async def service_item(self, info: Info, code: str, city: Optional[str] = None) -> Optional[ServiceItem]:
        c = ctx(info)
        c.check_request()
        found = await c.platform.catalogue.item(code, city)
        return ServiceItem.from_domain(found) if found else None

    @strawberry.field(description="A person's own applications, or an agency's queue of its city.", permission_classes=policy_for("applications"))
    async def applications(
        self, info: Info, city: Optional[str] = None, id_number: Optional[str] = None,
        status: Optional[ApplicationStatus] = None, item_code: Optional[str] = None, overdue: Optional[bool] = None,
        first: Optional[int] = None, after: Optional[str] = None,
    ) -> ApplicationConnection:
        c = ctx(info)
        page = await c.platform.applications.page(c.call, ApplicationFilter(
            city=city, id_number=id_number, status=status, item_code=item_code, overdue=overdue), first, after)
        return ApplicationConnection(
            edges=[ApplicationEdge(cursor=cur, node=Application.from_domain(a, c.call.today))
                   for a, cur in zip(page.items, page.cursors)],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            total_count=page.total if page.total is not None else -1,
        )

    @strawberry.field(description="Fetch any object by its global id.", permission_classes=policy_for("node"))
    async def node(self, info: Info, id: strawberry.ID) -> Optional[Node]:
        return await resolve_node(info, id)


async def resolve_node(info: Info, global_id: str) -> Optional[Node]:
    c = ctx(info)
    call = c.call
    type_name, key = globalid.decode(global_id)
    p = c.platform
    if type_name == "City":
        return c.cities.get(key)
    try:
        pk = int(key)
    except ValueError:
        return None
    if type_name == "Institution":
        found = await p.institutions.by_id(pk)
        return Institution.from_domain(found, c.cities) if found else None
    if type_name == "Agency":
        agency = await p.institutions.agency_by_id(pk)
        return Agency.from_domain(agency) if agency else None
    if type_name == "Person":
        record = await p.persons.get_by_pk(call, pk, with_selections=False, operation="Node.Person")
        return Person.from_record(record, call.today, c.cities) if record else None
    if type_name == "Selection":
        result = await p.selections.get(call, pk, "Node.Selection")
        return Selection.from_domain(result.selection, call.today, c.cities) if result else None
    if type_name == "Application":
        app = await p.applications.get(call, pk, "Node.Application")
        return Application.from_domain(app, call.today) if app else None
    if type_name == "RemoteFiling":
        filing = await p.filings.get(call, pk, "Node.RemoteFiling")
        return RemoteFiling.from_record(filing, call.today) if filing else None
    return None
