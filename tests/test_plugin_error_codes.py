"""A city's own refusal codes (hook yibao_error_codes) become values of the schema's ErrorCode enum."""

from __future__ import annotations

import pytest

from yibao.core import error_codes
from yibao.core.domain import CityInfo
from yibao.core.error_codes import CodeInfo
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginError, PluginHost
from yibao.core.platform import Platform, Settings
from yibao.schema.app import create_app
from yibao.schema.build import schema
from yibao.schema.error_types import CODES

from .plugins import example_city


class _Conflicting:
    __name__ = "conflicting-city"

    @staticmethod
    @hookimpl
    def yibao_city():
        return CityInfo("conflict", "冲突市", "449800")

    @staticmethod
    @hookimpl
    def yibao_error_codes():
        return [CodeInfo("NOT_FOUND", "另一个意思。", "Another meaning.")]


class _OwnCode:
    """A city (registered only here, not through the entry point) declaring a code of its own."""

    __name__ = "own-code-city"

    @staticmethod
    @hookimpl
    def yibao_city():
        return CityInfo("owncode", "自有代码市", "449900")

    @staticmethod
    @hookimpl
    def yibao_error_codes():
        return [CodeInfo("NOT_IN_HEALTH_GROUP", "该机构不属于您所在的医共体。", "Not in your medical alliance.")]


def test_hook_yibao_error_codes(tmp_path):
    # The enum is the registry plus what installed plugins declare; every value is described.
    enum = schema._schema.type_map["ErrorCode"]
    assert set(enum.values) == set(error_codes.REGISTRY) | set(error_codes.installed_plugin_codes()) == set(CODES)
    assert all(v.description for v in enum.values.values())
    # A declaration that redefines a registered code stops the start-up, naming it.
    platform = Platform(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", secret="s" * 32),
                        plugins=PluginHost.load(extra=[_Conflicting()]))
    with pytest.raises(PluginError, match="NOT_FOUND is already registered with another meaning"):
        create_app(platform=platform)
    create_app(platform=Platform(platform.settings, plugins=PluginHost.load(extra=[_OwnCode()])))


async def test_a_code_the_schema_lacks_is_served_as_city_rule(yibao_client, new_id):
    # The example city is registered only in tests, so its own TIER_NOT_OFFERED (EX-8) is not an
    # ErrorCode value: it arrives as CITY_RULE with cityCode, with both messages.
    from .support import REGISTER
    from .test_hooks import ON

    token = yibao_client.token("agency", city="exampleville")
    payload = {"idNumber": new_id(), "name": "李四", "city": "exampleville", "scheme": "RESIDENT", "tier": 3}
    query = REGISTER.replace("errors { code", "errors { cityCode code")
    body = (await yibao_client(query, {"input": payload}, token=token, today=ON)).data["registerPerson"]
    assert [(e["code"], e["cityCode"]) for e in body["errors"]] == [("CITY_RULE", "TIER_NOT_OFFERED")]
    assert body["errors"][0]["messageEn"] == "residents choose tier 1 or 2 here"


def test_declared_codes_are_checked_against_the_registry():
    own = CodeInfo("NOT_IN_HEALTH_GROUP", "中。", "en.")
    assert error_codes.declared([[own], None, [own]]) == {"NOT_IN_HEALTH_GROUP": own}
    same = error_codes.REGISTRY["NOT_FOUND"]
    assert error_codes.declared([[same]]) == {}  # restating a registered code adds nothing
    with pytest.raises(ValueError, match="NOT_FOUND.*another meaning"):
        error_codes.declared([[CodeInfo("NOT_FOUND", "别的意思。", "Something else.")]])
    with pytest.raises(ValueError, match="UPPER_SNAKE"):
        error_codes.declared([[CodeInfo("lower-case", "中。", "en.")]])
    with pytest.raises(ValueError, match="another meaning"):
        error_codes.declared([[own], [CodeInfo("NOT_IN_HEALTH_GROUP", "另一个。", "Another.")]])


@pytest.fixture
def yibao_extra_plugins():
    return [example_city]
