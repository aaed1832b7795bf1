"""The province-wide defaults plugin, hook by hook, called directly (no city overrides)."""

from __future__ import annotations

import types
from datetime import date

from yibao.core import defaults
from yibao.core.domain import (
    Channel,
    Institution,
    InstitutionLevel,
    Person,
    PersonInput,
    Scheme,
    SchemePeriod,
    Selection,
    SelectionKind,
    SelectionRequest,
)
from yibao.plugins import jiangmen_kaiping, shenzhen, zhongshan

TODAY = date(2026, 6, 15)
PERSON = Person(id=1, id_number="x", name="n", city="testville", schemes=(SchemePeriod(Scheme.EMPLOYEE, date(2020, 1, 1)),))
CLINIC = Institution(code="H44999900001", name="测试诊所", city="testville", level=InstitutionLevel.LEVEL_1_OR_BELOW,
                     category="诊所", division_code="449999")
ELSEWHERE = Institution(code="H44888800001", name="外市诊所", city="othertown", level=InstitutionLevel.LEVEL_1_OR_BELOW,
                        category="诊所", division_code="448888")


def request(inst=CLINIC, *, replaces=None, history=(), person=PERSON, kind=SelectionKind.GENERAL_OUTPATIENT):
    slots = tuple(defaults.yibao_selection_slots(person=person, kind=kind, today=TODAY))
    slot = next((s for s in slots if s.accepts(inst)), None)
    return SelectionRequest(person=person, kind=kind, institution=inst, channel=Channel.WINDOW, today=TODAY,
                            slot=slot, slots=slots, replaces=replaces, history=tuple(history))


def selection(id_, inst=CLINIC, **kw):
    base = dict(person_id=1, kind=SelectionKind.GENERAL_OUTPATIENT, slot="GENERAL_OUTPATIENT", institution=inst,
                effective_from=date(2026, 1, 1), effective_to=date(2099, 12, 31), scheme=Scheme.EMPLOYEE,
                channel=Channel.WINDOW, created_on=date(2026, 1, 1))
    base.update(kw)
    return Selection(id=id_, **base)


def test_yibao_selection_slots_one_slot_per_kind():
    for kind in SelectionKind:
        slots = defaults.yibao_selection_slots(person=PERSON, kind=kind, today=TODAY)
        assert [s.key for s in slots] == [kind.value]


def test_yibao_validate_selection_accepts_a_plain_first_choice():
    assert defaults.yibao_validate_selection(request=request()) == []


def test_yibao_validate_selection_collects_every_reason():
    uninsured = Person(id=2, id_number="y", name="n", city="testville", schemes=())
    codes = {e.code for e in defaults.yibao_validate_selection(request=request(ELSEWHERE, person=uninsured))}
    assert codes == {"NOT_INSURED", "INSTITUTION_OTHER_CITY"}


def test_yibao_validate_selection_refuses_a_second_pending_change_and_the_same_institution():
    current = selection(1)
    pending = selection(2, replaces_id=1, effective_from=date(2026, 7, 1))
    codes = {e.code for e in defaults.yibao_validate_selection(request=request(replaces=current, history=[current, pending]))}
    assert codes == {"PENDING_CHANGE_EXISTS", "SAME_INSTITUTION"}


def test_yibao_validate_selection_refuses_an_institution_without_the_service():
    no_prenatal = request(kind=SelectionKind.PRENATAL)
    assert [e.code for e in defaults.yibao_validate_selection(request=no_prenatal)] == ["INSTITUTION_NOT_ELIGIBLE"]


def test_yibao_first_choice_and_change_effective_dates_default_to_today():
    assert defaults.yibao_first_choice_effective_date(request=request()) == TODAY
    assert defaults.yibao_change_effective_date(request=request(replaces=selection(1))) == TODAY


def test_yibao_validate_withdrawal_has_no_provincial_objection():
    assert defaults.yibao_validate_withdrawal(selection=selection(1), today=TODAY) == []


def test_yibao_validate_person_checks_the_tier():
    ok = PersonInput("testville", "x", Scheme.EMPLOYEE, 2, TODAY, TODAY)
    bad = PersonInput("testville", "x", Scheme.EMPLOYEE, 9, TODAY, TODAY)
    assert defaults.yibao_validate_person(person=ok) == []
    assert [e.code for e in defaults.yibao_validate_person(person=bad)] == ["INVALID_TIER"]


def test_yibao_coverage_is_the_selected_institutions():
    filters = defaults.yibao_coverage(person=PERSON, kind=SelectionKind.GENERAL_OUTPATIENT,
                                      selections=[selection(1)], on=TODAY)
    assert [f.codes for f in filters] == [(CLINIC.code,)]


def test_yibao_city_reference_data_and_rule_sets_of_shipped_cities():
    assert [p.yibao_city().code for p in (zhongshan, jiangmen_kaiping, shenzhen)] == [
        "zhongshan", "jiangmen_kaiping", "shenzhen"]
    assert len(zhongshan.yibao_reference_data().towns) == 23
    assert len(jiangmen_kaiping.yibao_reference_data().institutions) == 30
    assert zhongshan.yibao_rule_sets()[0].applies_on(TODAY)


def test_yibao_selection_needs_review_defaults_to_no_and_zhongshan_reviews_the_portal():
    from dataclasses import replace

    from yibao.plugins.zhongshan import rules

    assert defaults.yibao_selection_needs_review(request=request()) is False
    portal = replace(request(), channel=Channel.GD_GOV_PORTAL)
    assert rules.yibao_selection_needs_review(request=portal) is True  # ZS-6: staff review
    assert rules.yibao_selection_needs_review(request=replace(portal, channel=Channel.YUEYIBAO)) is False
    assert rules.yibao_selection_needs_review(request=replace(portal, kind=SelectionKind.PRENATAL)) is None


def test_yibao_service_item_defaults_leave_items_alone():
    """A city without its own yibao_service_item gets every item exactly as the province gives it;
    a city with one gets its change (the positive control: the same call can change an item)."""
    from dataclasses import replace

    from yibao.core.catalogue.items import load_catalogue
    from yibao.core.domain import CityInfo
    from yibao.core.hookspecs import hookimpl
    from yibao.core.plugins import PluginHost

    plain = types.ModuleType("plain_city")
    plain.yibao_city = hookimpl(lambda: CityInfo("plain", "平常市", "449970"))
    local = types.ModuleType("local_city")
    local.yibao_city = hookimpl(lambda: CityInfo("local", "本地市", "449971"))
    local.yibao_service_item = hookimpl(lambda item: replace(item, notes=(*item.notes, "本地")))
    host = PluginHost.load(entry_points=False, extra=[plain, local])
    for item in load_catalogue():
        assert host.adjust("plain", "yibao_service_item", "item", item) is item, item.code
    item = load_catalogue().get("GD-22")
    assert host.adjust("local", "yibao_service_item", "item", item).notes[-1] == "本地"


def test_rf4_a_remote_choice_is_made_with_the_filing():
    remote = request(kind=SelectionKind.REMOTE)
    assert "USE_REMOTE_FILING" in {e.code for e in defaults.yibao_validate_selection(request=remote)}
