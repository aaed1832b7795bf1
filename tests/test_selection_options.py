"""selectionOptions (what a person may select now, and from when) and selectInstitution(dryRun: true):
a dry run of the same plan and city hooks as a real selection, proved to write nothing."""

from __future__ import annotations

from .support import DONGQU_CENTRE, SHIQI_CENTRE, counts, snapshot

A_SANBU = "H44078300002"  # 开平市三埠街道办事处社区卫生服务中心 (group A)
A_CHANGSHA = "H44078300003"  # 开平市长沙街道办事处社区卫生服务中心 (group A)
B_CENTRAL = "H44078300101"  # 开平市中心医院 (group B)

SELECTION = "id status effectiveFrom institution { code }"
OPTIONS = f"""
query($id: String!, $kind: SelectionKind!, $search: String, $first: Int) {{
  selectionOptions(idNumber: $id, kind: $kind) {{
    asOf kind person {{ name }}
    slots {{
      key label labelEn canChangeNow nextPossibleOn effectiveFrom needsReview
      holder {{ {SELECTION} }} pendingChange {{ {SELECTION} }}
      reasons {{ code message messageEn nextPossibleOn pendingSelectionId phones }}
      institutions(search: $search, first: $first) {{
        totalCount edges {{ node {{ code name level }} }} pageInfo {{ hasNextPage endCursor }} }}
    }}
  }}
}}"""

DRY_RUN = f"""
mutation($input: SelectInstitutionInput!) {{
  selectInstitution(input: $input) {{
    selection {{ id }} application {{ id }}
    preview {{ slot effectiveFrom needsReview institution {{ code }} replaces {{ {SELECTION} }} }}
    errors {{ code nextPossibleOn pendingSelectionId }}
  }}
}}"""


async def options(city, id_number: str, on: str, *, token: str | None = None, search: str | None = None,
                  first: int | None = None) -> dict:
    result = await city.client(OPTIONS, {"id": id_number, "kind": "GENERAL_OUTPATIENT", "search": search,
                                         "first": first}, token=token or city.person_token(id_number), today=on)
    assert result.errors is None, result.errors
    return result.data["selectionOptions"]


async def test_kaiping_resident_outside_the_window_sees_when_it_opens(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "RESIDENT", on="2024-03-05")
    held = (await kaiping.select(pid, A_SANBU, on="2024-03-05"))["selection"]

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    found = await options(kaiping, pid, "2024-06-10")
    assert (found["asOf"], found["kind"]) == ("2024-06-10", "GENERAL_OUTPATIENT")
    [slot] = found["slots"]  # KP-3: a resident holds one selection
    assert slot["holder"]["id"] == held["id"] and slot["pendingChange"] is None
    assert (slot["canChangeNow"], slot["nextPossibleOn"], slot["effectiveFrom"]) == (False, "2024-10-01", None)
    assert [r["code"] for r in slot["reasons"]] == ["OUTSIDE_CHANGE_WINDOW"]  # KP-4, from the plugin itself
    assert slot["reasons"][0]["phones"] == ["2256983", "2259876"]
    levels = {e["node"]["level"] for e in slot["institutions"]["edges"]}
    assert levels == {"LEVEL_1_OR_BELOW"}  # group A only (KP-3): the slot's own data
    assert slot["institutions"]["totalCount"] > 20
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state  # a dry run

    # In the window the same change is possible and would take effect on 1 January (KP-4).
    october = (await options(kaiping, pid, "2024-10-05"))["slots"][0]
    assert (october["canChangeNow"], october["effectiveFrom"], october["reasons"]) == (True, "2025-01-01", [])

    # Search and paging of the eligible institutions.
    searched = (await options(kaiping, pid, "2024-06-10", search="长沙街道"))["slots"][0]["institutions"]
    assert [e["node"]["code"] for e in searched["edges"]] == [A_CHANGSHA]
    page = (await options(kaiping, pid, "2024-06-10", first=2))["slots"][0]["institutions"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]


async def test_kaiping_employee_has_two_slots_and_a_first_choice_is_immediate(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    await kaiping.select(pid, A_SANBU, on="2024-03-05")
    slots = {s["key"]: s for s in (await options(kaiping, pid, "2024-06-10"))["slots"]}
    assert len(slots) == 2  # KP-2: one A and one B
    filled = next(s for s in slots.values() if s["holder"])
    empty = next(s for s in slots.values() if not s["holder"])
    assert filled["canChangeNow"] is False and filled["nextPossibleOn"] == "2024-10-01"
    assert (empty["canChangeNow"], empty["effectiveFrom"]) == (True, "2024-06-10")  # KP-4: first choice any time
    assert {e["node"]["code"] for e in empty["institutions"]["edges"]} >= {B_CENTRAL}


async def test_zhongshan_person_after_a_change_this_month(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-02"))["selection"]
    change = (await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-10"))["selection"]

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    [slot] = (await options(zhongshan, pid, "2026-05-20"))["slots"]  # ZS-1: one community slot
    assert slot["key"] == "COMMUNITY"
    assert slot["holder"]["id"] == first["id"] and slot["pendingChange"]["id"] == change["id"]
    assert (slot["canChangeNow"], slot["nextPossibleOn"]) == (False, "2026-06-01")  # ZS-4
    limit = next(r for r in slot["reasons"] if r["code"] == "CHANGE_LIMIT_REACHED")
    assert limit["pendingSelectionId"] == change["id"]
    assert all(e["node"]["code"] for e in slot["institutions"]["edges"])
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state

    # Next month the change is in effect and another may be made, from the 1st of the month after (ZS-3).
    [june] = (await options(zhongshan, pid, "2026-06-03"))["slots"]
    assert june["holder"]["id"] == change["id"]
    assert (june["canChangeNow"], june["effectiveFrom"]) == (True, "2026-07-01")


async def test_zhongshan_newcomer_may_choose_today(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    [slot] = (await options(zhongshan, pid, "2026-05-03"))["slots"]
    assert slot["holder"] is None and (slot["canChangeNow"], slot["effectiveFrom"]) == (True, "2026-05-03")  # ZS-2


async def test_dry_run_answers_like_the_real_request_and_writes_nothing(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    first = (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-05-02"))["selection"]
    payload = {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": DONGQU_CENTRE,
               "channel": "YUEYIBAO", "dryRun": True}
    token = zhongshan.person_token(pid)

    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    commits = yibao_platform.db.commits
    dry = (await zhongshan.client(DRY_RUN, {"input": payload}, token=token, today="2026-05-10")).data["selectInstitution"]
    assert dry["errors"] == [] and dry["selection"] is None and dry["application"] is None
    assert dry["preview"]["institution"]["code"] == DONGQU_CENTRE
    assert (dry["preview"]["slot"], dry["preview"]["effectiveFrom"]) == ("COMMUNITY", "2026-06-01")  # ZS-3
    assert dry["preview"]["replaces"]["id"] == first["id"] and dry["preview"]["needsReview"] is False
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state
    assert yibao_platform.db.commits == commits  # the transaction was rolled back, not committed

    real = (await zhongshan.client(DRY_RUN, {"input": {**payload, "dryRun": False}}, token=token,
                                   today="2026-05-10")).data["selectInstitution"]
    assert real["selection"]["id"] and real["preview"] is None  # the real request does what the dry run said
    assert await counts(yibao_platform) != rows

    # A refused dry run gives exactly the refusals the real request gives.
    again = {**payload, "institutionCode": SHIQI_CENTRE}
    rows = await counts(yibao_platform)
    dry_refusal = (await zhongshan.client(DRY_RUN, {"input": again}, token=token, today="2026-05-20")).data
    real_refusal = (await zhongshan.client(DRY_RUN, {"input": {**again, "dryRun": False}}, token=token,
                                           today="2026-05-20")).data
    assert dry_refusal["selectInstitution"]["errors"] == real_refusal["selectInstitution"]["errors"] != []
    assert dry_refusal["selectInstitution"]["preview"] is None
    assert await counts(yibao_platform) == rows


async def test_selection_options_is_refused_to_another_persons_token_and_to_anonymous(zhongshan, new_id):
    pid, other = new_id(), new_id()
    await zhongshan.register(pid, on="2026-05-01")
    result = await zhongshan.client(OPTIONS, {"id": pid, "kind": "GENERAL_OUTPATIENT"},
                                    token=zhongshan.person_token(other), today="2026-05-02")
    assert result.error_codes() == ["FORBIDDEN"]
    anonymous = await zhongshan.client(OPTIONS, {"id": pid, "kind": "GENERAL_OUTPATIENT"}, today="2026-05-02")
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
    unknown = await zhongshan.client(OPTIONS, {"id": new_id(), "kind": "GENERAL_OUTPATIENT"},
                                     token=zhongshan.agency, today="2026-05-02")
    assert unknown.error_codes() == ["NOT_FOUND"]
