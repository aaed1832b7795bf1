"""Training mode (CONTRACT: X-Business-Date): the business date never precedes the records a
request acts on (issue 10; core/services/business_dates.py)."""

from __future__ import annotations

from .support import IDENTITY, SHIQI_CENTRE, WITHDRAW, review, submit

GD14 = [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"]


async def test_a_business_date_before_a_selection_cannot_withdraw_it(zhongshan, yibao_client, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    made = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-04-10")
    assert made["errors"] == [], made
    selection = made["selection"]
    assert selection["effectiveFrom"] <= "2026-05-01"
    [held] = await zhongshan.selections(pid, on="2026-05-02")
    assert held["status"] == "EFFECTIVE"
    token = zhongshan.person_token(pid)

    early = await yibao_client(WITHDRAW, {"id": selection["id"]}, token=token, today="2026-04-01")
    assert early.errors is None
    errors = early.data["withdrawSelection"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("BUSINESS_DATE_BEFORE_RECORD", ["selectionId"])]
    [still] = await zhongshan.selections(pid, on="2026-05-02")
    assert still["status"] == "EFFECTIVE" and still["id"] == selection["id"]  # nothing was withdrawn
    # positive control: on a date after it, the ordinary rule answers (an effective one cannot be withdrawn)
    later = await yibao_client(WITHDRAW, {"id": selection["id"]}, token=token, today="2026-05-02")
    assert [e["code"] for e in later.data["withdrawSelection"]["errors"]] == ["NOT_PENDING"]
    # and ending it (agency) is refused before it too
    ended = await zhongshan.end(selection["id"], "测试", on="2026-04-01")
    assert [e["code"] for e in ended.data["endSelection"]["errors"]] == ["BUSINESS_DATE_BEFORE_RECORD"]


async def test_a_business_date_before_an_application_cannot_review_it(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    app = (await submit(zhongshan, pid, "GD-14", GD14, on="2026-03-10")).data["submitApplication"]["application"]
    early = (await review(zhongshan, app["id"], "APPROVE", on="2026-03-09")).data["reviewApplication"]
    assert [e["code"] for e in early["errors"]] == ["BUSINESS_DATE_BEFORE_RECORD"]
    assert early["application"] is None
    on_time = (await review(zhongshan, app["id"], "APPROVE", on="2026-03-10")).data["reviewApplication"]
    assert on_time["errors"] == [] and on_time["application"]["status"] == "APPROVED"


async def test_a_business_date_before_the_persons_latest_selection_cannot_select(zhongshan, new_id):
    """A change dated before the selection it would follow would rewrite history: refused."""
    from .support import DONGQU_CENTRE

    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    assert (await zhongshan.select(pid, SHIQI_CENTRE, on="2026-04-10"))["errors"] == []
    early = await zhongshan.select(pid, DONGQU_CENTRE, on="2026-04-01")
    assert "BUSINESS_DATE_BEFORE_RECORD" in [e["code"] for e in early["errors"]]
    assert early["selection"] is None
    later = await zhongshan.select(pid, DONGQU_CENTRE, on="2026-05-02")  # positive control: the city's rules answer
    assert "BUSINESS_DATE_BEFORE_RECORD" not in [e["code"] for e in later["errors"]]
