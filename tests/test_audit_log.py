"""The audit log (issue 10): every committed write leaves one append-only row — who (subject, role,
city), acting for whom (proxy, SE-3), channel, operation, each changed row before and after, the
request's correlation id and the time — written in the write's own transaction; a refused or
failed write leaves none. Admin reads it through `auditLog`; ID numbers stay masked (ID-2)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from yibao.core.auth import Actor, Role
from yibao.core.call import Call
from yibao.core.storage.tables import AuditLogRow, PersonRow
from yibao.schema.build import schema

from .support import REGISTER, SHIQI_CENTRE
from .test_proxies import window

ROOT = Path(__file__).resolve().parents[1]
AUDIT = """query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { sequence occurredAt correlationId operation subject role actorCity actingFor channel records
      changes { table recordId action before after } } } } }"""


async def audit_rows(platform) -> int:
    async with platform.db.read() as session:
        return await session.scalar(select(func.count()).select_from(AuditLogRow))


async def entries(zhongshan, filter: dict | None = None, **kw) -> dict:
    result = await zhongshan.client(AUDIT, {"filter": filter, **kw}, token=zhongshan.client.token("admin"))
    assert result.errors is None, result.errors
    return result.data["auditLog"]


def nodes(page: dict) -> list[dict]:
    return [e["node"] for e in page["edges"]]


async def test_a_registration_is_recorded_with_who_what_and_the_request_id(zhongshan, new_id):
    pid = new_id()
    agency = zhongshan.agency
    result = await zhongshan.client(REGISTER, {"input": {"idNumber": pid, "name": "审计甲", "city": "zhongshan",
                                                         "scheme": "EMPLOYEE"}},
                                    token=agency, today="2026-03-02", headers={"X-Request-Id": "req-audit-0001"})
    assert result.data["registerPerson"]["errors"] == []
    [entry] = nodes(await entries(zhongshan, {"operation": "registerPerson"}))
    assert entry["correlationId"] == "req-audit-0001"
    assert entry["role"] == "agency" and entry["actorCity"] == "zhongshan" and entry["actingFor"] is None
    assert entry["subject"].startswith("agency-")  # the token's sub
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*\+08:00$", entry["occurredAt"])
    by_table = {c["table"]: c for c in entry["changes"]}
    assert set(by_table) == {"persons", "scheme_periods"}
    person = by_table["persons"]
    assert person["action"] == "INSERT" and person["before"] is None
    assert person["after"]["name"] == "审计甲" and person["after"]["city"] == "zhongshan"
    assert person["after"]["id_number"] == pid[:4] + "*" * 10 + pid[-4:]  # ID-2: masked for the admin too
    assert f"persons:{person['recordId']}" in entry["records"]
    assert by_table["scheme_periods"]["after"]["valid_to"] == "2099-12-31"


async def test_an_update_carries_before_and_after_and_the_record_filter_finds_the_persons_history(zhongshan, new_id):
    pid = new_id()
    person = await zhongshan.register(pid, on="2026-03-02")
    changed = await zhongshan.change_scheme(pid, "RESIDENT", on="2026-03-02", effective_on="2026-04-01")
    assert changed["errors"] == []
    history = nodes(await entries(zhongshan, {"record": person["id"]}))
    assert [e["operation"] for e in history] == ["registerPerson", "changeScheme"]
    updates = [c for c in history[1]["changes"] if c["action"] == "UPDATE"]
    assert len(updates) == 1 and updates[0]["table"] == "scheme_periods"
    assert updates[0]["before"]["valid_to"] == "2099-12-31" and updates[0]["after"]["valid_to"] == "2026-03-31"
    inserted = [c for c in history[1]["changes"] if c["action"] == "INSERT"]
    assert [c["after"]["scheme"] for c in inserted] == ["RESIDENT"]


async def test_a_proxy_is_recorded_with_the_person_it_acts_for_and_the_channel(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    done = await window(zhongshan, pid, proxy={"idNumber": new_id(), "authorizationLetter": True},
                        token=zhongshan.client.token("proxy", person=pid))
    assert done["errors"] == []
    [entry] = nodes(await entries(zhongshan, {"operation": "selectInstitution"}))
    assert entry["role"] == "proxy" and entry["channel"] == "WINDOW"
    assert entry["actingFor"] == pid[:4] + "*" * 10 + pid[-4:]
    tables = {c["table"] for c in entry["changes"]}
    assert {"selections", "applications", "application_events", "selection_events"} <= tables
    proxied = next(c for c in entry["changes"] if c["table"] == "applications")
    assert "*" in proxied["after"]["proxy_id_number"]  # the proxy's own ID number, masked


async def test_a_refused_mutation_and_a_dry_run_write_no_audit_row(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    before = await audit_rows(yibao_platform)
    again = await zhongshan.client(REGISTER, {"input": {"idNumber": pid, "name": "重复", "city": "zhongshan",
                                                        "scheme": "EMPLOYEE"}}, token=zhongshan.agency, today="2026-03-02")
    assert [e["code"] for e in again.data["registerPerson"]["errors"]] == ["PERSON_EXISTS"]
    dry = await zhongshan.client("""mutation($input: SelectInstitutionInput!) { selectInstitution(input: $input) {
        preview { slot } errors { code } } }""", {"input": {"idNumber": pid, "kind": "GENERAL_OUTPATIENT",
        "institutionCode": SHIQI_CENTRE, "channel": "YUEYIBAO", "dryRun": True}},
        token=zhongshan.person_token(pid), today="2026-03-02")
    assert dry.data["selectInstitution"]["errors"] == [] and dry.data["selectInstitution"]["preview"]
    assert await audit_rows(yibao_platform) == before


async def test_a_write_that_fails_midway_leaves_neither_its_change_nor_an_audit_row(yibao_platform):
    call = Call(Actor(Role.ADMIN, subject="test"), date(2026, 3, 2))
    before = await audit_rows(yibao_platform)
    with pytest.raises(RuntimeError):
        async with yibao_platform.db.write(call.audit("test")) as session:
            session.add(PersonRow(id_number="X1", name="n", city="zhongshan", insured_since=date(2026, 1, 1),
                                  created_at=datetime.now(UTC), created_by="t"))
            await session.flush()
            raise RuntimeError("boom")
    assert await audit_rows(yibao_platform) == before


async def test_an_idempotent_repeat_changes_nothing_and_adds_no_row(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    first = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02", key="audit-key-1")
    rows = await audit_rows(yibao_platform)
    repeat = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02", key="audit-key-1")
    assert repeat["selection"]["id"] == first["selection"]["id"]
    assert await audit_rows(yibao_platform) == rows


async def test_without_a_sane_request_id_one_is_generated(zhongshan, new_id):
    for header in ({}, {"X-Request-Id": "not a sane id; <script>"}):
        await zhongshan.client(REGISTER, {"input": {"idNumber": new_id(), "name": "甲", "city": "zhongshan",
                                                    "scheme": "EMPLOYEE"}}, token=zhongshan.agency, today="2026-03-02",
                               headers=header)
    ids = [e["correlationId"] for e in nodes(await entries(zhongshan, {"operation": "registerPerson"}))]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids), ids


async def test_filters_paging_and_dates(zhongshan, new_id):
    made = [await zhongshan.register(new_id(), on="2026-03-02") for _ in range(3)]
    page = await entries(zhongshan, {"operation": "registerPerson"}, first=2)
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True and len(page["edges"]) == 2
    rest = await entries(zhongshan, {"operation": "registerPerson"}, first=2, after=page["pageInfo"]["endCursor"])
    assert len(rest["edges"]) == 1 and rest["pageInfo"]["hasNextPage"] is False
    sequences = [n["sequence"] for n in nodes(page) + nodes(rest)]
    assert sequences == sorted(sequences)
    subject = nodes(page)[0]["subject"]
    assert nodes(await entries(zhongshan, {"subject": subject}))[0]["subject"] == subject
    assert (await entries(zhongshan, {"subject": "nobody"}))["totalCount"] == 0
    assert (await entries(zhongshan, {"since": "2000-01-01T00:00:00+08:00"}))["totalCount"] == 3
    assert (await entries(zhongshan, {"since": "2999-01-01T00:00:00+08:00"}))["totalCount"] == 0
    assert (await entries(zhongshan, {"until": "2000-01-01T00:00:00Z"}))["totalCount"] == 0
    assert (await entries(zhongshan, {"until": "2999-01-01T00:00:00Z", "record": made[1]["id"]}))["totalCount"] == 1


@pytest.mark.parametrize("role", [None, "agency", "integrator", "person", "proxy", "institution"])
async def test_only_admin_reads_the_audit_log(zhongshan, new_id, role):
    token = None if role is None else zhongshan.client.token(role, city="zhongshan", person=new_id())
    result = await zhongshan.client(AUDIT, {}, token=token)
    assert result.data is None
    assert result.error_codes() == ["UNAUTHENTICATED" if role is None else "FORBIDDEN"]


async def test_the_database_refuses_to_change_or_delete_an_audit_row(zhongshan, yibao_platform, new_id):
    await zhongshan.register(new_id(), on="2026-03-02")
    for sql in ("UPDATE audit_log SET operation = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            async with yibao_platform.db.engine.begin() as conn:
                await conn.execute(text(sql))
    assert await audit_rows(yibao_platform) == 1
    if not yibao_platform.db.sqlite:
        with pytest.raises(Exception, match="append-only"):
            async with yibao_platform.db.engine.begin() as conn:
                await conn.execute(text("TRUNCATE audit_log"))


def test_no_code_updates_or_deletes_the_audit_log():
    """Append-only in the code too: the row class is written in one place, by an INSERT only."""
    users = {}
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "schema").rglob("*.py")]:
        source = path.read_text("utf-8")
        assert not re.search(r"(?i)\b(UPDATE|DELETE\s+FROM|TRUNCATE)\s+audit_log\b", source), path
        if "AuditLogRow" in source:
            users[str(path.relative_to(ROOT))] = source
    for name, source in users.items():
        assert not re.search(r"\b(update|delete)\(AuditLogRow", source), name
        assert ("insert(AuditLogRow)" in source) == (name == "core/storage/audit.py"), name
        assert not re.search(r"(?<!class )AuditLogRow\(", source), name  # never an ORM object (no session.add)
    assert "insert(AuditLogRow)" in users["core/storage/audit.py"]


def test_every_mutation_names_its_audit_operation_in_a_core_service():
    """Each Mutation field's service opens its write with `call.audit("<field>")` (one place records it)."""
    services = "".join(p.read_text("utf-8") for p in (ROOT / "core" / "services").glob("*.py"))
    audited = set(re.findall(r'call\.audit\("(\w+)"', services))
    mutations = set(schema._schema.mutation_type.fields)
    assert mutations <= audited, sorted(mutations - audited)
