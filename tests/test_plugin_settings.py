"""Plugin settings (the yibao_settings hook): declared with defaults and descriptions, overridden by an
operator through YIBAO_SETTING_<CITY>_<NAME> or the YIBAO_SETTINGS_FILE JSON file, validated at
start-up, visible in `plugins`, and read by rules from the request they judge."""

from __future__ import annotations

import json
import types
from datetime import timedelta

import pytest

from yibao.core.domain import CityInfo, Institution, InstitutionLevel, ReferenceData
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginError, PluginHost
from yibao.core.settings import PluginSetting, SettingSource, SettingType

from .support import City
from .test_person_birth_date_and_categories import make_id_number

CITY = "setville"
CLINIC = "H44999800001"


def setville() -> types.ModuleType:
    module = types.ModuleType("city_setville")
    module.yibao_city = hookimpl(lambda: CityInfo(code=CITY, name="设置市", division_code="449998"))
    data = ReferenceData(institutions=(Institution(CLINIC, "设置诊所", CITY, InstitutionLevel.LEVEL_1_OR_BELOW, "诊所",
                                                   division_code="449998"),))
    module.yibao_reference_data = hookimpl(lambda: data)
    module.yibao_settings = hookimpl(lambda: [
        PluginSetting("grace_days", SettingType.INT, 3, "首次选点延后生效天数", "days before a first choice takes effect",
                      minimum=0, maximum=30, rule="TEST-1"),
        PluginSetting("strict", SettingType.BOOL, False, "严格模式", "strict mode"),
    ])

    @hookimpl
    def yibao_first_choice_effective_date(request):
        # the rule reads the operator's value from the request it judges
        return request.today + timedelta(days=request.settings.integer("grace_days", 0))

    module.yibao_first_choice_effective_date = yibao_first_choice_effective_date
    return module


def load(environ: dict[str, str]) -> PluginHost:
    return PluginHost.load(entry_points=False, extra=[setville()], environ=environ)


def test_hook_yibao_settings(tmp_path):
    defaults = load({}).settings(CITY)
    assert (defaults.get("grace_days"), defaults.get("strict")) == (3, False)
    assert {r.spec.name: r.source for r in defaults.resolved} == {
        "grace_days": SettingSource.DEFAULT, "strict": SettingSource.DEFAULT}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({CITY: {"grace_days": 7, "strict": True}}))
    from_file = load({"YIBAO_SETTINGS_FILE": str(path)}).settings(CITY)
    assert (from_file.get("grace_days"), from_file.get("strict")) == (7, True)
    both = load({"YIBAO_SETTINGS_FILE": str(path), "YIBAO_SETTING_SETVILLE_GRACE_DAYS": " 10 "}).settings(CITY)
    assert both.get("grace_days") == 10  # the environment wins over the file
    assert {r.spec.name: r.source for r in both.resolved} == {
        "grace_days": SettingSource.ENVIRONMENT, "strict": SettingSource.FILE}


@pytest.mark.parametrize("environ,message", [
    ({"YIBAO_SETTING_SETVILLE_GRACE_DAYS": "three"}, "YIBAO_SETTING_SETVILLE_GRACE_DAYS: setting 'grace_days' must be an integer"),
    ({"YIBAO_SETTING_SETVILLE_GRACE_DAYS": "31"}, "must lie between 0 and 30, got 31"),
    ({"YIBAO_SETTING_SETVILLE_STRICT": "maybe"}, "setting 'strict' must be a boolean"),
    ({"YIBAO_SETTING_SETVILLE_GRACE_DAY": "1"}, "unknown setting(s) for city 'setville': YIBAO_SETTING_SETVILLE_GRACE_DAY"),
    ({"YIBAO_SETTINGS_FILE": "/nonexistent/yibao.json"}, "cannot read the settings file"),
])
def test_a_bad_setting_stops_the_start_up_with_a_clear_error(environ, message):
    with pytest.raises(PluginError) as raised:
        load(environ)
    assert message in str(raised.value)


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    (json.dumps({CITY: {"grace_days": "7"}}), None),  # a JSON string of digits is accepted as an integer
    (json.dumps({CITY: {"grace_days": True}}), "must be an integer"),
    (json.dumps({"atlantis": {"x": 1}}), "names cities no plugin serves: atlantis"),
    (json.dumps({CITY: {"colour": "red"}}), "unknown setting(s) for city 'setville': colour"),
])
def test_settings_file_problems_are_start_up_errors(tmp_path, content, message):
    path = tmp_path / "settings.json"
    path.write_text(content)
    if message is None:
        assert load({"YIBAO_SETTINGS_FILE": str(path)}).settings(CITY).get("grace_days") == 7
        return
    with pytest.raises(PluginError) as raised:
        load({"YIBAO_SETTINGS_FILE": str(path)})
    assert message in str(raised.value)


def test_a_declared_default_of_the_wrong_type_is_a_plugin_error():
    with pytest.raises(ValueError, match="must be an integer"):
        PluginSetting("n", SettingType.INT, "x", "中", "en")


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv("YIBAO_SETTING_SETVILLE_GRACE_DAYS", "5")


@pytest.fixture
def yibao_extra_plugins():
    return [setville()]


PLUGINS = """{ plugins { city settings { name type value default source environmentVariable description descriptionEn rule } } }"""


async def test_plugins_query_shows_settings_and_a_rule_uses_the_configured_value(configured, yibao_client):
    shown = await yibao_client(PLUGINS)
    settings = {p["city"]: p["settings"] for p in shown.data["plugins"]}
    assert settings[CITY][0] == {
        "name": "grace_days", "type": "INT", "value": "5", "default": "3", "source": "ENVIRONMENT",
        "environmentVariable": "YIBAO_SETTING_SETVILLE_GRACE_DAYS", "description": "首次选点延后生效天数",
        "descriptionEn": "days before a first choice takes effect", "rule": "TEST-1"}
    assert settings[CITY][1]["value"] == "false" and settings[CITY][1]["source"] == "DEFAULT"
    # the rule reads the configured value from the request it judges: effective 5 days later, not 3
    city = City(yibao_client, CITY)
    pid = make_id_number("449998", "19900101", 5)
    await city.register(pid, on="2026-05-04")
    body = await city.select(pid, CLINIC, on="2026-05-04")
    assert body["errors"] == []
    assert body["selection"]["effectiveFrom"] == "2026-05-09"
