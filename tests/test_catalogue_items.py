"""The catalogue loaded as values: items, sub-items, search and city overrides (SC-1, SC-2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from yibao.core.catalogue.items import (
    Catalogue,
    ProcessKind,
    TimeLimitKind,
    load_catalogue,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_sc1_all_35_numbered_items_load(catalogue):
    top = [item for item in catalogue.items() if not item.is_sub_item]
    assert [item.number for item in top] == list(range(1, 36))
    assert [item.code for item in top][:3] == ["GD-01", "GD-02", "GD-03"]
    assert top[-1].code == "GD-35"


def test_sc1_sc2_gd22_is_general_outpatient_selection_window_immediate_online_two_working_days(catalogue):
    item = catalogue.get("GD-22")
    assert item is not None
    assert item.name == "普通门诊定点医疗机构选定"
    assert item.time_limit.kind is TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS
    assert item.time_limit.days == 2
    assert item.time_limit.text == "窗口即时办结/线上不超过2个工作日"


def test_sc1_sub_items_are_addressable_by_their_own_code_with_parent_set(catalogue):
    sub = catalogue.get("GD-02-3")
    assert sub is not None
    assert sub.name == "个人账户申办/变更/资金归集"
    assert sub.parent_code == "GD-02"
    assert (sub.number, sub.sub_number) == (2, 3)
    assert catalogue.get("GD-02").sub_item_codes == ("GD-02-1", "GD-02-2", "GD-02-3", "GD-02-4")
    assert catalogue.get("GD-02").parent_code is None


def test_sc1_items_lists_sub_items_right_after_their_parent_in_code_order(catalogue):
    codes = [item.code for item in catalogue.items()]
    assert codes[:7] == ["GD-01", "GD-02", "GD-02-1", "GD-02-2", "GD-02-3", "GD-02-4", "GD-03"]
    assert len(codes) == len(set(codes)) == 39  # 35 items + GD-02's four sub-items


def test_sc1_unknown_code_gives_none(catalogue):
    assert catalogue.get("GD-99") is None
    assert "GD-99" not in catalogue


def test_sc1_search_matches_a_substring_of_the_name(catalogue):
    found = [item.code for item in catalogue.search("异地")]
    assert found == ["GD-14", "GD-15", "GD-16", "GD-17", "GD-19"]


def test_sc1_search_finds_sub_items_too(catalogue):
    assert [item.code for item in catalogue.search("个人账户")] == ["GD-02-3", "GD-02-4", "GD-12"]


def test_sc1_search_without_match_is_empty(catalogue):
    assert catalogue.search("不存在的事项") == ()


def test_sc2_time_limit_exception_gives_the_special_case_limit(catalogue):
    limit = catalogue.get("GD-02-3").time_limit
    assert (limit.kind, limit.days) == (TimeLimitKind.WORKING_DAYS, 30)
    assert limit.for_case("个人账户申办").days == 8
    assert limit.for_case(None).days == 30


def test_sc3_the_province_says_only_that_local_rules_apply_to_gd12(catalogue):
    item = catalogue.get("GD-12")
    assert item.local_rules == () and item.local_rules_note == "部分地市按当地规定执行"
    assert item.process_kind is ProcessKind.COMMON  # the five steps are a city's version (plugins/shenzhen)


def test_sc1_common_rules_come_from_item_36(catalogue):
    rules = catalogue.common_rules
    assert "身份证" in rules.identity_documents and rules.identity_documents_open
    assert {r.id for r in rules.rules} == {"proxy", "first_payment_bank_account"}
    assert rules.rule("first_payment_bank_account").materials[0].any_of == ("参保人银行账户信息",)


def test_sc1_override_returns_a_new_catalogue_and_leaves_the_original_unchanged(catalogue):
    original = catalogue.get("GD-22")
    local = replace(original, notes=("中山市：社区门诊选点，每年可变更一次",))
    overridden = catalogue.with_override(local)
    assert overridden.get("GD-22").notes == ("中山市：社区门诊选点，每年可变更一次",)
    assert catalogue.get("GD-22") is original
    assert catalogue.get("GD-22").notes == ()
    assert len(overridden) == len(catalogue)
    assert overridden.get("GD-14") is catalogue.get("GD-14")


def test_sc1_override_of_an_unknown_code_is_refused(catalogue):
    stray = replace(catalogue.get("GD-22"), code="GD-99")
    with pytest.raises(KeyError):
        catalogue.with_override(stray)
