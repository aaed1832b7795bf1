"""One test per hook, named `test_hook_<hook>`, each through the example city (tests/plugins/example_city.py)
and real GraphQL requests. tests/test_docs.py fails when a hook has no test named after it."""

from __future__ import annotations

import pytest

from . import support
from .plugins import example_city as ex
from .support import City

CITY_CODE = "errors { code cityCode "
WITHDRAW = support.WITHDRAW.replace("errors { code ", CITY_CODE)

ON = "2026-03-02"  # a Monday, early in the month (EX-3 accepts changes)


@pytest.fixture
def yibao_extra_plugins():
    return [ex]


@pytest.fixture(autouse=True)
def city_codes(monkeypatch):
    """Ask for `cityCode` too: the example city's own codes are served as CITY_RULE + cityCode."""
    for name in ("SELECT", "REGISTER"):
        monkeypatch.setattr(support, name, getattr(support, name).replace("errors { code ", CITY_CODE))


def codes(errors: list[dict]) -> list[str]:
    """Each refusal's code: the city's own (cityCode) when the registry does not know it (CITY_RULE)."""
    assert all((e["code"] == "CITY_RULE") == (e["cityCode"] is not None) for e in errors), errors
    return [e["cityCode"] or e["code"] for e in errors]


@pytest.fixture
def city(yibao_client) -> City:
    return City(yibao_client, ex.CITY.code)


async def _employee(city: City, new_id, scheme: str = "EMPLOYEE") -> str:
    pid = new_id()
    await city.register(pid, scheme, on=ON)
    return pid


async def test_hook_yibao_city(yibao_client):
    cities = (await yibao_client("{ cities { code name divisionCode } }")).data["cities"]
    assert {"code": "exampleville", "name": "示例市", "divisionCode": "449900"} in cities


async def test_hook_yibao_reference_data(yibao_client):
    result = await yibao_client('{ institutions(city: "exampleville", first: 50) { edges { node { code town } } } }')
    nodes = [e["node"] for e in result.data["institutions"]["edges"]]
    assert [n["code"] for n in nodes] == sorted(i.code for i in ex.REFERENCE.institutions)
    assert {n["town"] for n in nodes} == {"甲镇", "乙镇"}


async def test_hook_yibao_rule_sets(yibao_client):
    plugins = (await yibao_client("{ plugins { city hooks ruleSets { id validFrom rules } } }")).data["plugins"]
    mine = next(p for p in plugins if p["city"] == "exampleville")
    assert mine["ruleSets"] == [{"id": "exampleville-2026", "validFrom": "2026-01-01", "rules": list(ex.RULES.rules)}]
    from yibao.core import hookspecs

    # the example city implements every hook there is
    assert set(mine["hooks"]) == {n for n in dir(hookspecs) if n.startswith("yibao_")}


async def test_hook_yibao_validate_person(city, yibao_client, new_id):
    payload = {"idNumber": new_id(), "name": "李四", "city": "exampleville", "scheme": "RESIDENT", "tier": 3}
    body = (await yibao_client(support.REGISTER, {"input": payload}, token=city.agency, today=ON)).data["registerPerson"]
    assert codes(body["errors"]) == ["TIER_NOT_OFFERED"]  # EX-8
    assert body["person"] is None


async def test_hook_yibao_selection_slots(city, new_id):
    # EX-2: a slot naming institutions by code (Slot.codes) takes the 中医院, which no level or
    # category of the slot names; the employee also fills the community slot (EX-1).
    pid = await _employee(city, new_id)
    hospital = await city.select(pid, ex.TCM_HOSPITAL, on=ON)
    assert hospital["errors"] == [] and hospital["selection"]["slot"] == "HOSPITAL"
    community = await city.select(pid, ex.JIA_CENTRE, on=ON)
    assert community["errors"] == [] and community["selection"]["slot"] == "COMMUNITY"
    # a resident has the community slot only: the listed hospital fits none of their slots
    resident = await _employee(city, new_id, "RESIDENT")
    refused = await city.select(resident, ex.TCM_HOSPITAL, on=ON)
    assert codes(refused["errors"]) == ["EX_NOT_LISTED"]


async def test_hook_yibao_validate_selection(city, new_id):
    pid = await _employee(city, new_id)
    first = await city.select(pid, ex.JIA_CENTRE, on=ON)
    late = await city.select(pid, ex.YI_CENTRE, on="2026-03-23", replaces=first["selection"]["id"])
    assert codes(late["errors"]) == ["CHANGE_CLOSED"]  # EX-3


async def test_hook_yibao_refusal_overrides(city, new_id, yibao_platform):
    # EX-4: the 妇幼保健院 fits no slot; the defaults' INSTITUTION_NOT_ELIGIBLE is replaced by the
    # city's own code and message, and nothing of the default remains.
    pid = await _employee(city, new_id)
    refused = await city.select(pid, ex.MATERNITY, on=ON)
    assert refused["selection"] is None
    (error,) = refused["errors"]
    assert codes([error]) == ["EX_NOT_LISTED"] and error["field"] == ["institutionCode"]
    assert "示例市人民医院" in error["message"] and ex.TCM_HOSPITAL in error["messageEn"]
    # refusals the city does not override stay as the defaults word them
    other_city = await city.select(pid, "H44200110001", on=ON)
    assert codes(other_city["errors"]) == ["INSTITUTION_OTHER_CITY"]


async def test_hook_yibao_first_choice_effective_date(city, new_id):
    pid = await _employee(city, new_id)
    body = await city.select(pid, ex.JIA_STATION, on=ON)
    assert body["selection"]["effectiveFrom"] == ON and body["selection"]["status"] == "EFFECTIVE"  # EX-5


async def test_hook_yibao_change_effective_date(city, new_id):
    pid = await _employee(city, new_id)
    first = await city.select(pid, ex.JIA_CENTRE, on=ON)
    change = await city.select(pid, ex.YI_CENTRE, on="2026-03-10", replaces=first["selection"]["id"])
    assert change["errors"] == []
    assert change["selection"]["effectiveFrom"] == "2026-04-01"  # EX-5: the 1st of next month
    history = await city.selections(pid, on="2026-03-10", history=True)
    old = next(s for s in history if s["id"] == first["selection"]["id"])
    assert old["effectiveTo"] == "2026-03-31"


async def test_hook_yibao_selection_needs_review(city, new_id):
    pid = await _employee(city, new_id)
    body = await city.select(pid, ex.JIA_CENTRE, on=ON, channel="PHONE")
    assert body["errors"] == [] and body["selection"] is None  # EX-6: waits for review
    assert await city.selections(pid, on=ON) == []


async def test_hook_yibao_validate_withdrawal(city, new_id):
    pid = await _employee(city, new_id)
    first = await city.select(pid, ex.JIA_CENTRE, on="2026-03-20")
    change = await city.select(pid, ex.YI_CENTRE, on="2026-03-20", replaces=first["selection"]["id"])
    change_id = change["selection"]["id"]
    token = city.agency
    too_late = await city.client(WITHDRAW, {"id": change_id}, token=token, today="2026-03-31")
    assert codes(too_late.data["withdrawSelection"]["errors"]) == ["WITHDRAWAL_TOO_LATE"]  # EX-7
    in_time = await city.client(WITHDRAW, {"id": change_id}, token=token, today="2026-03-25")
    assert in_time.data["withdrawSelection"]["errors"] == []
    assert in_time.data["withdrawSelection"]["selection"]["status"] == "WITHDRAWN"


async def test_hook_yibao_coverage(city, new_id):
    pid = await _employee(city, new_id)
    await city.select(pid, ex.JIA_STATION, on=ON)
    covered = {i["code"] for i in await city.coverage(pid, on=ON)}
    assert covered == {ex.JIA_STATION, ex.JIA_CENTRE}  # EX-1: every centre/station of 甲镇, not the hospital


async def test_hook_yibao_service_item(yibao_client):
    query = 'query($city: String) { serviceItem(code: "GD-22", city: $city) { notes } }'
    local = (await yibao_client(query, {"city": "exampleville"})).data["serviceItem"]["notes"]
    province = (await yibao_client(query, {"city": None})).data["serviceItem"]["notes"]
    assert local == [*province, "示例市：电话申请须经审核（EX-6）"]
