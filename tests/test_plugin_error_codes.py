"""A city's own refusal codes (hook yibao_error_codes) become values of the schema's ErrorCode enum."""

from __future__ import annotations

import pytest

from yibao.core import error_codes
from yibao.core.domain import CityInfo
from yibao.core.error_codes import CodeInfo
from yibao.core.hookspecs import hookimpl
from yibao.core.plugins import PluginError, PluginHost
from yibao.schema.build import schema, schema_for
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


def test_hook_yibao_error_codes():
    # The built enum is the registry plus what installed plugins declare; every value is described.
    enum = schema._schema.type_map["ErrorCode"]
    assert set(enum.values) == set(error_codes.REGISTRY) | set(error_codes.installed_plugin_codes()) == set(CODES)
    assert all(v.description for v in enum.values.values())
    # A plugin loaded outside the entry point (here, in a test) brings its own codes into the
    # schema its app serves, described; the installed schema (and schema.graphql) is unchanged.
    own = schema_for(PluginHost.load(extra=[example_city, _OwnCode()]))
    values = own._schema.type_map["ErrorCode"].values
    assert values["NOT_IN_HEALTH_GROUP"].description == "该机构不属于您所在的医共体。 Not in your medical alliance."
    assert {"CHANGE_CLOSED", "EX_NOT_LISTED", "WITHDRAWAL_TOO_LATE"} <= set(values)
    assert "NOT_IN_HEALTH_GROUP" not in enum.values
    assert schema_for(PluginHost.load()) is schema
    with pytest.raises(PluginError, match="another meaning"):
        schema_for(PluginHost.load(extra=[_Conflicting()]))


async def test_a_city_refuses_with_its_own_code_over_graphql(yibao_client, new_id):
    # EX-4 of the example city (tests/plugins): its own code reaches the client as an ErrorCode value.
    body = await yibao_client("{ __type(name: \"ErrorCode\") { enumValues { name } } }")
    assert "EX_NOT_LISTED" in {v["name"] for v in body.data["__type"]["enumValues"]}


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
