"""Issue 12: bulk export of a city's institutions, persons, selections, filings and applications,
streamed as NDJSON or CSV over HTTP (GET /export/{kind}) and the CLI, ID numbers shown exactly as
the GraphQL API shows them to the same caller (ID-2), and who may export what (access.check_export)."""

from __future__ import annotations

import csv
import io
import json

from datetime import timedelta

import orjson
import pytest

from yibao.core.auth import Actor, Role
from yibao.core.call import Call
from yibao.core.clock import shanghai_today
from yibao.core.errors import Forbidden, NotAuthenticated
from yibao.core.services import exports
from yibao.core.ids import mask

from .filing_support import BEIJING, LONG_TERM, file
from .support import PERSON, SHIQI_CENTRE

ON = "2026-03-02"


@pytest.fixture
async def records(zhongshan, kaiping, new_id):
    """Two Zhongshan persons with a selection each (and its application), one with a filing; one Kaiping person."""
    first, second, elsewhere = new_id(), new_id(), new_id("440783")
    await zhongshan.register(first, on=ON)
    await zhongshan.register(second, on="2026-03-05")
    await kaiping.register(elsewhere, on=ON)
    assert (await zhongshan.select(first, SHIQI_CENTRE, on=ON))["errors"] == []
    assert (await zhongshan.select(second, SHIQI_CENTRE, on="2026-03-05"))["errors"] == []
    assert (await file(zhongshan, first, "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on=ON))["errors"] == []
    return first, second, elsewhere


async def _get(client, kind: str, token: str | None = None, **params: str):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.http.get(f"/export/{kind}", params={"city": "zhongshan", **params}, headers=headers)


def _ndjson(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


async def test_each_kind_exports_the_citys_records_with_ids_as_the_api_shows_them(yibao_client, zhongshan, records):
    first, second, _ = records
    integrator = yibao_client.token("integrator")
    for token, shown in ((zhongshan.agency, lambda n: n), (integrator, mask), (yibao_client.token("admin"), mask)):
        persons = _ndjson(await _get(yibao_client, "persons", token))
        assert [p["id_number"] for p in persons] == [shown(first), shown(second)]
        # exactly what GraphQL answers the same token (core/access.py decides both)
        api = await yibao_client(PERSON, {"id": first}, token=token)
        assert api.data["person"]["idNumber"] == persons[0]["id_number"]
        selections = _ndjson(await _get(yibao_client, "selections", token))
        assert [(s["id_number"], s["institution_code"], s["kind"]) for s in selections] == [
            (shown(first), SHIQI_CENTRE, "GENERAL_OUTPATIENT"), (shown(second), SHIQI_CENTRE, "GENERAL_OUTPATIENT")]
        filings = _ndjson(await _get(yibao_client, "filings", token))
        assert [(f["id_number"], f["destination"], f["type"]) for f in filings] == [
            (shown(first), BEIJING, "LONG_TERM_RESIDENT")]
        applications = _ndjson(await _get(yibao_client, "applications", token))
        assert {a["id_number"] for a in applications} == {shown(first), shown(second)}
        assert all(set(a) == set(exports.COLUMNS["applications"]) for a in applications)
    assert mask(first) != first  # the masked form really hides the number


async def test_date_range_filters_by_the_records_date(yibao_client, zhongshan, records):
    first, second, _ = records
    later = _ndjson(await _get(yibao_client, "selections", zhongshan.agency, **{"from": "2026-03-03"}))
    assert [s["id_number"] for s in later] == [second]
    # persons by the day their record was made (created_at in Asia/Shanghai): the real day, not the training date
    today = shanghai_today()
    registered = _ndjson(await _get(yibao_client, "persons", zhongshan.agency, **{"from": today.isoformat()}))
    assert [p["id_number"] for p in registered] == [first, second]
    before = _ndjson(await _get(yibao_client, "persons", zhongshan.agency, to=(today - timedelta(days=1)).isoformat()))
    assert before == []
    apps = _ndjson(await _get(yibao_client, "applications", zhongshan.agency, **{"from": ON, "to": ON}))
    assert {a["id_number"] for a in apps} == {first} and all(a["submitted_on"] == ON for a in apps)
    bad = await _get(yibao_client, "filings", zhongshan.agency, **{"from": "2026-04-01", "to": "2026-03-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "BAD_ARGUMENT"
    bad = await _get(yibao_client, "filings", zhongshan.agency, **{"from": "yesterday"})
    assert bad.status_code == 400 and "from must be YYYY-MM-DD" in bad.json()["errors"][0]["messageEn"]


async def test_a_person_registered_after_shanghais_midnight_counts_for_the_shanghai_day(yibao_client, zhongshan, records,
                                                                                         yibao_platform):
    """created_at is stored in UTC: 17:00 UTC on 3 March is 01:00 on 4 March in Asia/Shanghai. The
    day's bounds must be compared as instants, not as wall times of two zones (on SQLite a stored
    timestamp is text: the export's filter found nobody between 16:00 and 24:00 UTC)."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from yibao.core.storage.tables import PersonRow

    first, second, _ = records
    async with yibao_platform.db.write(None) as session:
        await session.execute(update(PersonRow).where(PersonRow.id_number == first)
                              .values(created_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC)))
    on_4th = _ndjson(await _get(yibao_client, "persons", zhongshan.agency, **{"from": "2026-03-04", "to": "2026-03-04"}))
    assert [p["id_number"] for p in on_4th] == [first]
    on_3rd = _ndjson(await _get(yibao_client, "persons", zhongshan.agency, **{"from": "2026-03-03", "to": "2026-03-03"}))
    assert on_3rd == []


async def test_csv_has_a_header_row_and_an_optional_bom(yibao_client, zhongshan, records):
    plain = await _get(yibao_client, "persons", zhongshan.agency, format="csv")
    assert plain.headers["content-type"].startswith("text/csv") and not plain.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(plain.text)))
    assert rows[0] == list(exports.COLUMNS["persons"]) and [r[1] for r in rows[1:]] == list(records[:2])
    excel = await _get(yibao_client, "persons", zhongshan.agency, format="csv", bom="1")
    assert excel.content == b"\xef\xbb\xbf" + plain.content
    bad = await _get(yibao_client, "persons", zhongshan.agency, format="xml")
    assert bad.status_code == 400


async def test_institutions_are_public_and_their_csv_imports_again(yibao_client, yibao_platform):
    anonymous = await _get(yibao_client, "institutions", format="csv")
    assert anonymous.status_code == 200
    rows = list(csv.DictReader(io.StringIO(anonymous.text)))
    assert any(r["code"] == SHIQI_CENTRE and r["town"] == "石岐街道" for r in rows)
    from yibao.core import tabular
    from yibao.core.services import bulk_import

    table = tabular.read_csv(anonymous.content, bulk_import.INSTITUTION_COLUMNS, "code")
    admin = Call(Actor(role=Role.ADMIN, subject="t"), yibao_platform.clock.today())
    again = await bulk_import.import_institutions(yibao_platform.db, yibao_platform.plugins, admin, "zhongshan", table,
                                                  source="import:export.csv")
    assert len(again.unchanged) == len(rows) and again.updated == again.created == []  # the round trip changes nothing
    dated = await _get(yibao_client, "institutions", **{"from": "2026-01-01"})
    assert dated.status_code == 400


@pytest.mark.parametrize("kind", ["persons", "selections", "filings", "applications"])
async def test_who_may_export_personal_records(yibao_client, kind):
    assert (await _get(yibao_client, kind)).status_code == 401
    for token in (yibao_client.token("agency", city="jiangmen_kaiping"), yibao_client.token("institution", city="zhongshan"),
                  yibao_client.token("person", person="442000199001011233")):
        refused = await _get(yibao_client, kind, token)
        assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN"
    for token in (yibao_client.token("agency", city="zhongshan"), yibao_client.token("integrator"),
                  yibao_client.token("admin")):
        assert (await _get(yibao_client, kind, token)).status_code == 200
    unknown = await _get(yibao_client, kind, yibao_client.token("admin"), city="atlantis")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == "UNKNOWN_CITY"
    nothing = await yibao_client.http.get("/export/secrets?city=zhongshan",
                                          headers={"Authorization": f"Bearer {yibao_client.token('admin')}"})
    assert nothing.status_code == 400


def test_the_export_rule_lives_in_core_access():
    from yibao.core import access

    access.check_export(Actor(role=None), "institutions", "zhongshan")
    with pytest.raises(NotAuthenticated):
        access.check_export(Actor(role=None), "persons", "zhongshan")
    with pytest.raises(Forbidden):
        access.check_export(Actor(role=Role.AGENCY, city="shenzhen"), "persons", "zhongshan")
    access.check_export(Actor(role=Role.AGENCY, city="zhongshan"), "persons", "zhongshan")
    access.check_export(Actor(role=Role.INTEGRATOR), "filings", "shenzhen")


async def test_ndjson_lines_are_whole_records_whatever_the_chunking():
    async def rows():
        for n in range(7):
            yield {"n": n, "name": "测试"}

    chunks = [c async for c in exports.ndjson(rows(), flush=3)]
    assert len(chunks) == 3 and all(c.endswith(b"\n") for c in chunks)
    assert [orjson.loads(line)["n"] for line in b"".join(chunks).splitlines()] == list(range(7))
