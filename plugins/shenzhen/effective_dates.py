"""SZ-4: when a binding takes effect. The first binding at once; a change made by the cut-off day
(default the 20th) on the 1st of next month, after it on the 1st of the month after; a child's or a
student's change at once. The cut-off day and both exemptions are settings (settings.py)."""

from __future__ import annotations

from datetime import date

from yibao.core.domain import PersonCategory, SelectionRequest
from yibao.core.periods import first_of_next_month

from .settings import ChangeSettings


def first_binding(request: SelectionRequest) -> date:
    return request.today  # SZ-4: the first binding is immediate


def change(request: SelectionRequest) -> date:
    rules = ChangeSettings.read(request.settings)
    person, today = request.person, request.today
    age = person.age_on(today)
    if age is not None and age < rules.immediate_under_age:
        return today  # SZ-4: a child's change is immediate
    if rules.immediate_for_students and person.has_category(PersonCategory.STUDENT, today):
        return today  # SZ-4: a student's change is immediate
    next_month = first_of_next_month(today)
    return next_month if today.day <= rules.cutoff_day else first_of_next_month(next_month)
