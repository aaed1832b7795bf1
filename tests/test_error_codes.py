"""One error-code registry (core/error_codes.py): the schema's ErrorCode enum, the README's list and
every code string in the source come from it; every top-level error has one shape, in the caller's
language; UserError carries the facts a frontend acts on (nextPossibleOn, pendingSelectionId, phones)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from yibao.core.error_codes import REGISTRY, readme_block
from yibao.schema.build import schema
from yibao.schema.errors import preferred_language

from .support import DONGQU_CENTRE, SHIQI_CENTRE, counts

ROOT = Path(__file__).resolve().parents[1]
UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
CODE_CALLS = {"UserError": 0, "ErrorText": 0, "coded_error": 0, "info": 0, "CliError": 0,  # code is the first argument
              "RequestError": 2, "NotAuthenticated": 2, "Forbidden": 2, "BadArgument": 2}  # third, or code=


def codes_in(source: str) -> set[str]:
    """Every code string a source file uses: error constructors, `code = "…"`, {"code": "…"}, `.code == "…"`."""
    found: set[str] = set()

    def text(node: ast.AST | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CODE_CALLS:
                position = CODE_CALLS[name]
                if len(node.args) > position:
                    text(node.args[position])
                for kw in node.keywords:
                    if kw.arg == "code":
                        text(kw.value)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                text(node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "code" and isinstance(value, ast.Constant) \
                        and UPPER_SNAKE.fullmatch(str(value.value)):  # not prose keyed "code" (descriptions)
                    text(value)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(getattr(s, "attr", None) == "code" or getattr(s, "id", None) == "code" for s in sides):
                for s in sides:
                    text(s)
    return found


def source_files() -> list[Path]:
    return sorted(p for folder in ("core", "schema", "plugins") for p in (ROOT / folder).rglob("*.py"))


def test_every_code_string_in_the_source_is_registered():
    unregistered = {f"{path.relative_to(ROOT)}: {code}" for path in source_files()
                    for code in codes_in(path.read_text("utf-8")) if code not in REGISTRY}
    assert not unregistered, "register these codes in core/error_codes.py:\n" + "\n".join(sorted(unregistered))


def test_the_scan_finds_codes_in_every_shape_it_looks_for():  # positive control for the test above
    sample = '''
UserError("NEW_CODE_A", "中", "en")
raise BadArgument("中", "en", "NEW_CODE_B")
raise Forbidden("中", "en", code="NEW_CODE_C")
class X(RequestError):
    code = "NEW_CODE_D"
ext = {"code": "NEW_CODE_E"}
if error.code == "NEW_CODE_F": pass
'''
    assert codes_in(sample) == {f"NEW_CODE_{c}" for c in "ABCDEF"}
    assert codes_in('UserError(e.code, "中", "en")') == set()  # a forwarded code is checked where it was made
    assert len([c for p in source_files() for c in codes_in(p.read_text("utf-8"))]) > 40  # the scan sees the tree


def test_readme_lists_exactly_the_registered_codes():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme_block() in readme, "regenerate the README's list with:\n" + readme_block()


def test_schema_error_code_enum_is_the_registry_with_a_description_per_value():
    enum = schema._schema.type_map["ErrorCode"]
    assert list(enum.values) == list(REGISTRY)
    for name, value in enum.values.items():
        assert value.description and REGISTRY[name].zh in value.description and REGISTRY[name].en in value.description
    user_error = schema._schema.type_map["UserError"]
    assert str(user_error.fields["code"].type) == "ErrorCode!"  # CONTRACT: UserError.code: ErrorCode!


@pytest.mark.parametrize(("header", "language"), [
    (None, "zh"), ("", "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    ("fr-FR, en;q=0.5, zh;q=0.4", "en"), ("en;q=0.3, zh-TW;q=0.6", "zh"), ("de", "zh"), ("en;q=0", "zh"),
    ("en;q=oops", "zh"),
])
def test_accept_language(header, language):
    assert preferred_language(header) == language


def assert_shaped(error: dict, code: str, language: str = "zh") -> None:
    ext = error["extensions"]
    assert ext["code"] == code and ext["code"] in REGISTRY
    assert ext["message"] and ext["messageEn"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ext["message"]), ext  # the Chinese text is Chinese
    assert error["message"] == (ext["messageEn"] if language == "en" else ext["message"])


PERSON_QUERY = '{ person(idNumber: "442000199001011233") { name } }'


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_top_level_error_has_the_one_shape_in_the_callers_language(yibao_client, language):
    headers = {"Accept-Language": "en-GB,en;q=0.9"} if language == "en" else {}
    cases = [
        ("UNAUTHENTICATED", PERSON_QUERY, None),
        ("FORBIDDEN", '{ persons(city: "zhongshan") { totalCount } }', yibao_client.token("person", person="442000199001011233")),
        ("INVALID_TOKEN", "{ cities { code } }", "not-a-token"),
        ("GRAPHQL_PARSE_FAILED", "{ cities { code ", None),
        ("GRAPHQL_VALIDATION_FAILED", "{ cities { nope } }", None),
        ("UNKNOWN_CITY", '{ institutions(city: "atlantis") { totalCount } }', None),
        ("INVALID_ID", '{ node(id: "garbage") { id } }', yibao_client.token("admin")),
    ]
    for code, query, token in cases:
        result = await yibao_client(query, token=token, headers=headers)
        assert result.errors, (code, result)
        assert_shaped(result.errors[0], code, language)


async def test_variable_of_the_wrong_type_is_a_coded_client_error(yibao_client):
    result = await yibao_client("query($c: String!) { institutions(city: $c) { totalCount } }", {"c": 5})
    assert result.errors and result.errors[0]["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    assert_shaped(result.errors[0], result.errors[0]["extensions"]["code"])


FACTS = "errors { code field message messageEn nextPossibleOn pendingSelectionId phones pendingSelection { id status effectiveFrom } }"
SELECT_FACTS = f"""
mutation($input: SelectInstitutionInput!) {{
  selectInstitution(input: $input) {{ selection {{ id effectiveFrom }} {FACTS} }}
}}"""


async def select(city, id_number: str, code: str, on: str, replaces: str | None = None) -> dict:
    payload = {"idNumber": id_number, "kind": "GENERAL_OUTPATIENT", "institutionCode": code, "channel": "YUEYIBAO"}
    if replaces:
        payload["replacesSelectionId"] = replaces
    result = await city.client(SELECT_FACTS, {"input": payload}, token=city.person_token(id_number), today=on)
    assert result.errors is None, result.errors
    return result.data["selectInstitution"]


async def test_kp4_outside_the_window_says_when_it_opens_and_whom_to_phone(kaiping, new_id):
    pid = new_id("440783")
    await kaiping.register(pid, "EMPLOYEE", on="2024-03-05")
    await select(kaiping, pid, "H44078300001", "2024-03-05")
    refused = await select(kaiping, pid, "H44078300002", "2024-09-30")
    error = next(e for e in refused["errors"] if e["code"] == "OUTSIDE_CHANGE_WINDOW")
    assert error["nextPossibleOn"] == "2024-10-01"
    assert error["phones"] == ["2256983", "2259876"]
    assert error["pendingSelectionId"] is None and error["pendingSelection"] is None


async def test_zs4_second_change_names_the_pending_change_and_next_month(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-05-01")
    await select(zhongshan, pid, SHIQI_CENTRE, "2026-05-02")
    change = (await select(zhongshan, pid, DONGQU_CENTRE, "2026-05-10"))["selection"]
    rows = await counts(yibao_platform)
    refused = await select(zhongshan, pid, SHIQI_CENTRE, "2026-05-20")
    limit = next(e for e in refused["errors"] if e["code"] == "CHANGE_LIMIT_REACHED")
    assert limit["nextPossibleOn"] == "2026-06-01"
    assert limit["pendingSelectionId"] == change["id"]  # withdrawable: a link to it, not prose
    assert limit["pendingSelection"] == {"id": change["id"], "status": "PENDING", "effectiveFrom": "2026-06-01"}
    assert limit["phones"] == []
    pending = next(e for e in refused["errors"] if e["code"] == "PENDING_CHANGE_EXISTS")
    assert pending["pendingSelectionId"] == change["id"]
    assert await counts(yibao_platform) == rows
