"""Bad input gets a clear, coded error and writes nothing (SE-4), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from yibao.core.testkit.ids import with_wrong_check

from .support import REGISTER, SELECT, SHIQI_CENTRE, counts, snapshot

KAIPING_CENTRAL_HOSPITAL = "H44078300101"  # 开平市中心医院 (another city)
INSTITUTIONS = "query($first: Int, $after: String) { institutions(city: \"zhongshan\", first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }"


@pytest.fixture
async def person(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-04-01")
    await zhongshan.select(pid, SHIQI_CENTRE, on="2026-04-01")
    return pid


async def refused(zhongshan, platform, request) -> list[dict]:
    """Run a selectInstitution request that must be refused; prove nothing changed."""
    rows, state = await counts(platform), await snapshot(platform)
    body = await request
    assert body["selection"] is None
    assert await counts(platform) == rows
    assert await snapshot(platform) == state
    for error in body["errors"]:
        assert error["message"] and error["messageEn"]  # SE-4: Chinese and English
    return body["errors"]


async def test_invalid_id_check_digit_is_refused(zhongshan, yibao_client, yibao_platform, new_id):
    bad = with_wrong_check(new_id())
    rows = await counts(yibao_platform)
    result = await yibao_client(REGISTER, {"input": {"idNumber": bad, "name": "张三", "city": "zhongshan",
                                                     "scheme": "EMPLOYEE"}}, token=zhongshan.agency, today="2026-04-01")
    body = result.data["registerPerson"]
    assert body["person"] is None
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("INVALID_ID_NUMBER", ["idNumber"])]
    assert await counts(yibao_platform) == rows

    errors = await refused(zhongshan, yibao_platform, zhongshan.select(
        bad, SHIQI_CENTRE, on="2026-04-01", token=zhongshan.agency))
    assert [e["code"] for e in errors] == ["INVALID_ID_NUMBER"]


async def test_every_reason_is_returned_at_once(zhongshan, yibao_client, yibao_platform, new_id):
    rows = await counts(yibao_platform)
    result = await yibao_client(REGISTER, {"input": {"idNumber": with_wrong_check(new_id()), "name": " ",
                                                     "city": "zhongshan", "scheme": "RESIDENT", "tier": 7,
                                                     "insuredSince": "2030-01-01"}},
                                token=zhongshan.agency, today="2026-04-01")
    codes = sorted(e["code"] for e in result.data["registerPerson"]["errors"])
    assert codes == ["INVALID_DATE", "INVALID_ID_NUMBER", "INVALID_TIER", "NAME_REQUIRED"]
    assert await counts(yibao_platform) == rows


async def test_unknown_institution(zhongshan, yibao_platform, person):
    errors = await refused(zhongshan, yibao_platform, zhongshan.select(person, "H44200199999", on="2026-04-02"))
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["institutionCode"])]


async def test_unknown_person_and_institution_together(zhongshan, yibao_platform, new_id):
    errors = await refused(zhongshan, yibao_platform, zhongshan.select(
        new_id(), "H44200199999", on="2026-04-02", token=zhongshan.agency))
    assert sorted((e["code"], e["field"][0]) for e in errors) == [
        ("NOT_FOUND", "idNumber"), ("NOT_FOUND", "institutionCode")]


async def test_another_citys_institution(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-04-01")
    errors = await refused(zhongshan, yibao_platform, zhongshan.select(pid, KAIPING_CENTRAL_HOSPITAL, on="2026-04-02"))
    assert [e["code"] for e in errors] == ["INSTITUTION_OTHER_CITY"]


@pytest.mark.parametrize("role,city", [("integrator", None), ("institution", "jiangmen_kaiping"), ("agency", "shenzhen")])
async def test_a_role_without_the_right(zhongshan, yibao_client, yibao_platform, person, role, city, new_id):
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    token = yibao_client.token(role, city=city)
    result = await yibao_client(SELECT, {"input": {"idNumber": person, "kind": "GENERAL_OUTPATIENT",
                                                   "institutionCode": SHIQI_CENTRE, "channel": "WINDOW"}},
                                token=token, today="2026-04-02")
    if role == "integrator":  # a role that may not select at all: FORBIDDEN whatever the person
        assert result.error_codes() == ["FORBIDDEN"]
    else:  # staff of another city: the person reads as unregistered (no existence oracle, core/policy.py)
        unknown = await yibao_client(SELECT, {"input": {"idNumber": new_id(), "kind": "GENERAL_OUTPATIENT",
                                                        "institutionCode": SHIQI_CENTRE, "channel": "WINDOW"}},
                                     token=token, today="2026-04-02")
        assert result.errors is None and result.data == unknown.data
        assert ("NOT_FOUND", ["idNumber"]) in [(e["code"], e["field"]) for e in result.data["selectInstitution"]["errors"]]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state

    reg = await yibao_client(REGISTER, {"input": {"idNumber": person[:-4] + "0000", "name": "李四", "city": "zhongshan",
                                                  "scheme": "EMPLOYEE"}}, token=token, today="2026-04-02")
    assert reg.error_codes() == ["FORBIDDEN"]
    assert await counts(yibao_platform) == rows


async def test_anonymous_caller_cannot_write(zhongshan, yibao_client, yibao_platform, person):
    rows = await counts(yibao_platform)
    result = await yibao_client(SELECT, {"input": {"idNumber": person, "kind": "GENERAL_OUTPATIENT",
                                                   "institutionCode": SHIQI_CENTRE, "channel": "YUEYIBAO"}})
    assert result.error_codes() == ["UNAUTHENTICATED"]
    assert await counts(yibao_platform) == rows


async def test_a_token_for_another_person(zhongshan, yibao_client, yibao_platform, person, new_id):
    other = new_id()
    await zhongshan.register(other, on="2026-04-01")
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    result = await yibao_client(SELECT, {"input": {"idNumber": person, "kind": "GENERAL_OUTPATIENT",
                                                   "institutionCode": "H44200110002", "channel": "YUEYIBAO"}},
                                token=zhongshan.person_token(other), today="2026-04-02")
    assert result.error_codes() == ["FORBIDDEN"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state


async def test_first_1000_is_a_clear_error(yibao_client):
    result = await yibao_client(INSTITUTIONS, {"first": 1000})
    assert result.status == 200 and result.data is None
    assert result.error_codes() == ["PAGE_SIZE_OUT_OF_RANGE"]
    assert "100" in result.errors[0]["message"]
    assert (await yibao_client(INSTITUTIONS, {"first": 0})).error_codes() == ["PAGE_SIZE_OUT_OF_RANGE"]
    assert (await yibao_client(INSTITUTIONS, {"first": 100})).errors is None


@pytest.mark.parametrize("cursor", ["garbage", "", "!!!", "cGVyc29uOjE"])  # the last is a person cursor
async def test_a_garbage_cursor_is_a_clear_error(yibao_client, cursor):
    result = await yibao_client(INSTITUTIONS, {"after": cursor})
    assert result.status == 200
    assert result.error_codes() == ["INVALID_CURSOR"]


async def test_malformed_token_and_business_date(yibao_client):
    bad = await yibao_client("{ cities { code } }", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.error_codes() == ["INVALID_TOKEN"]
    expired = await yibao_client("{ me { name } }", token=yibao_client.token("admin", ttl=-10))
    assert expired.error_codes() == ["TOKEN_EXPIRED"]
    wrong_date = await yibao_client("{ cities { code } }", today="2026-13-45")
    assert wrong_date.error_codes() == ["BAD_BUSINESS_DATE"]


async def test_a_bad_global_id_is_a_clear_error(zhongshan, yibao_client, person):
    from .support import WITHDRAW

    result = await yibao_client(WITHDRAW, {"id": "nonsense"}, token=zhongshan.person_token(person), today="2026-04-03")
    assert result.error_codes() == ["INVALID_ID"]


@pytest.mark.parametrize("details", [5, "text", [1, 2], True])
async def test_details_that_is_not_an_object_is_refused(zhongshan, yibao_client, yibao_platform, new_id, details):
    """Issue 10: `details` that is not an object crashed submitApplication; the input layer now
    refuses it before any service runs, with a coded top-level error naming the field."""
    from .support import SUBMIT

    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    rows = await counts(yibao_platform)
    result = await yibao_client(SUBMIT, {"input": {
        "idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO", "details": details,
        "materials": ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"]}},
        token=zhongshan.person_token(pid), today="2026-03-02")
    assert result.error_codes() == ["INPUT_JSON_INVALID"]
    assert result.errors[0]["extensions"]["field"] == ["input", "details"]
    assert await counts(yibao_platform) == rows
