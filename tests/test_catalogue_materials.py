"""一次性告知: the materials checker against the catalogue's real items (SC-3, SC-4, SC-5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from yibao.core.catalogue.items import Catalogue, Substitute, load_catalogue
from yibao.core.catalogue.materials import Substitution, check_materials, conditions
from yibao.core.errors import UserError

FORM_REMOTE = "《广东省异地就医登记备案表》"
HOUSEHOLD = "居民户口簿（户口簿首页和本人常住人口登记卡）"
PROXY_IDS = "委托人及代理人身份证件原件"  # common.json: both the principal's and the proxy's IDs
LETTER = "授权委托书"
BANK = "参保人银行账户信息"
FORM_OUTPATIENT = "《普通门诊定点医疗机构选定表》"
CLAIM = ("医保电子凭证", "医药机构收费票据", "门急诊费用清单", "病历资料")  # GD-23's unconditional set


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def missing_ids(check) -> list[str]:
    return [m.requirement_id for m in check.missing]


def test_sc3_every_missing_requirement_is_reported_at_once(catalogue):
    check = check_materials(catalogue.get("GD-14"), provided=[])
    assert not check.ok
    assert missing_ids(check) == ["m1", "m2", "m3"]


def test_sc3_missing_lists_acceptable_names_including_substitutes(catalogue):
    check = check_materials(catalogue.get("GD-14"), provided=["社会保障卡", FORM_REMOTE])
    (gap,) = check.missing
    assert gap.requirement_id == "m3"
    assert gap.acceptable == (HOUSEHOLD, "个人承诺书")
    assert gap.condition is None


def test_sc3_complete_materials_pass(catalogue):
    check = check_materials(catalogue.get("GD-14"), provided=["社会保障卡", FORM_REMOTE, HOUSEHOLD])
    assert check.ok
    assert check.missing == () and check.substitutions == ()


@pytest.mark.parametrize("identity", ["有效身份证件", "医保电子凭证", "社会保障卡"])
def test_sc5_any_one_of_the_alternatives_is_enough(catalogue, identity):
    """任选其一: 有效身份证件或医保电子凭证或社会保障卡."""
    check = check_materials(catalogue.get("GD-22"), provided=[identity, FORM_OUTPATIENT])
    assert check.ok


@pytest.mark.parametrize("document", ["身份证", "护照", "港澳居民来往内地通行证"])
def test_sc5_item_36_documents_count_as_valid_identity(catalogue, document):
    check = check_materials(catalogue.get("GD-22"), provided=[document, FORM_OUTPATIENT])
    assert check.ok


def test_sc5_names_match_without_whitespace_or_book_title_marks(catalogue):
    check = check_materials(catalogue.get("GD-22"), provided=[" 医保 电子凭证 ", "普通门诊定点医疗机构选定表"])
    assert check.ok


def test_sc5_commitment_letter_substitutes_and_is_recorded(catalogue):
    """GD-14 异地安置退休人员备案: 个人承诺书 instead of the household register."""
    check = check_materials(catalogue.get("GD-14"), provided=["医保电子凭证", FORM_REMOTE, "个人承诺书"])
    assert check.ok
    assert check.substitutions == (Substitution("m3", "个人承诺书", None, (HOUSEHOLD,)),)


def test_sc5_substitution_carries_its_consequence(catalogue):
    """GD-15 异地长期居住人员备案 with the consequence a city states (DOMAIN RF-5)."""
    item = catalogue.get("GD-15")
    consequence = "参保地住院统筹基金支付比例降低20个百分点，不享受参保地普通门诊待遇"
    m3 = replace(item.materials[2], substitutes=(Substitute("个人承诺书", consequence), Substitute("受理凭证")))
    local = catalogue.with_override(replace(item, materials=(*item.materials[:2], m3, *item.materials[3:])))
    check = check_materials(local.get("GD-15"), provided=["身份证", FORM_REMOTE, "个人承诺书"])
    assert check.ok
    (used,) = check.substitutions
    assert (used.requirement_id, used.name, used.consequence) == ("m3", "个人承诺书", consequence)


def test_sc5_listed_document_wins_over_substitute(catalogue):
    check = check_materials(catalogue.get("GD-15"), provided=["身份证", FORM_REMOTE, "居住证", "个人承诺书"])
    assert check.ok and check.substitutions == ()


def test_sc4_proxy_without_letter_of_authorization_is_refused(catalogue):
    check = check_materials(
        catalogue.get("GD-22"), provided=["身份证", FORM_OUTPATIENT, PROXY_IDS], facts=["proxy"]
    )
    assert not check.ok
    (gap,) = check.missing
    assert gap.any_of == (LETTER,)
    assert gap.condition == "委托办理业务的"


def test_sc4_proxy_without_the_ids_of_both_is_refused(catalogue):
    check = check_materials(catalogue.get("GD-22"), provided=["身份证", FORM_OUTPATIENT, LETTER], facts=["proxy"])
    assert [m.any_of for m in check.missing] == [(PROXY_IDS,)]


def test_sc4_proxy_with_both_ids_and_letter_is_accepted(catalogue):
    check = check_materials(
        catalogue.get("GD-22"), provided=["身份证", FORM_OUTPATIENT, PROXY_IDS, LETTER], facts=["proxy"]
    )
    assert check.ok


def test_sc4_proxy_requirements_stated_by_the_item_are_not_asked_twice(catalogue):
    check = check_materials(catalogue.get("GD-22"), provided=[], facts=["proxy"])
    assert missing_ids(check) == ["m1", "m2", "m3", "m4"]


def test_sc4_proxy_rule_applies_to_an_item_that_does_not_repeat_it(catalogue):
    """GD-09 (a query) lists no materials; item 36 still asks a proxy for the IDs and the letter."""
    check = check_materials(catalogue.get("GD-09"), provided=[], facts=["proxy"])
    assert missing_ids(check) == ["common.proxy.m1", "common.proxy.m2"]
    assert [m.any_of for m in check.missing] == [(PROXY_IDS,), (LETTER,)]


def test_sc4_first_payment_needs_the_bank_account(catalogue):
    check = check_materials(catalogue.get("GD-23"), provided=CLAIM, facts=["first_payment"])
    assert [(m.requirement_id, m.any_of) for m in check.missing] == [("m10", (BANK,))]


def test_sc4_first_payment_with_the_bank_account_is_accepted(catalogue):
    check = check_materials(catalogue.get("GD-23"), provided=[*CLAIM, BANK], facts=["first_payment"])
    assert check.ok


def test_sc4_first_payment_rule_applies_to_an_item_that_does_not_repeat_it(catalogue):
    check = check_materials(catalogue.get("GD-13"), provided=["身份证"], facts=["first_payment"])
    assert [(m.requirement_id, m.any_of) for m in check.missing] == [("common.first_payment_bank_account.m1", (BANK,))]


def test_sc5_conditional_requirements_are_not_asked_without_the_fact(catalogue):
    """No proxy, no first payment, no accident: GD-23's conditional materials stay out."""
    check = check_materials(catalogue.get("GD-23"), provided=CLAIM)
    assert check.ok


def test_sc5_conditional_requirement_is_asked_when_its_fact_holds(catalogue):
    check = check_materials(catalogue.get("GD-23"), provided=CLAIM, facts=["accidental_injury"])
    (gap,) = check.missing
    assert (gap.requirement_id, gap.condition_code) == ("m6", "accidental_injury")
    assert gap.acceptable == ("交警事故认定书", "法院判决书", "调解协议书", "个人承诺书")


def test_sc5_as_per_agreement_materials_are_never_missing(catalogue):
    """Items 34/35 name no document (按协议); nothing can be missing."""
    assert check_materials(catalogue.get("GD-34"), provided=[]).ok
    assert check_materials(catalogue.get("GD-35"), provided=[]).ok


def test_sc4_conditions_lists_the_facts_an_item_understands(catalogue):
    codes = [c.code for c in conditions(catalogue.get("GD-23"))]
    assert codes == ["emergency", "accidental_injury", "special_case", "proxy", "first_payment"]


def test_sc3_to_user_errors_names_what_to_bring_in_chinese_and_english(catalogue):
    errors = check_materials(catalogue.get("GD-14"), provided=[], facts=["proxy"]).to_user_errors()
    assert errors[0] == UserError(
        "MATERIALS_MISSING",
        "缺少材料（任选其一）：有效身份证件、医保电子凭证、社会保障卡",
        "missing material (any one of): 有效身份证件, 医保电子凭证, 社会保障卡",
        ("materials",),
    )
    assert errors[1].message == "缺少材料：《广东省异地就医登记备案表》"
    assert errors[1].message_en == "missing material: 《广东省异地就医登记备案表》"
    assert errors[2].message == f"缺少材料：{HOUSEHOLD}（或以个人承诺书代替）"
    assert errors[2].message_en == f"missing material: {HOUSEHOLD} (or instead: 个人承诺书)"
    assert errors[4].message == "缺少材料：授权委托书（适用情形：委托办理业务的）"
    assert errors[4].message_en == "missing material: 授权委托书 (required when: 委托办理业务的)"
    assert len(errors) == 5


def test_sc3_no_user_errors_when_complete(catalogue):
    check = check_materials(catalogue.get("GD-22"), provided=["社会保障卡", FORM_OUTPATIENT])
    assert check.to_user_errors() == []


def test_a_single_string_is_refused_rather_than_read_letter_by_letter(catalogue):
    with pytest.raises(TypeError):
        check_materials(catalogue.get("GD-22"), provided="社会保障卡")
