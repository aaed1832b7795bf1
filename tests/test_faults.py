"""Unexpected exceptions: logged once with a correlation id that the response carries
(`X-Request-Id`, `extensions.correlationId`); outages classified as SERVICE_UNAVAILABLE (issue 10)."""

from __future__ import annotations

import logging
import types

import pytest
from sqlalchemy import exc as sa_exc

from yibao.core.domain import CityInfo
from yibao.core.hookspecs import hookimpl
from yibao.schema.faults import classify, is_outage


def faulty_city() -> types.ModuleType:
    """A city written in the test whose catalogue hook has a bug."""
    city = types.ModuleType("faulty_city")

    @hookimpl
    def yibao_city():
        return CityInfo(code="faulty", name="故障市", division_code="449902")

    @hookimpl
    def yibao_validate_person(person):
        raise ZeroDivisionError("a bug in a plugin")

    city.yibao_city, city.yibao_validate_person = yibao_city, yibao_validate_person
    return city


@pytest.fixture
def yibao_extra_plugins():
    return [faulty_city()]


async def test_a_bug_is_logged_once_with_the_id_the_response_carries(yibao_client, caplog, new_id):
    caplog.set_level(logging.ERROR, logger="yibao.graphql")
    register = ('mutation($id: String!) { registerPerson(input: { idNumber: $id, name: "张三", city: "faulty", '
                'scheme: EMPLOYEE }) { errors { code } } }')
    response = await yibao_client.http.post("/graphql", json={"query": register, "variables": {"id": new_id()}},
                                            headers={"Accept": "application/graphql-response+json",
                                                     "Authorization": f"Bearer {yibao_client.token('admin')}"})
    body = response.json()
    assert response.status_code == 200  # data is present (null): a field error, not a request error
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    rid = response.headers["x-request-id"]
    assert error["extensions"]["correlationId"] == rid
    assert "ZeroDivisionError" not in response.text  # no internals leak
    logged = [r for r in caplog.records if rid in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info and logged[0].exc_info[0] is ZeroDivisionError


async def test_coded_errors_are_not_logged_as_bugs(yibao_client, caplog):
    caplog.set_level(logging.ERROR, logger="yibao.graphql")
    result = await yibao_client('{ institutions(city: "zhongshan", first: 1000) { totalCount } }')
    assert result.error_codes() == ["PAGE_SIZE_OUT_OF_RANGE"]
    assert not [r for r in caplog.records if r.name == "yibao.graphql"]


def test_outages_are_told_from_bugs():
    refused = ConnectionRefusedError(111, "Connection refused")
    assert is_outage(refused) and classify(refused).code == "SERVICE_UNAVAILABLE"
    pool = sa_exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")
    assert classify(pool).code == "SERVICE_UNAVAILABLE" and classify(pool).status == 503
    wrapped = sa_exc.DBAPIError("SELECT 1", {}, OSError("gone"), connection_invalidated=True)
    assert is_outage(wrapped)
    assert classify(ZeroDivisionError()) is None and classify(KeyError("x")) is None
