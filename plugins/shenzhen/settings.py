"""Shenzhen's operator settings (SZ-4): the sources disagree, so the cut-off day and the exemptions
are settings with these defaults; an operator changes them without a code edit, e.g.
`YIBAO_SETTING_SHENZHEN_CHANGE_CUTOFF_DAY=15` or the YIBAO_SETTINGS_FILE JSON file."""

from __future__ import annotations

from dataclasses import dataclass

from yibao.core.settings import PluginSetting, PluginSettings, SettingType

CUTOFF_DAY = "change_cutoff_day"
CHILD_AGE = "immediate_change_under_age"
STUDENTS = "immediate_change_for_students"

DECLARED = [
    PluginSetting(CUTOFF_DAY, SettingType.INT, 20,
                  "每月变更截止日：当日及之前申请的变更于次月1日生效，之后申请的于下下月1日生效",
                  "the monthly cut-off day: a change made on or before it takes effect on the 1st of next month, "
                  "after it on the 1st of the month after", minimum=1, maximum=28, rule="SZ-4"),
    PluginSetting(CHILD_AGE, SettingType.INT, 14,
                  "未满该周岁的儿童变更绑定即时生效（0表示不设儿童例外）",
                  "children under this age (on the request day) change at once; 0 turns the exemption off",
                  minimum=0, maximum=18, rule="SZ-4"),
    PluginSetting(STUDENTS, SettingType.BOOL, True,
                  "经办机构登记为在校学生的参保人变更绑定即时生效",
                  "persons an agency recorded as students change at once", rule="SZ-4"),
]


@dataclass(frozen=True, slots=True)
class ChangeSettings:
    """SZ-4 as configured."""

    cutoff_day: int = 20
    immediate_under_age: int = 14
    immediate_for_students: bool = True

    @classmethod
    def read(cls, settings: PluginSettings) -> ChangeSettings:
        return cls(settings.integer(CUTOFF_DAY, 20), settings.integer(CHILD_AGE, 14),
                   settings.flag(STUDENTS, True))
