"""Issue 9: the fast path's generated builders (schema/fastpath/objects.py) and the page fold
(core/services/reads.py) answer exactly what graphql-core answers.

Differential, as tests/test_fast_path.py (same fixture): aliases and fragments at every level,
__typename inside nested objects, the same field twice, includeHistory and kind filters, persons
without selections, a person with two scheme periods and two selections (the fold's cross
product), edge cursors, per-role masking. Then unit checks of what the generated code may hold,
of the id and cursor encoding, and of the fold's order-based dedup against a plain dict-based one.
"""

from __future__ import annotations

import base64
from datetime import date

import pytest

from yibao.core import pagination
from yibao.core.services import reads
from yibao.schema import fastpath, globalid
from yibao.schema.fastpath import objects
from yibao.schema.fastpath.http import document

from .support import DONGQU_CENTRE, SHIQI_CENTRE
from .test_fast_path import TODAY, pair, roles  # noqa: F401  (fixture)

DEEP = """query($city: String!, $first: Int, $after: String, $kind: SelectionKind, $history: Boolean) {
  t: __typename
  p: persons(city: $city, first: $first, after: $after) {
    __typename total: totalCount
    e: edges { __typename c: cursor again: cursor n: node { __typename ...Who
      all: selections(includeHistory: true) { ...Sel }
      live: selections { status s2: status }
      picked: selections(kind: $kind, includeHistory: $history) { __typename k: kind ...Sel }
      h: schemeHistory { __typename scheme validFrom validTo tier }
      city { __typename code towns { __typename name } } } }
    pageInfo { __typename hasNextPage end: endCursor } } }
fragment Who on Person { id idNumber name scheme tier insuredSince documentType ... on Person { n2: name } }
fragment Sel on Selection { id status slot effectiveFrom effectiveTo createdOn replaces endReason channel scheme
  institution { __typename ...Inst } i2: institution { code c: city { name } } }
fragment Inst on Institution { id code name town level category tags specialties services withdrawnOn divisionCode
  networks { __typename kind id name } city { code } }"""

TWO_EDGES = """query($city: String!) { persons(city: $city, first: 5) {
  a: edges { node { name } }
  b: edges { cursor x: node { selections(includeHistory: true) { status institution { code tags services } } } } } }"""

SEARCH_DEEP = """query($city: String!, $first: Int, $after: String) { i: institutions(city: $city, first: $first, after: $after) {
  __typename totalCount edges { cursor node { __typename ... on Institution { id c: code } name tags specialties
    services withdrawnOn networks { __typename kind id name } city { __typename id code name divisionCode } } }
  pageInfo { hasNextPage endCursor } } }"""

OTHERS = """query($id: String!) { cov: coverage(idNumber: $id) { __typename c: code ...on Institution { name town } }
  cs: cities { __typename c: code id divisionCode towns { __typename n: name code kind } } }"""


@pytest.fixture
async def both(pair, zhongshan, new_id):  # noqa: F811
    """A person with two scheme periods and two selections (rows: person x period x selection)."""
    pid = new_id()
    await zhongshan.register(pid, "RESIDENT", on="2026-01-05", since="2025-01-01")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-01-06"))["selection"]
    await zhongshan.change_scheme(pid, "EMPLOYEE", on="2026-02-01", effective_on="2026-02-01")
    second = await zhongshan.select(pid, DONGQU_CENTRE, on=TODAY, replaces=first["id"])
    assert second["errors"] == [], second
    pair.ids["both"] = pid
    return pair


async def test_deep_operations_match_graphql_core_for_each_role_and_filter(both):
    tokens = roles(both.client, both.ids)
    for role in ("integrator", "agency-zhongshan", "admin"):
        for kind, history in ((None, None), ("GENERAL_OUTPATIENT", False), ("GENERAL_OUTPATIENT", True),
                              ("PRENATAL", True)):
            data = await both.same(DEEP, {"city": "zhongshan", "first": 20, "kind": kind, "history": history},
                                   tokens[role])
            nodes = [e["n"] for e in data["p"]["e"]]
            assert len(nodes) == 3 and any(n["all"] == [] for n in nodes)  # the plain person has none
            mixed = next(n for n in nodes if len(n["h"]) == 2 and n["all"])
            assert len(mixed["all"]) == 2 and mixed["scheme"] == "EMPLOYEE"  # each selection once, ID-3
            if kind == "PRENATAL":
                assert all(n["picked"] == [] for n in nodes)
    token = tokens["integrator"]
    after, seen = None, []
    while True:  # one person a page: the fold's cut, has_next and the cursors of each page
        data = await both.same(DEEP, {"city": "zhongshan", "first": 1, "after": after}, token)
        seen += [e["c"] for e in data["p"]["e"]]
        assert data["p"]["pageInfo"]["end"] == seen[-1]
        if not data["p"]["pageInfo"]["hasNextPage"]:
            break
        after = data["p"]["pageInfo"]["end"]
    assert len(seen) == 3


async def test_every_edges_alias_decides_what_is_loaded(both):
    data = await both.same(TWO_EDGES, {"city": "zhongshan"}, both.client.token("admin"))
    assert any(e["x"]["selections"] for e in data["persons"]["b"])


async def test_institution_pages_other_roots_and_typenames_match_graphql_core(both):
    for city, first in (("shenzhen", 3), ("zhongshan", 20), ("jiangmen_kaiping", 100)):
        data = await both.same(SEARCH_DEEP, {"city": city, "first": first})
        after = data["i"]["pageInfo"]["endCursor"]
        await both.same(SEARCH_DEEP, {"city": city, "first": first, "after": after})
    await both.same(OTHERS, {"id": both.ids["both"]}, both.client.token("person", person=both.ids["both"]))


def test_the_generated_source_holds_no_request_text():
    """Arguments and variables are read at run time; response keys enter only through repr()."""
    hostile = "x'); __import__('os').system('true'); ('"
    query = ('{ persons(city: "zhongshan", first: 2) { edges { node { selections(kind: PRENATAL) { id } } } } '
             f'institutions(city: "zhongshan", search: "{hostile.replace(chr(39), "")}") {{ edges {{ node {{ code }} }} }} }}')
    doc = document(query)
    assert doc is not None
    plan = fastpath.plan_for(doc, None)
    assert plan is not None
    texts = [objects.source(root) for root in plan.roots]
    assert all("system" not in t and "PRENATAL" not in t and "zhongshan" not in t for t in texts)
    with pytest.raises(ValueError):
        globalid.expression("Person'", "k")


@pytest.mark.parametrize("key", [1, 12345, 10**12, "H44200110001", "石岐", "a:b", ""])
def test_ids_and_cursors_encode_as_base64url(key):
    want = base64.urlsafe_b64encode(f"Person:{key}".encode()).decode().rstrip("=")
    assert globalid.encode("Person", key) == want == pagination.encode_cursor("Person", key)
    namespace = dict(globalid.NAMES)
    assert eval(globalid.expression("Person", "k"), namespace, {"k": key}) == want  # noqa: S307


def test_lazy_cursors_read_as_the_list_of_cursors():
    keys = [3, 17, 42]
    want = [pagination.encode_cursor("person", k) for k in keys]
    cursors = pagination.Cursors("person", keys)
    assert cursors == want and list(cursors) == want and cursors[-1] == want[-1] and cursors[1:] == want[1:]
    assert len(cursors) == 3 and bool(pagination.Cursors("person", [])) is False
    page = pagination.keyed_page(["a", "b", "c"], True, "person", keys)
    assert list(zip(page.items, page.cursors)) == list(zip("abc", want)) and page.has_next


def _row(pid, period, sel, inst=None):
    """A row of the persons statement with selections (columns as reads._people_sql lists them)."""
    person = (pid, f"44200019900101{pid:04d}", "RESIDENT_ID", f"p{pid}", "zhongshan", date(2020, 1, 1))
    per = (period, "EMPLOYEE", None, date(2019 + period, 1, 1), date(2099, 12, 31)) if period else (None,) * 5
    if sel is None:
        return person + per + (None,) * (reads._N_SELECTION + reads._N_INSTITUTION)
    selection = (sel, "GENERAL_OUTPATIENT", "COMMUNITY", date(2024, 1, sel % 28 + 1), date(2099, 12, 31), "EMPLOYEE",
                 "YUEYIBAO", date(2024, 1, 1), None, None, None, None)
    institution = (inst, f"H{inst}", f"i{inst}", "zhongshan", "442000", "t", "LEVEL_2", "医院", None)
    return person + per + selection + institution


def _reference(rows, first):
    """The fold by dicts, whatever the row order within a person: (id, periods' starts, (selection, institution))."""
    people: dict = {}
    for r in rows:
        periods, sels = people.setdefault(r[0], ({}, {}))
        if r[6] is not None:
            periods.setdefault(r[6], r[9])
        if r[11] is not None:
            sels.setdefault(r[11], r[23])
    ids = list(people)
    return [(pid, list(people[pid][0].values()), list(people[pid][1].items())) for pid in ids[:first]], len(ids) > first


def test_the_fold_keeps_each_period_and_selection_once():
    rows = []
    for pid, periods, sels in ((1, [1, 2], [10, 11, 12]), (2, [], [20, 21]), (3, [3], []), (4, [], []),
                               (5, [4, 5, 6], [50]), (6, [7], [60, 61])):
        for per in periods or [None]:
            for sel in sels or [None]:
                rows.append(_row(pid, per, sel, inst=sel and 100 + sel % 3))
    for first in (1, 2, 5, 6, 20):
        folded, more = reads._fold(rows, True, False, first)
        got = [(p.id, [x.valid_from for x in p.schemes], [(s.id, s.institution.id) for s in sels]) for p, sels in folded]
        assert (got, more) == _reference(rows, first)
    folded, _ = reads._fold(rows, True, False, 20)
    assert len({id(s.institution) for _, sels in folded for s in sels}) == 3  # one object per institution and page
    lean, _ = reads._fold([r[:reads._N_PERSON + reads._N_PERIOD] for r in rows], False, False, 20)
    assert [(p.id, len(p.schemes), sels) for p, sels in lean] == [(pid, len(per), None) for pid, per, _ in
                                                                 _reference(rows, 20)[0]]
