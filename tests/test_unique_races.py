"""Races the services' own checks cannot see (issue 10): two registrations of one ID number at once
both find no such person; on PostgreSQL both insert and the unique constraint refuses the second,
which must answer PERSON_EXISTS like any second registration, never INTERNAL_ERROR. Unique
violations are mapped to their business codes in one place (core/storage/unique.py), idempotency
keys included. The requests run concurrently through the real ASGI app, each on its own connection."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yibao.core.errors import Refused
from yibao.core.storage.tables import ApplicationRow, InstitutionRow, PersonRow

from .support import REGISTER


async def test_simultaneous_registrations_of_one_id_number_one_wins_the_others_get_person_exists(
        zhongshan, yibao_platform, new_id):
    numbers = [new_id() for _ in range(6)]

    async def register(pid: str):
        return await zhongshan.client(REGISTER, {"input": {"idNumber": pid, "name": "并发", "city": "zhongshan",
                                                           "scheme": "EMPLOYEE"}},
                                      token=zhongshan.agency, today="2026-03-02")

    sent = [pid for pid in numbers for _ in range(2)]
    answers = await asyncio.gather(*(register(pid) for pid in sent))
    assert all(a.errors is None for a in answers), [a.errors for a in answers if a.errors]  # no INTERNAL_ERROR
    for pid in numbers:
        bodies = [a.data["registerPerson"] for a, n in zip(answers, sent) if n == pid]
        assert sorted(len(b["errors"]) for b in bodies) == [0, 1], bodies
        loser = next(b for b in bodies if b["errors"])
        assert [(e["code"], e["field"]) for e in loser["errors"]] == [("PERSON_EXISTS", ["idNumber"])]
        assert loser["person"] is None
    async with yibao_platform.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(PersonRow).where(PersonRow.id_number.in_(numbers)))
    assert count == len(numbers)


def _person(number: str) -> PersonRow:
    return PersonRow(id_number=number, name="n", city="zhongshan", insured_since=date(2026, 1, 1),
                     created_at=datetime.now(UTC), created_by="test")


async def test_a_duplicate_id_number_reaching_the_database_is_person_exists(yibao_platform):
    async with yibao_platform.db.write(None) as session:
        session.add(_person("U1"))
    with pytest.raises(Refused) as refused:
        async with yibao_platform.db.write(None) as session:
            session.add(_person("U1"))
    assert [(e.code, e.field) for e in refused.value.errors] == [("PERSON_EXISTS", ("idNumber",))]


async def test_a_duplicate_idempotency_key_reaching_the_database_is_key_in_use(yibao_platform):
    async with yibao_platform.db.write(None) as session:
        person = _person("U2")
        session.add(person)
    now = datetime.now(UTC)

    def application() -> ApplicationRow:
        return ApplicationRow(person_id=person.id, city="zhongshan", item_code="GD-14", channel="YUEYIBAO",
                              status="SUBMITTED", submitted_on=date(2026, 3, 2), due_date=date(2026, 3, 9),
                              details={}, created_at=now, created_by="test", materials=[], facts=[],
                              idempotency_key="same-key")

    async with yibao_platform.db.write(None) as session:
        session.add(application())
    with pytest.raises(Refused) as refused:
        async with yibao_platform.db.write(None) as session:
            session.add(application())
    assert [(e.code, e.field) for e in refused.value.errors] == [("IDEMPOTENCY_KEY_IN_USE", ("idempotencyKey",))]


async def test_an_unmapped_unique_violation_stays_an_error(yibao_platform):
    async with yibao_platform.db.read() as session:
        existing = await session.scalar(select(InstitutionRow).limit(1))
    with pytest.raises(IntegrityError):
        async with yibao_platform.db.write(None) as session:
            session.add(InstitutionRow(code=existing.code, name="dup", city=existing.city, level="LEVEL_2",
                                       category="x"))
