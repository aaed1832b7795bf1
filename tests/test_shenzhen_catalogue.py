"""Seed 002's Shenzhen lines through the yibao_service_item adjusting hook (issue 8), via GraphQL.

`serviceItems(city: "shenzhen")` differs from Zhongshan's (the province's) exactly on the items
whose seed text says Shenzhen follows local rules; GD-12 carries the five steps as its process and
process kind; the others say "按当地规定执行" as Shenzhen's process, nothing invented; an
application in Shenzhen uses Shenzhen's version.
"""

from __future__ import annotations

from yibao.core.testkit.ids import make_id_number

from .support import APPLICATION_FIELDS, City, submit

LOCAL_RULE_ITEMS = {"GD-01", "GD-02-1", "GD-02-3", "GD-04", "GD-05", "GD-12"}
FIVE_STEPS = ["申请", "受理", "审核", "拨付", "办结"]
ALL_FIELDS = """code number subNumber name parentCode subItemCodes serves description handlingModes acceptingUnits
  legalBasis { title documentNumber articles text } channels { window online text }
  materials { id text anyOf substitutes { name consequence } condition { code text } }
  process processKind timeLimit { kind days text } fee evaluation notes
  localRules { city text processKind steps } localRulesNote"""
ITEMS = f"query($city: String) {{ serviceItems(city: $city) {{ {ALL_FIELDS} }} }}"


async def items(client, city):
    result = await client(ITEMS, {"city": city})
    assert result.errors is None, result.errors
    return {i["code"]: i for i in result.data["serviceItems"]}


async def test_shenzhen_differs_from_zhongshan_exactly_on_the_local_rule_items(yibao_client):
    shenzhen, zhongshan = await items(yibao_client, "shenzhen"), await items(yibao_client, "zhongshan")
    province = await items(yibao_client, None)
    assert zhongshan == province  # Zhongshan adjusts no item
    assert set(shenzhen) == set(zhongshan)
    assert {code for code in shenzhen if shenzhen[code] != zhongshan[code]} == LOCAL_RULE_ITEMS
    for code in LOCAL_RULE_ITEMS:
        assert zhongshan[code]["localRulesNote"] == "部分地市按当地规定执行" and zhongshan[code]["localRules"] == []


async def test_gd12_personal_account_withdrawal_follows_the_five_steps_in_shenzhen(yibao_client):
    item = (await items(yibao_client, "shenzhen"))["GD-12"]
    assert item["name"] == "参保人员个人账户一次性支取"
    assert item["process"] == FIVE_STEPS and item["processKind"] == "APPLY_ACCEPT_REVIEW_PAY_CLOSE"
    text = "深圳、汕尾市按照“申请－受理－审核－拨付－办结”办理"
    assert item["localRules"] == [{"city": "shenzhen", "text": text,
                                   "processKind": "APPLY_ACCEPT_REVIEW_PAY_CLOSE", "steps": FIVE_STEPS}]
    assert item["notes"][0] == text  # the seed's 备注 1, back where the seed has it
    province = (await items(yibao_client, None))["GD-12"]
    assert item["notes"][1:] == province["notes"] and item["materials"] == province["materials"]


async def test_the_other_local_rule_items_say_so_as_shenzhens_process_and_nothing_more(yibao_client):
    shenzhen, province = await items(yibao_client, "shenzhen"), await items(yibao_client, None)
    for code in LOCAL_RULE_ITEMS - {"GD-12"}:
        item = shenzhen[code]
        expected = "深圳、汕尾市按当地规定执行" if code == "GD-02-3" else "深圳市按当地规定执行"
        assert item["process"] == [expected] and item["processKind"] == "LOCAL_RULES", code
        assert item["localRules"] == [{"city": "shenzhen", "text": expected, "processKind": "LOCAL_RULES", "steps": []}]
        # the seed line is back in its field; every other field is the province's
        field = "handlingModes" if code == "GD-01" else "notes"
        assert expected in item[field]
        changed = {k for k in item if item[k] != province[code][k]}
        assert changed == {"process", "processKind", "localRules", field}, code


APPLICATION = f"""query($id: ID!) {{ application(id: $id) {{ {APPLICATION_FIELDS}
  serviceItem {{ code process processKind }} }} }}"""


async def test_an_application_in_shenzhen_uses_shenzhens_version(yibao_client, zhongshan):
    shenzhen = City(yibao_client, "shenzhen")
    materials = ["有效身份证件", "《职工基本医疗保险个人账户一次性支取申请表》"]
    sz_person, zs_person = make_id_number("440303", "19800101", 501), make_id_number("442000", "19800101", 502)
    await shenzhen.register(sz_person, "EMPLOYEE", tier=2, on="2026-05-04")
    await zhongshan.register(zs_person, "EMPLOYEE", on="2026-05-04")
    seen = {}
    for city, person in ((shenzhen, sz_person), (zhongshan, zs_person)):
        body = (await submit(city, person, "GD-12", materials, on="2026-05-04")).data["submitApplication"]
        assert body["errors"] == [], body["errors"]
        app = await yibao_client(APPLICATION, {"id": body["application"]["id"]}, token=city.agency, today="2026-05-04")
        seen[city.code] = app.data["application"]["serviceItem"]
    assert seen["shenzhen"] == {"code": "GD-12", "process": FIVE_STEPS, "processKind": "APPLY_ACCEPT_REVIEW_PAY_CLOSE"}
    assert seen["zhongshan"]["processKind"] == "COMMON" and len(seen["zhongshan"]["process"]) == 3
