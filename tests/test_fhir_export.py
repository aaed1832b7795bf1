"""FHIR Bulk Data export (issue 12): kick-off → status → manifest → NDJSON files, every line
validated as an R4 resource; scope and masking per role (ID-2); `_type` and `_since`; the job is a
signed token, so any process sharing the secret and the database answers its URLs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from yibao.core.auth import Actor, Role
from yibao.core.call import Call
from yibao.core.fhir import export, service
from yibao.core.ids import mask
from yibao.core.platform import Platform, Settings
from yibao.core.storage.tables import InstitutionRow, PersonRow, SchemePeriodRow

from .fhir_support import fhir, get, outcome_code, validated
from .support import SHIQI_CENTRE, City

DAY = "2026-03-02"
ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


@pytest.fixture
async def people(yibao_client, new_id) -> dict:
    out = {}
    for key, code, region in (("zs", "zhongshan", "442000"), ("kp", "jiangmen_kaiping", "440783"),
                              ("sz", "shenzhen", "440303")):
        city = City(yibao_client, code)
        out[key] = [new_id(region) for _ in range(3)]
        for pid in out[key]:
            await city.register(pid, "EMPLOYEE", on=DAY, tier=2 if key == "sz" else None)
    zs = City(yibao_client, "zhongshan")
    assert (await zs.select(out["zs"][0], SHIQI_CENTRE, on=DAY))["errors"] == []
    return out


async def kick_off(client, path: str, token: str | None, headers: dict | None = None) -> str:
    response = await get(client, path, token=token, headers=headers if headers is not None else ASYNC, today=DAY)
    assert response.status_code == 202, response.text
    return response.headers["content-location"]


async def manifest(client, status_url: str, token: str) -> dict:
    response = await get(client, status_url, token=token, today=DAY)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["requiresAccessToken"] is True and body["error"] == []
    datetime.fromisoformat(body["transactionTime"].replace("Z", "+00:00"))
    return body


async def lines(client, url: str, token: str) -> list[dict]:
    response = await get(client, url, token=token, today=DAY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+ndjson")
    return [validated(orjson.loads(line)) for line in response.content.splitlines() if line.strip()]


async def files(client, status_url: str, token: str) -> dict[str, list[dict]]:
    body = await manifest(client, status_url, token)
    out = {}
    for item in body["output"]:
        out[item["type"]] = found = await lines(client, item["url"], token)
        assert all(r["resourceType"] == item["type"] for r in found)
    return out


async def table_count(platform, table, *where) -> int:
    async with platform.db.read() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where))


async def test_integrator_round_trip_exports_every_city_masked(yibao_client, yibao_platform, people):
    token = yibao_client.token("integrator")
    exported = await files(yibao_client, await kick_off(yibao_client, "/fhir/$export", token), token)
    assert set(exported) == {"Organization", "Patient", "Coverage"}
    assert len(exported["Organization"]) == await table_count(yibao_platform, InstitutionRow)
    assert len(exported["Patient"]) == await table_count(yibao_platform, PersonRow) == 9
    assert len(exported["Coverage"]) == await table_count(yibao_platform, SchemePeriodRow)
    everyone = {pid for group in people.values() for pid in group}
    assert {p["identifier"][0]["value"] for p in exported["Patient"]} == {mask(pid) for pid in everyone}  # ID-2
    assert all(p["meta"]["security"][0]["code"] == "MASKED" for p in exported["Patient"])
    first = next(p for p in exported["Patient"] if p["identifier"][0]["value"] == mask(people["zs"][0]))
    assert first["generalPractitioner"][0]["reference"] == f"Organization/{SHIQI_CENTRE}"


async def test_agency_exports_its_own_city_unmasked(yibao_client, yibao_platform, people):
    token = yibao_client.token("agency", city="jiangmen_kaiping")
    exported = await files(yibao_client, await kick_off(yibao_client, "/fhir/$export", token), token)
    assert sorted(p["identifier"][0]["value"] for p in exported["Patient"]) == sorted(people["kp"])
    assert {p["extension"][0]["valueCoding"]["code"] for p in exported["Patient"]} == {"440783"}
    assert len(exported["Organization"]) == await table_count(yibao_platform, InstitutionRow,
                                                              InstitutionRow.city == "jiangmen_kaiping")
    assert {c["beneficiary"]["reference"] for c in exported["Coverage"]} == {
        f"Patient/{p['id']}" for p in exported["Patient"]}


async def test_patient_level_type_and_since(yibao_client, people):
    token = yibao_client.token("admin")
    status = await kick_off(yibao_client, "/fhir/Patient/$export?_type=Patient", token)
    body = await manifest(yibao_client, status, token)
    assert [o["type"] for o in body["output"]] == ["Patient"]
    assert len(await lines(yibao_client, body["output"][0]["url"], token)) == 9
    level = await manifest(yibao_client, await kick_off(yibao_client, "/fhir/Patient/$export", token), token)
    assert [o["type"] for o in level["output"]] == ["Patient", "Coverage"]  # the Patient compartment

    mark = datetime.now(UTC)
    await asyncio.sleep(0.01)
    kp = City(yibao_client, "jiangmen_kaiping")
    assert (await kp.change_scheme(people["kp"][1], "RESIDENT", on=DAY, effective_on="2026-04-01"))["errors"] == []
    since = quote(mark.isoformat().replace("+00:00", "Z"))
    changed = await files(yibao_client, await kick_off(yibao_client, f"/fhir/$export?_since={since}", token), token)
    assert [p["identifier"][0]["value"] for p in changed["Patient"]] == [mask(people["kp"][1])]
    assert len(changed["Coverage"]) == 2  # both periods of the changed person (ID-3)
    assert all(datetime.fromisoformat(p["meta"]["lastUpdated"].replace("Z", "+00:00")) > mark for p in changed["Patient"])
    # No change time is kept for institutions: `_since` does not narrow Organization (docs/fhir.md).
    assert len(changed["Organization"]) > 0
    later = quote((datetime.now(UTC) + timedelta(days=1)).isoformat())
    none = await files(yibao_client, await kick_off(yibao_client, f"/fhir/$export?_type=Patient&_since={later}", token),
                       token)
    assert none == {"Patient": []}


REFUSALS = [
    ("/fhir/$export", "integrator", {}, 400, "invalid"),  # no Prefer: respond-async
    ("/fhir/$export", None, ASYNC, 401, "login"),
    ("/fhir/$export", "person", ASYNC, 403, "forbidden"),
    ("/fhir/$export", "institution", ASYNC, 403, "forbidden"),
    ("/fhir/$export?_type=Encounter", "integrator", ASYNC, 400, "invalid"),
    ("/fhir/Patient/$export?_type=Organization", "integrator", ASYNC, 400, "invalid"),
    ("/fhir/$export?_since=yesterday", "integrator", ASYNC, 400, "invalid"),
    ("/fhir/$export?_since=2026-01-01T00:00:00", "integrator", ASYNC, 400, "invalid"),  # no time zone
    ("/fhir/$export?_outputFormat=text/csv", "integrator", ASYNC, 400, "invalid"),
]


async def test_kick_off_refusals(yibao_client, new_id):
    for path, role, headers, status, issue in REFUSALS:
        token = None
        if role is not None:
            token = yibao_client.token(role, person=new_id() if role == "person" else None,
                                       city="zhongshan" if role == "institution" else None)
        body = await fhir(yibao_client, path, status, token=token, headers=headers, today=DAY)
        assert outcome_code(body)[0] == issue, (path, role)


async def test_job_urls_belong_to_who_started_them(yibao_client, yibao_platform):
    integrator = yibao_client.token("integrator")
    status = await kick_off(yibao_client, "/fhir/$export?_type=Organization", integrator)
    file_url = (await manifest(yibao_client, status, integrator))["output"][0]["url"]
    job = status.rsplit("/", 1)[1]
    for url in (status, file_url):
        assert outcome_code(await fhir(yibao_client, url, 401)) == ("login", "UNAUTHENTICATED")
        assert outcome_code(await fhir(yibao_client, url, 403, token=yibao_client.token("admin")))[0] == "forbidden"
    agency = yibao_client.token("agency", city="zhongshan")
    own = await kick_off(yibao_client, "/fhir/$export", agency)
    other = yibao_client.token("agency", city="shenzhen")
    assert outcome_code(await fhir(yibao_client, own, 403, token=other))[0] == "forbidden"
    tampered = status[:-3] + ("aaa" if not status.endswith("aaa") else "bbb")
    assert outcome_code(await fhir(yibao_client, tampered, 404, token=integrator)) == ("not-found", "NOT_FOUND")
    as_job = status.replace(job, integrator)  # a bearer token is not a job
    assert outcome_code(await fhir(yibao_client, as_job, 404, token=integrator)) == ("not-found", "NOT_FOUND")
    response = await get(yibao_client, "/fhir/Organization/" + SHIQI_CENTRE, headers={"Authorization": f"Bearer {job}"})
    assert response.status_code == 401  # and a job is not a bearer token
    missing = file_url.rsplit("/", 1)[0] + "/Patient"  # not among the job's types
    assert outcome_code(await fhir(yibao_client, missing, 404, token=integrator))[0] == "not-found"
    expired = export.sign(export.verify(job, yibao_platform.secret), yibao_platform.secret, now=0)
    assert outcome_code(await fhir(yibao_client, status.replace(job, expired), 404, token=integrator))[0] == "not-found"
    deleted = await get(yibao_client, status, token=integrator, method="DELETE")
    assert deleted.status_code == 202


async def test_another_process_answers_the_job(yibao_client, yibao_platform, people):
    """No per-process state: a second platform and app on the same database and secret serve the
    status and the files of a job the first one started."""
    from yibao.schema.app import create_app

    token = yibao_client.token("integrator")
    status = await kick_off(yibao_client, "/fhir/$export?_type=Patient,Coverage", token)
    here = await files(yibao_client, status, token)
    second = Platform(Settings(database_url=yibao_platform.settings.database_url, secret=yibao_platform.secret,
                               training=True))
    await second.start(migrate=False, load_reference=False)
    try:
        app = create_app(platform=second)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://yibao.test") as http:
            other = type(yibao_client)(http, second)
            there = await files(other, status, token)
    finally:
        await second.stop()
    assert there == here and len(there["Patient"]) == 9


async def test_files_are_generated_chunk_by_chunk(yibao_platform, people, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    call = Call(actor=Actor(role=Role.INTEGRATOR, subject="t"), today=datetime(2026, 3, 2).date())
    job = export.ExportJob(level="system", types=("Patient",), since=None, role="integrator", city=None,
                           subject="t", transaction_time=datetime.now(UTC), request="/fhir/$export")
    chunks = [chunk async for chunk in yibao_platform.fhir.export_lines(call, job, "Patient", None)]
    assert len(chunks) == 5  # 9 persons, 2 per statement
    assert sum(chunk.count(b"\n") for chunk in chunks) == 9
    for chunk in chunks:
        for line in chunk.splitlines():
            assert validated(orjson.loads(line))["resourceType"] == "Patient"


def test_job_tokens_round_trip():
    job = export.ExportJob(level="patient", types=("Patient",), since=datetime(2026, 1, 1, tzinfo=UTC),
                           role="agency", city="c", subject="s", transaction_time=datetime(2026, 3, 2, tzinfo=UTC),
                           request="http://x/fhir/Patient/$export")
    assert export.verify(export.sign(job, "k" * 32), "k" * 32) == job
    with pytest.raises(export.JobNotFound):
        export.verify(export.sign(job, "k" * 32), "other-secret" * 3)
