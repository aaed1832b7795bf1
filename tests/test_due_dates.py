"""Due dates on the Chinese working-day calendar (SC-2).

The 2026 dates below were checked against chinesecalendar 1.11.0's data: Spring Festival
2026-02-15..02-23 off with Saturdays 02-14 and 02-28 worked; Mid-Autumn 09-25..09-27 and National
Day 10-01..10-07 off with Sunday 09-20 and Saturday 10-10 worked. The package has no 2027 data.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from yibao.core.catalogue.calendar import WorkingCalendar, YearSchedule, parse_schedule
from yibao.core.catalogue.due_dates import due_date
from yibao.core.catalogue.items import TimeLimit, TimeLimitKind, load_catalogue

CAL = WorkingCalendar()
WORKING = TimeLimit(TimeLimitKind.WORKING_DAYS, 5, "不超过5个工作日")
WINDOW_ONLINE_2 = TimeLimit(TimeLimitKind.WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS, 2, "窗口即时办结/线上不超过2个工作日")

# A test fixture shaped like an operator's file; NOT the official 2027 arrangement.
SCHEDULE_2027 = {
    "year": 2027,
    "source": "测试用安排（非官方）",
    "holidays": ["2027-01-01", "2027-01-04"],
    "workdays": ["2027-01-09"],
}


def test_sc2_national_day_2026_is_skipped():
    """Wednesday 09-30 + 2 working days: 10-01..10-07 off, so 10-08 and 10-09."""
    assert CAL.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_sc2_national_day_2026_adjusted_saturday_counts():
    """Tuesday 09-29 + 4: 09-30, 10-08, 10-09, then Saturday 10-10 (调休上班)."""
    assert CAL.add_working_days(date(2026, 9, 29), 4) == date(2026, 10, 10)


def test_sc2_adjusted_sunday_before_national_day_counts():
    """Friday 09-18 + 1: Sunday 09-20 is a working day (调休)."""
    assert CAL.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_sc2_spring_festival_2026_adjusted_saturday_counts():
    """Friday 02-13 + 1: Saturday 02-14 is a working day."""
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_sc2_spring_festival_2026_is_skipped():
    """Thursday 02-12 + 3: 02-13, 02-14 (Saturday, worked), then 02-15..02-23 off, so 02-24."""
    assert CAL.add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_sc2_submission_day_does_not_count():
    """Monday 2026-09-28 + 2 working days is Wednesday 09-30."""
    assert CAL.add_working_days(date(2026, 9, 28), 2) == date(2026, 9, 30)
    assert CAL.add_working_days(date(2026, 9, 28), 0) == date(2026, 9, 28)


def test_sc2_working_days_due_date_over_national_day():
    due = due_date(WORKING, date(2026, 9, 30), online=False, calendar=CAL)
    assert due.date == date(2026, 10, 13)  # 10-08, 10-09, 10-10 (Sat), 10-12, 10-13
    assert (due.kind, due.days, due.fallback) == (TimeLimitKind.WORKING_DAYS, 5, False)
    assert due.note_zh == "不超过5个工作日"
    assert due.note_en == "within 5 working days"


def test_sc2_natural_days_count_every_calendar_day():
    """GD-32 医疗机构申请定点协议管理: 90 natural days, holidays included."""
    limit = load_catalogue().get("GD-32").time_limit
    due = due_date(limit, date(2026, 9, 30), online=False, calendar=CAL)
    assert due.date == date(2026, 12, 29)
    assert (due.kind, due.days, due.fallback) == (TimeLimitKind.NATURAL_DAYS, 90, False)


def test_sc2_window_is_immediate():
    due = due_date(WINDOW_ONLINE_2, date(2026, 9, 30), online=False, calendar=CAL)
    assert due.date == date(2026, 9, 30)
    assert due.note_zh == "窗口即时办结"


def test_sc2_online_takes_working_days():
    due = due_date(WINDOW_ONLINE_2, date(2026, 9, 30), online=True, calendar=CAL)
    assert due.date == date(2026, 10, 9)
    assert due.note_zh == "线上不超过2个工作日"


def test_sc2_immediate_is_the_submission_day():
    due = due_date(TimeLimit(TimeLimitKind.IMMEDIATE), date(2026, 10, 3), online=True, calendar=CAL)
    assert due.date == date(2026, 10, 3)


def test_sc2_not_stated_gives_no_date():
    due = due_date(TimeLimit(TimeLimitKind.NOT_STATED), date(2026, 10, 3), online=True, calendar=CAL)
    assert due.date is None and not due.fallback


def test_sc2_chinese_calendar_covers_2026_but_not_2027():
    assert CAL.coverage(2026) == "chinese_calendar"
    assert CAL.coverage(2027) == "weekdays"


def test_sc2_late_december_2026_runs_into_january_2027_on_weekdays():
    """Wednesday 2026-12-30 + 5: 12-31, then 2027 counted Monday-Friday: 01-01, 01-04, 01-05, 01-06."""
    due = due_date(WORKING, date(2026, 12, 30), online=False, calendar=CAL)
    assert due.date == date(2027, 1, 6)
    assert due.fallback is True


def test_sc2_fallback_notes_say_so_in_both_languages():
    due = due_date(WORKING, date(2026, 12, 30), online=False, calendar=CAL)
    assert "2027年的法定节假日安排尚未载入，按周一至周五计算工作日" in due.note_zh
    assert "no official holiday schedule loaded for 2027; working days counted as Monday to Friday" in due.note_en


def test_sc2_days_within_a_covered_year_are_not_a_fallback():
    """Wednesday 2026-12-23 + 5 ends Wednesday 12-30, all within 2026."""
    due = due_date(WORKING, date(2026, 12, 23), online=False, calendar=CAL)
    assert due.date == date(2026, 12, 30)
    assert due.fallback is False


def test_sc2_operator_loaded_schedule_changes_the_answer():
    """With 01-01 and 01-04 off and Saturday 01-09 worked: 12-31, 01-05, 01-06, 01-07, 01-08."""
    calendar = CAL.with_schedule(parse_schedule(json.dumps(SCHEDULE_2027)))
    due = due_date(WORKING, date(2026, 12, 30), online=False, calendar=calendar)
    assert due.date == date(2027, 1, 8)
    assert due.fallback is False
    assert calendar.coverage(2027) == "loaded"
    assert calendar.add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 9)


def test_sc2_loaded_schedule_wins_over_the_package():
    """An operator correction for 2026 replaces chinese_calendar's answer for that year."""
    schedule = YearSchedule(2026, frozenset({date(2026, 10, 8)}), frozenset(), "测试用更正（非官方）")
    calendar = WorkingCalendar({2026: schedule})
    assert calendar.coverage(2026) == "loaded"
    assert not calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 1))  # the loaded schedule lists only 10-08
    assert CAL.is_working_day(date(2026, 10, 8))


def test_sc2_loading_a_schedule_leaves_the_original_calendar_alone():
    CAL.with_schedule(parse_schedule(json.dumps(SCHEDULE_2027)))
    assert CAL.coverage(2027) == "weekdays"


def test_sc2_parse_schedule_reads_the_file():
    schedule = parse_schedule(json.dumps(SCHEDULE_2027, ensure_ascii=False))
    assert schedule.year == 2027
    assert schedule.holidays == frozenset({date(2027, 1, 1), date(2027, 1, 4)})
    assert schedule.workdays == frozenset({date(2027, 1, 9)})
    assert schedule.source == "测试用安排（非官方）"


def test_sc2_parse_schedule_rejects_a_date_of_another_year():
    text = json.dumps({**SCHEDULE_2027, "holidays": ["2027-01-01", "2026-12-31"]})
    with pytest.raises(ValueError, match="2026-12-31"):
        parse_schedule(text)


def test_sc2_parse_schedule_rejects_a_day_both_holiday_and_workday():
    text = json.dumps({**SCHEDULE_2027, "workdays": ["2027-01-01"]})
    with pytest.raises(ValueError, match="both holiday and workday"):
        parse_schedule(text)


def test_sc2_parse_schedule_rejects_a_missing_key():
    text = json.dumps({"year": 2027, "source": "x", "holiday": []})
    with pytest.raises(ValueError, match="missing holidays, workdays"):
        parse_schedule(text)


def test_sc2_far_future_year_never_fails():
    assert CAL.coverage(2100) == "weekdays"
    assert CAL.add_working_days(date(2100, 1, 1), 1) == date(2100, 1, 4)  # Friday → Monday
