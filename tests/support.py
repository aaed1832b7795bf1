"""Shared helpers for the yibao suite. Fixtures come from yibao.core.testkit (a pytest plugin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from yibao.core.domain import Institution, InstitutionLevel
from yibao.core.storage import tables
from yibao.core.testkit.client import GraphQLClient
from yibao.core.testkit.ids import make_id_number

SELECTION_FIELDS = """
  id kind slot status effectiveFrom effectiveTo replaces
  institution { code name town city { code } }
  application { id itemCode status events { status channel actor } }
"""

REGISTER = """
mutation($input: RegisterPersonInput!) {
  registerPerson(input: $input) { person { id idNumber name scheme city { code } } errors { code field message messageEn } }
}"""

SELECT = f"""
mutation($input: SelectInstitutionInput!) {{
  selectInstitution(input: $input) {{ selection {{ {SELECTION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

WITHDRAW = f"""
mutation($id: ID!) {{
  withdrawSelection(input: {{ selectionId: $id }}) {{ selection {{ {SELECTION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

END = f"""
mutation($id: ID!, $reason: String!) {{
  endSelection(input: {{ selectionId: $id, reason: $reason }}) {{ selection {{ {SELECTION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

CHANGE_SCHEME = """
mutation($input: ChangeSchemeInput!) {
  changeScheme(input: $input) { person { scheme schemeHistory { scheme validFrom validTo } } errors { code field message messageEn } }
}"""

PERSON = f"""
query($id: String!, $kind: SelectionKind, $history: Boolean) {{
  person(idNumber: $id) {{ id idNumber name scheme city {{ code }}
    selections(kind: $kind, includeHistory: $history) {{ {SELECTION_FIELDS} }} }}
}}"""

COVERAGE = """
query($id: String!, $on: Date, $kind: SelectionKind) {
  coverage(idNumber: $id, on: $on, kind: $kind) { code name town category }
}"""

# Zhongshan reference data (plugins/zhongshan/data): centres and the 石岐 town hospital.
SHIQI_CENTRE = "H44200110001"  # 中山市石岐街道社区卫生服务中心
DONGQU_CENTRE = "H44200110002"  # 中山市东区街道社区卫生服务中心
SUHUAZAN = "中山市苏华赞医院"


@dataclass
class City:
    """Drives one city's persons through GraphQL as that city's agency."""

    client: GraphQLClient
    code: str

    @property
    def agency(self) -> str:
        return self.client.token("agency", city=self.code)

    def person_token(self, id_number: str) -> str:
        return self.client.token("person", person=id_number)

    async def register(self, id_number: str, scheme: str = "EMPLOYEE", *, on: date | str, name: str = "测试参保人",
                       since: str | None = None, tier: int | None = None) -> dict:
        payload = {"idNumber": id_number, "name": name, "city": self.code, "scheme": scheme}
        if since:
            payload["insuredSince"] = since
        if tier is not None:
            payload["tier"] = tier
        result = await self.client(REGISTER, {"input": payload}, token=self.agency, today=on)
        assert result.errors is None, result.errors
        body = result.data["registerPerson"]
        assert body["errors"] == [], body["errors"]
        return body["person"]

    async def select(self, id_number: str, code: str, *, on: date | str, kind: str = "GENERAL_OUTPATIENT",
                     channel: str = "YUEYIBAO", replaces: str | None = None, token: str | None = None,
                     key: str | None = None) -> dict:
        payload = {"idNumber": id_number, "kind": kind, "institutionCode": code, "channel": channel}
        if replaces:
            payload["replacesSelectionId"] = replaces
        if key:
            payload["idempotencyKey"] = key
        result = await self.client(SELECT, {"input": payload}, token=token or self.person_token(id_number), today=on)
        assert result.errors is None, result.errors
        return result.data["selectInstitution"]

    async def change_scheme(self, id_number: str, scheme: str, *, on: date | str, effective_on: str | None = None) -> dict:
        payload = {"idNumber": id_number, "scheme": scheme}
        if effective_on:
            payload["effectiveOn"] = effective_on
        result = await self.client(CHANGE_SCHEME, {"input": payload}, token=self.agency, today=on)
        assert result.errors is None, result.errors
        return result.data["changeScheme"]

    async def end(self, selection_id: str, reason: str, *, on: date | str, token: str | None = None):
        return await self.client(END, {"id": selection_id, "reason": reason}, token=token or self.agency, today=on)

    async def selections(self, id_number: str, *, on: date | str, history: bool = False, kind: str | None = None) -> list[dict]:
        result = await self.client(PERSON, {"id": id_number, "history": history, "kind": kind},
                                   token=self.agency, today=on)
        assert result.errors is None, result.errors
        return result.data["person"]["selections"]

    async def coverage(self, id_number: str, *, on: date | str, kind: str = "GENERAL_OUTPATIENT") -> list[dict]:
        result = await self.client(COVERAGE, {"id": id_number, "on": str(on), "kind": kind},
                                   token=self.agency, today=on)
        assert result.errors is None, result.errors
        return result.data["coverage"]


@pytest.fixture
def zhongshan(yibao_client) -> City:
    return City(yibao_client, "zhongshan")


@pytest.fixture
def kaiping(yibao_client) -> City:
    return City(yibao_client, "jiangmen_kaiping")


@pytest.fixture
def new_id():
    """Fresh valid resident ID numbers (ID-1)."""
    counter = iter(range(100, 1000))

    def make(region: str = "442000", born: str = "19900101") -> str:
        return make_id_number(region, born, next(counter))

    return make


async def counts(platform) -> dict[str, int]:
    """Row counts of every table that requests write, to prove a refusal wrote nothing."""
    out = {}
    async with platform.db.read() as session:
        for table in (tables.PersonRow, tables.SchemePeriodRow, tables.SelectionRow, tables.SelectionEventRow,
                      tables.ApplicationRow, tables.ApplicationEventRow, tables.PersonCategoryRow):
            out[table.__tablename__] = await session.scalar(select(func.count()).select_from(table))
    return out


async def snapshot(platform) -> list[tuple]:
    """Every selection's mutable columns, to prove a refusal changed nothing."""
    async with platform.db.read() as session:
        rows = (await session.scalars(select(tables.SelectionRow).order_by(tables.SelectionRow.id))).all()
        return [(r.id, r.effective_from, r.effective_to, r.withdrawn_at, r.end_reason) for r in rows]


def station(code: str, name: str, town: str, category: str = "社区卫生服务站") -> Institution:
    return Institution(code=code, name=name, city="zhongshan", level=InstitutionLevel.LEVEL_1_OR_BELOW,
                       category=category, division_code="442000", town=town)


APPLICATION_FIELDS = """
  id itemCode status channel submittedOn dueDate dueDateNote calendarFallback overdue materials selectionId
  substitutions { requirement substitute consequence }
  events { status actor channel reason missingMaterials businessDate }
"""

SUBMIT = f"""
mutation($input: SubmitApplicationInput!) {{
  submitApplication(input: $input) {{ application {{ {APPLICATION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

REVIEW = f"""
mutation($input: ReviewApplicationInput!) {{
  reviewApplication(input: $input) {{ application {{ {APPLICATION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

SUPPLEMENT = f"""
mutation($input: SupplementApplicationInput!) {{
  supplementApplication(input: $input) {{ application {{ {APPLICATION_FIELDS} }} errors {{ code field message messageEn }} }}
}}"""

IDENTITY = "有效身份证件"


async def submit(city: City, id_number: str, item: str, materials: list[str], *, on: str, channel: str = "YUEYIBAO",
                 token: str | None = None, details: dict | None = None):
    payload = {"idNumber": id_number, "serviceItemCode": item, "channel": channel, "materials": materials}
    if details is not None:
        payload["details"] = details
    return await city.client(SUBMIT, {"input": payload}, token=token or city.person_token(id_number), today=on)


async def review(city: City, application_id: str, decision: str, *, on: str, token: str | None = None,
                 reason: str | None = None, missing: list[str] | None = None):
    payload = {"applicationId": application_id, "decision": decision, "reason": reason, "missingMaterials": missing}
    return await city.client(REVIEW, {"input": payload}, token=token or city.agency, today=on)
