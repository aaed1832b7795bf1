"""Person.birthDate / age from the ID document (ID-1, GB 11643 characters 7-14), and dated person
categories recorded by an agency (recordPersonCategory), through GraphQL on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from yibao.core.domain import (
    CategoryPeriod,
    Person,
    PersonCategory,
    Scheme,
    SchemePeriod,
    birth_date_from_document,
)
from yibao.core.testkit.ids import make_id_number

from .support import REGISTER, City, counts

PERSON = """
query($id: String!) { person(idNumber: $id) { birthDate age categories { category validFrom validTo active } } }"""

RECORD = """
mutation($input: RecordPersonCategoryInput!) {
  recordPersonCategory(input: $input) {
    person { categories { category validFrom validTo active } } errors { code field message messageEn }
  }
}"""


def person(number: str, document_type: str = "RESIDENT_ID", categories=()) -> Person:
    return Person(id=1, id_number=number, name="x", city="c", document_type=document_type,
                  schemes=(SchemePeriod(Scheme.RESIDENT, date(2000, 1, 1)),), categories=tuple(categories))


def test_birth_date_is_characters_7_to_14_of_a_gb11643_number():
    assert person(make_id_number("440303", "20120315")).birth_date == date(2012, 3, 15)
    assert person(make_id_number("810000", "19991231"), "HMT_RESIDENCE_PERMIT").birth_date == date(1999, 12, 31)
    assert person("E12345678", "PASSPORT").birth_date is None  # other documents carry none
    assert person("H12345678", "HK_MACAO_PERMIT").age_on(date(2026, 1, 1)) is None
    assert birth_date_from_document("44030320121340123X") is None  # month 13: no date, never an exception


def test_age_counts_full_years_and_a_birthday_counts_from_that_day():
    child = person(make_id_number("440303", "20120315"))
    assert child.age_on(date(2026, 3, 14)) == 13
    assert child.age_on(date(2026, 3, 15)) == 14
    leap = person(make_id_number("440303", "20120229"))
    assert (leap.age_on(date(2026, 2, 28)), leap.age_on(date(2026, 3, 1))) == (13, 14)


def test_has_category_reads_the_dates():
    p = person(make_id_number(), categories=[CategoryPeriod(PersonCategory.STUDENT, date(2026, 9, 1),
                                                            date(2027, 7, 31))])
    assert [p.has_category(PersonCategory.STUDENT, d) for d in (date(2026, 8, 31), date(2026, 9, 1),
                                                                 date(2027, 7, 31), date(2027, 8, 1))] == [
        False, True, True, False]


@pytest.fixture
def shenzhen(yibao_client) -> City:
    return City(yibao_client, "shenzhen")


async def test_person_shows_birth_date_and_age_on_the_business_date(shenzhen):
    pid = make_id_number("440303", "20120315", 101)
    await shenzhen.register(pid, "RESIDENT", on="2026-03-01")
    before = await shenzhen.client(PERSON, {"id": pid}, token=shenzhen.agency, today="2026-03-14")
    on_birthday = await shenzhen.client(PERSON, {"id": pid}, token=shenzhen.agency, today="2026-03-15")
    assert before.data["person"]["birthDate"] == "2012-03-15"
    assert (before.data["person"]["age"], on_birthday.data["person"]["age"]) == (13, 14)
    passport = await shenzhen.client(REGISTER, {"input": {
        "idNumber": "E12345678", "documentType": "PASSPORT", "name": "Foreign", "city": "shenzhen",
        "scheme": "EMPLOYEE"}}, token=shenzhen.agency, today="2026-03-01")
    assert passport.data["registerPerson"]["errors"] == []
    shown = await shenzhen.client(PERSON, {"id": "E12345678"}, token=shenzhen.agency, today="2026-03-01")
    assert (shown.data["person"]["birthDate"], shown.data["person"]["age"]) == (None, None)


async def test_an_agency_records_a_dated_category_visible_on_the_person(shenzhen):
    pid = make_id_number("440304", "20050101", 102)
    await shenzhen.register(pid, "RESIDENT", on="2026-03-01")
    done = await shenzhen.client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                    "validFrom": "2026-03-01", "validTo": "2026-07-31"}},
                                 token=shenzhen.agency, today="2026-03-02")
    body = done.data["recordPersonCategory"]
    assert body["errors"] == []
    assert body["person"]["categories"] == [
        {"category": "STUDENT", "validFrom": "2026-03-01", "validTo": "2026-07-31", "active": True}]
    later = await shenzhen.client(PERSON, {"id": pid}, token=shenzhen.agency, today="2026-08-01")
    assert later.data["person"]["categories"][0]["active"] is False


async def test_category_refusals_are_coded_and_write_nothing(shenzhen, yibao_client, yibao_platform):
    pid = make_id_number("440305", "20050101", 103)
    await shenzhen.register(pid, "RESIDENT", on="2026-03-01")
    first = await shenzhen.client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                     "validFrom": "2026-03-01"}},
                                  token=shenzhen.agency, today="2026-03-02")
    assert first.data["recordPersonCategory"]["errors"] == []
    before = await counts(yibao_platform)
    overlap = await shenzhen.client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                       "validFrom": "2026-06-01"}},
                                    token=shenzhen.agency, today="2026-03-02")
    assert [e["code"] for e in overlap.data["recordPersonCategory"]["errors"]] == ["CATEGORY_PERIOD_OVERLAPS"]
    backwards = await shenzhen.client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                         "validFrom": "2026-06-01", "validTo": "2026-05-01"}},
                                      token=shenzhen.agency, today="2026-03-02")
    assert [e["code"] for e in backwards.data["recordPersonCategory"]["errors"]] == ["INVALID_DATE"]
    missing = await shenzhen.client(RECORD, {"input": {"idNumber": make_id_number("440305", "20050101", 999),
                                                       "category": "STUDENT"}},
                                    token=shenzhen.agency, today="2026-03-02")
    assert [e["code"] for e in missing.data["recordPersonCategory"]["errors"]] == ["NOT_FOUND"]
    other_city = await yibao_client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                       "validFrom": "2027-01-01"}},
                                    token=yibao_client.token("agency", city="zhongshan"), today="2026-03-02")
    assert other_city.data == missing.data  # another city's person answers as an unregistered one (no oracle)
    as_person = await yibao_client(RECORD, {"input": {"idNumber": pid, "category": "STUDENT",
                                                      "validFrom": "2027-01-01"}},
                                   token=shenzhen.person_token(pid), today="2026-03-02")
    assert as_person.error_codes() == ["FORBIDDEN"]
    bad = await shenzhen.client(RECORD, {"input": {"idNumber": pid, "category": "TEACHER"}},
                                token=shenzhen.agency, today="2026-03-02")
    assert bad.data is None and bad.errors  # not an enum value: a validation error, not INTERNAL_ERROR
    assert await counts(yibao_platform) == before
    async with yibao_platform.db.read() as session:
        from sqlalchemy import func, select

        from yibao.core.storage.tables import PersonCategoryRow
        assert await session.scalar(select(func.count()).select_from(PersonCategoryRow)) == 1
