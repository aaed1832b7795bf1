"""Issue 13: every path to an object returns the same fields. The same person, with a selection
and the application it left (SE-5), fetched through `person`, `persons`, `node(id:)`, `me` and
the `changeScheme` payload answers field for field the same, `selections { application }` included.
A second selection (a ZS-3 change) and a pending portal review (ZS-6) make the data non-trivial."""

from __future__ import annotations

from .support import DONGQU_CENTRE, SHIQI_CENTRE

PERSON_FIELDS = """
fragment P on Person {
  id idNumber name scheme tier insuredSince city { code } schemeHistory { scheme tier validFrom validTo }
  selections(includeHistory: true) {
    id kind slot status effectiveFrom effectiveTo replaces channel
    institution { id code name town }
    application { id itemCode status channel submittedOn dueDate overdue materials selectionId
                  events { status businessDate actor channel reason } }
  }
}"""


async def test_the_same_person_through_every_root_is_the_same(zhongshan, new_id):
    client = zhongshan.client
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    first = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02")
    assert first["errors"] == []
    change = await zhongshan.select(pid, DONGQU_CENTRE, on="2026-03-10")  # ZS-3: effective 1 April
    assert change["errors"] == []

    changed = await client(PERSON_FIELDS + """
      mutation($input: ChangeSchemeInput!) { changeScheme(input: $input) { person { ...P } errors { code } } }""",
        {"input": {"idNumber": pid, "scheme": "RESIDENT", "effectiveOn": "2026-03-15"}},
        token=zhongshan.agency, today="2026-03-15")
    assert changed.errors is None, changed.errors
    assert changed.data["changeScheme"]["errors"] == []
    from_payload = changed.data["changeScheme"]["person"]

    by_number = (await client(PERSON_FIELDS + "query($id: String!) { person(idNumber: $id) { ...P } }",
                              {"id": pid}, token=zhongshan.agency, today="2026-03-15")).data["person"]
    listed = (await client(PERSON_FIELDS + "{ persons(city: \"zhongshan\", first: 100) { edges { node { ...P } } } }",
                           token=zhongshan.agency, today="2026-03-15")).data["persons"]["edges"]
    from_list = next(e["node"] for e in listed if e["node"]["id"] == by_number["id"])
    by_node = (await client(PERSON_FIELDS + "query($id: ID!) { node(id: $id) { ...P } }",
                            {"id": by_number["id"]}, token=zhongshan.agency, today="2026-03-15")).data["node"]
    me = (await client(PERSON_FIELDS + "{ me { ...P } }", token=zhongshan.person_token(pid), today="2026-03-15")).data["me"]

    # the data is what the test set up, so an empty answer on every path cannot pass
    assert by_number["scheme"] == "RESIDENT"
    assert [s["institution"]["code"] for s in by_number["selections"]] == [SHIQI_CENTRE, DONGQU_CENTRE]
    assert all(s["application"] is not None for s in by_number["selections"])
    assert by_number["selections"][1]["application"]["selectionId"] == by_number["selections"][1]["id"]

    assert from_payload == by_number
    assert from_list == by_number
    assert by_node == by_number
    assert me == by_number


async def test_a_selection_through_node_and_through_its_person_is_the_same(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    made = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02")
    fields = "id kind status institution { code } application { id status events { status } }"
    via_node = (await zhongshan.client(f"query($id: ID!) {{ node(id: $id) {{ ... on Selection {{ {fields} }} }} }}",
                                       {"id": made["selection"]["id"]}, token=zhongshan.agency,
                                       today="2026-03-02")).data["node"]
    via_person = (await zhongshan.client(f"query($id: String!) {{ person(idNumber: $id) {{ selections {{ {fields} }} }} }}",
                                         {"id": pid}, token=zhongshan.agency, today="2026-03-02")).data["person"]
    assert via_node["application"]["status"] == "APPROVED"
    assert via_person["selections"] == [via_node]
