"""Auth (CONTRACT tokens) and ID-2 masking."""

from __future__ import annotations

import pytest

from .support import PERSON, SHIQI_CENTRE

PERSONS = "query($city: String!) { persons(city: $city, first: 5) { totalCount edges { node { idNumber name } } } }"


@pytest.fixture
async def pid(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-04-01", name="王五")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-04-01")
    return pid


def masked(pid: str) -> str:
    return pid[:4] + "*" * 10 + pid[-4:]


@pytest.mark.parametrize("role,city,sees_full", [
    ("person", None, True),
    ("proxy", None, True),
    ("agency", "zhongshan", True),
    ("institution", "zhongshan", False),
    ("integrator", None, False),
    ("admin", None, False),
])
async def test_id2_masking_by_role(yibao_client, pid, role, city, sees_full):
    token = yibao_client.token(role, city=city, person=pid if role in ("person", "proxy") else None)
    result = await yibao_client(PERSON, {"id": pid}, token=token, today="2026-04-02")
    assert result.errors is None, result.errors
    assert result.data["person"]["idNumber"] == (pid if sees_full else masked(pid))
    assert result.data["person"]["selections"][0]["institution"]["code"] == SHIQI_CENTRE


async def test_anonymous_reads_reference_data_only(yibao_client, pid):
    assert (await yibao_client("{ cities { code } }")).errors is None
    assert (await yibao_client('{ agencies(city: "jiangmen_kaiping") { name } }')).errors is None
    assert (await yibao_client(PERSON, {"id": pid})).error_codes() == ["UNAUTHENTICATED"]
    assert (await yibao_client(PERSONS, {"city": "zhongshan"})).error_codes() == ["UNAUTHENTICATED"]


async def test_a_person_token_reads_only_that_person(zhongshan, yibao_client, pid, new_id):
    other = new_id()
    await zhongshan.register(other, on="2026-04-01")
    own = zhongshan.person_token(pid)
    assert (await yibao_client(PERSON, {"id": other}, token=own, today="2026-04-02")).error_codes() == ["FORBIDDEN"]
    me = await yibao_client("{ me { name idNumber } }", token=own, today="2026-04-02")
    assert me.data["me"] == {"name": "王五", "idNumber": pid}
    assert (await yibao_client(PERSONS, {"city": "zhongshan"}, token=own)).error_codes() == ["FORBIDDEN"]


async def test_agency_of_another_city_cannot_read_or_list(yibao_client, pid):
    """Another city's person reads as unregistered (null, no oracle: tests/test_permissions.py)."""
    token = yibao_client.token("agency", city="shenzhen")
    result = await yibao_client(PERSON, {"id": pid}, token=token)
    assert result.errors is None and result.data == {"person": None}
    assert (await yibao_client(PERSONS, {"city": "zhongshan"}, token=token)).error_codes() == ["FORBIDDEN"]


async def test_persons_connection_for_agency_and_integrator(yibao_client, pid):
    agency = await yibao_client(PERSONS, {"city": "zhongshan"}, token=yibao_client.token("agency", city="zhongshan"))
    assert agency.data["persons"]["totalCount"] == 1
    assert agency.data["persons"]["edges"][0]["node"]["idNumber"] == pid
    integrator = await yibao_client(PERSONS, {"city": "zhongshan"}, token=yibao_client.token("integrator"))
    assert integrator.data["persons"]["edges"][0]["node"]["idNumber"] == masked(pid)


async def test_business_date_header_only_in_training_mode(yibao_platform, pid):
    from yibao.core.clock import Clock

    assert Clock(training=True, source=lambda: None).today({"x-business-date": "2026-01-02"}).isoformat() == "2026-01-02"
    fixed = Clock(training=False, source=lambda: "real-today")
    assert fixed.today({"x-business-date": "2026-01-02"}) == "real-today"


def test_token_roles_need_their_claims():
    from yibao.core.auth import Role, actor_from_header, issue_token
    from yibao.core.errors import BadArgument

    secret = "s" * 40
    with pytest.raises(BadArgument):
        issue_token(secret, Role.PERSON)
    with pytest.raises(BadArgument):
        issue_token(secret, Role.AGENCY)
    actor = actor_from_header(secret, "Bearer " + issue_token(secret, Role.AGENCY, city="zhongshan"))
    assert (actor.role, actor.city) == (Role.AGENCY, "zhongshan")
