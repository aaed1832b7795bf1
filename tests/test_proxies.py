"""Proxies on every path (SE-3, SC-4; seed 000 "本人及代办人身份证", seed 002 item 36), through GraphQL
on SQLite and PostgreSQL: a selection made by a proxy needs the proxy's own ID and the 授权委托书,
judged by the same rule as submitApplication, and the proxy's ID is recorded with the application."""

from __future__ import annotations

from sqlalchemy import select

from yibao.core.storage.tables import ApplicationRow

from .support import SELECTION_FIELDS, SHIQI_CENTRE, counts, submit

SELECT = f"""mutation($input: SelectInstitutionInput!) {{ selectInstitution(input: $input) {{
  selection {{ {SELECTION_FIELDS} }} application {{ id byProxy materials }} errors {{ code field message messageEn }} }} }}"""


async def window(zhongshan, pid: str, *, proxy: dict | None, token: str | None = None, on: str = "2026-03-10"):
    payload = {"idNumber": pid, "kind": "GENERAL_OUTPATIENT", "institutionCode": SHIQI_CENTRE, "channel": "WINDOW"}
    if proxy is not None:
        payload["proxy"] = proxy
    result = await zhongshan.client(SELECT, {"input": payload}, token=token or zhongshan.agency, today=on)
    assert result.errors is None, result.errors
    return result.data["selectInstitution"]


async def test_se3_a_proxy_selection_at_a_window_needs_the_proxys_id_and_the_letter(zhongshan, yibao_platform, new_id):
    pid, proxy_id = new_id(), new_id()
    await zhongshan.register(pid, on="2026-03-10")
    rows = await counts(yibao_platform)
    bare = await window(zhongshan, pid, proxy=None, token=zhongshan.client.token("proxy", person=pid))
    assert [e["code"] for e in bare["errors"]] == ["MATERIALS_MISSING", "MATERIALS_MISSING"]
    assert "委托人及代理人身份证件原件" in bare["errors"][0]["message"] and "授权委托书" in bare["errors"][1]["message"]
    no_letter = await window(zhongshan, pid, proxy={"idNumber": proxy_id})
    assert [e["message"] for e in no_letter["errors"]] == ["缺少材料：授权委托书（适用情形：委托办理业务的）"]
    bad_id = await window(zhongshan, pid, proxy={"idNumber": "123", "authorizationLetter": True})
    assert bad_id["errors"][0]["field"] == ["proxy", "idNumber"] and "代办人" in bad_id["errors"][0]["message"]
    assert await counts(yibao_platform) == rows

    done = await window(zhongshan, pid, proxy={"idNumber": proxy_id, "authorizationLetter": True})
    assert done["errors"] == [] and done["selection"]["status"] == "EFFECTIVE"
    assert done["application"]["byProxy"] is True
    assert set(done["application"]["materials"]) == {"委托人及代理人身份证件原件", "授权委托书"}
    async with yibao_platform.db.read() as session:
        recorded = await session.scalar(select(ApplicationRow.proxy_id_number))
    assert recorded == proxy_id  # the 代办人's own ID is recorded


async def test_se3_one_rule_the_same_reasons_on_both_paths(zhongshan, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-10")
    token = zhongshan.client.token("proxy", person=pid)
    selection = await window(zhongshan, pid, proxy=None, token=token)
    application = await submit(zhongshan, pid, "GD-23", [], on="2026-03-10", token=token)
    on_application = {e["message"] for e in application.data["submitApplication"]["errors"]}
    assert {e["message"] for e in selection["errors"]} <= on_application
    # the proxy given with the application meets the same two requirements
    payload = {"idNumber": pid, "serviceItemCode": "GD-23", "channel": "WINDOW", "materials": [],
               "proxy": {"idNumber": new_id(), "authorizationLetter": True}}
    result = await zhongshan.client("""mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) {
        errors { code message } } }""", {"input": payload}, token=token, today="2026-03-10")
    left = {e["message"] for e in result.data["submitApplication"]["errors"]}
    assert left and not left & {e["message"] for e in selection["errors"]}
