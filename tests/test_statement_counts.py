"""How many SQL statements the main reads and writes send (issue 13; Saleor counts queries the
same way). The counts are asserted exactly, so a new N+1 or a stray re-read fails here; the
reads are also measured with more rows to show the count does not grow with them."""

from __future__ import annotations

import pytest

from yibao.core.testkit.statements import count_statements

from .support import DONGQU_CENTRE, IDENTITY, SELECT, SHIQI_CENTRE, SUBMIT

PERSONS = """query { persons(city: "zhongshan", first: 50) { totalCount edges { node {
  id idNumber scheme selections(includeHistory: true) { id status institution { code } application { id status events { status } } }
} } } }"""
PERSON = """query($id: String!) { person(idNumber: $id) { id scheme
  selections(includeHistory: true) { id status institution { code } application { id status events { status } } } } }"""
INSTITUTIONS = """query { institutions(city: "zhongshan", search: "shequ", first: 20) {
  totalCount edges { node { code name town level category } } } }"""
COVERAGE = """query($id: String!) { coverage(idNumber: $id, on: "2026-04-15") { code } }"""

# Statements per backend: PostgreSQL's writes add pg_notify for live application events (SC-3).
# A change that moves a count must update it here, saying why in its commit (the failure lists them).
# Every write ends with exactly one INSERT INTO audit_log (issue 10's audit log, storage/audit.py): +1.
EXPECTED = {
    # persons, periods, totalCount, then the loaders: selections, applications, their events and substitutes
    "persons page": {"sqlite": 8, "postgresql": 8},
    "person with selections": {"sqlite": 7, "postgresql": 7},
    "institutions search": {"sqlite": 2, "postgresql": 2},  # the page and totalCount
    # the person with periods, categories, selections (networks) and RF-5 filings in one; the candidates
    "coverage": {"sqlite": 2, "postgresql": 2},
    # PostgreSQL: the person locked; then the person with periods, categories, selections, the
    # institution asked for and the reviewed requests waiting (SE-3) in one; the application (as
    # it ends), its two events (their pg_notify in the same INSERT's RETURNING), the selection, its
    # events; nothing read back (issue 9); the audit row (issue 10: one INSERT before COMMIT)
    "first choice": {"sqlite": 6, "postgresql": 7},
    "change": {"sqlite": 7, "postgresql": 8},  # as the first choice, plus the replaced record's end date
    "submitApplication": {"sqlite": 11, "postgresql": 12},  # GD-14 with 个人承诺书: one substitute row; the audit row
}


from yibao.core.storage.statements import StatementCounter  # noqa: E402


async def _measure(platform, client, query, variables=None, **kw):
    await client(query, variables, **kw)  # warm: pooled connections opened, caches filled
    # StatementCounter also sees what the fast read path sends straight to the driver (issue 9)
    with StatementCounter() as counter:
        async with count_statements(platform.db) as sql:
            result = await client(query, variables, **kw)
    assert result.errors is None, result.errors
    return counter.count, counter, result


async def _people(zhongshan, new_id, n: int) -> list[str]:
    made = []
    for _ in range(n):
        pid = new_id()
        await zhongshan.register(pid, on="2026-03-02")
        assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02"))["errors"] == []
        assert (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-03-10"))["errors"] == []
        made.append(pid)
    return made


@pytest.fixture
def expect(yibao_backend):
    def check(name: str, seen: int, sql) -> None:
        assert seen == EXPECTED[name][yibao_backend], f"{name}: {seen} statements\n{sql.text()}"
    return check


async def test_reads_send_a_fixed_number_of_statements(zhongshan, yibao_platform, new_id, expect):
    client, agency = zhongshan.client, zhongshan.agency
    one = (await _people(zhongshan, new_id, 1))[0]
    small, sql, _ = await _measure(yibao_platform, client, PERSONS, token=agency, today="2026-03-10")
    expect("persons page", small, sql)
    await _people(zhongshan, new_id, 4)
    large, sql, result = await _measure(yibao_platform, client, PERSONS, token=agency, today="2026-03-10")
    assert len(result.data["persons"]["edges"]) == 5
    assert large == small, sql.text()  # five persons with two selections each: no statement per row

    seen, sql, result = await _measure(yibao_platform, client, PERSON, {"id": one}, token=agency, today="2026-03-10")
    assert len(result.data["person"]["selections"]) == 2
    expect("person with selections", seen, sql)

    seen, sql, result = await _measure(yibao_platform, client, INSTITUTIONS)
    assert result.data["institutions"]["edges"]
    expect("institutions search", seen, sql)

    seen, sql, result = await _measure(yibao_platform, client, COVERAGE, {"id": one}, token=agency, today="2026-04-15")
    assert DONGQU_CENTRE in {i["code"] for i in result.data["coverage"]}
    expect("coverage", seen, sql)


async def test_writes_send_a_fixed_number_of_statements(zhongshan, yibao_platform, new_id, expect):
    client = zhongshan.client
    warm = new_id()
    await zhongshan.register(warm, on="2026-03-02")
    await _people(zhongshan, new_id, 1)  # every statement shape seen once

    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    token = zhongshan.person_token(pid)
    first = {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": SHIQI_CENTRE, "channel": "YUEYIBAO"}
    async with count_statements(yibao_platform.db) as sql:
        result = await client(SELECT, {"input": first}, token=token, today="2026-03-02")
    assert result.data["selectInstitution"]["errors"] == []
    expect("first choice", len(sql), sql)

    change = {**first, "institutionCode": DONGQU_CENTRE}
    async with count_statements(yibao_platform.db) as sql:
        result = await client(SELECT, {"input": change}, token=token, today="2026-03-10")
    assert result.data["selectInstitution"]["errors"] == []
    expect("change", len(sql), sql)

    payload = {"idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
               "materials": [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"]}
    async with count_statements(yibao_platform.db) as sql:
        result = await client(SUBMIT, {"input": payload}, token=token, today="2026-03-10")
    assert result.data["submitApplication"]["errors"] == []
    expect("submitApplication", len(sql), sql)
