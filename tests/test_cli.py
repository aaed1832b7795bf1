"""The `yibao` command: token, db upgrade, institutions import, schema, and a real `serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest

from yibao.core.testkit.server import running_server


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yibao.schema.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    return env


def test_token_uses_a_generated_development_key_kept_beside_the_database(env, tmp_path):
    out = run(["token", "--role", "agency", "--city", "zhongshan", "--ttl", "60"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    key = (tmp_path / ".yibao-secret").read_text()
    claims = jwt.decode(out.stdout.strip(), key, algorithms=["HS256"], issuer="yibao")
    assert (claims["role"], claims["city"], claims["exp"] - claims["iat"]) == ("agency", "zhongshan", 60)
    again = run(["token", "--role", "admin"], env, tmp_path)
    jwt.decode(again.stdout.strip(), key, algorithms=["HS256"], issuer="yibao")  # same key the second time


def test_token_with_yibao_secret_and_missing_person(env, tmp_path):
    env["YIBAO_SECRET"] = "x" * 40
    out = run(["token", "--role", "person", "--person", "442000199001011233"], env, tmp_path)
    assert jwt.decode(out.stdout.strip(), "x" * 40, algorithms=["HS256"], issuer="yibao")["person"] == "442000199001011233"
    missing = run(["token", "--role", "person"], env, tmp_path)
    assert missing.returncode != 0 and "--person" in missing.stderr


def test_db_upgrade_then_import_institutions(env, tmp_path):
    out = run(["db", "upgrade"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    data = tmp_path / "stations.json"
    data.write_text(json.dumps({"institutions": [{
        "code": "H44200199100", "name": "导入测试社区卫生服务站", "level": "LEVEL_1_OR_BELOW",
        "category": "社区卫生服务站", "town": "石岐街道", "division_code": "442000"}]}, ensure_ascii=False))
    out = run(["institutions", "import", str(data), "--city", "zhongshan"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "imported 1" in out.stdout


def test_schema_check_detects_a_stale_file(env, tmp_path):
    stale = tmp_path / "old.graphql"
    stale.write_text("type Query { old: Int }\n")
    assert run(["schema", "--check", str(stale)], env, tmp_path).returncode == 1
    current = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"
    assert run(["schema", "--check", str(current)], env, tmp_path).returncode == 0


def test_serve_brings_up_graphiql_and_answers_the_first_queries(env, tmp_path):
    with running_server({"YIBAO_DATABASE_URL": env["YIBAO_DATABASE_URL"]}, cwd=tmp_path) as base:
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        answer = httpx.post(f"{base}/graphql", json={"query": '{ cities { code } institutions(city: "zhongshan", search: "shiqi") { edges { node { name } } } }'}).json()
        assert {c["code"] for c in answer["data"]["cities"]} == {"zhongshan", "jiangmen_kaiping", "shenzhen"}
        assert "中山市石岐街道社区卫生服务中心" in [e["node"]["name"] for e in answer["data"]["institutions"]["edges"]]
        assert (tmp_path / "cli.db").exists()


def test_persons_import_legacy_state_and_refusal(env, tmp_path):
    from yibao.core.testkit.ids import make_id_number, with_wrong_check

    good = {"persons": [{"idNumber": make_id_number("440783"), "name": "旧规则参保人", "city": "jiangmen_kaiping",
                         "schemes": [{"scheme": "EMPLOYEE", "validFrom": "2020-01-01"}],
                         "selections": [{"institutionCode": "H44078300003", "slot": "GENERAL_1",
                                         "scheme": "EMPLOYEE", "effectiveFrom": "2022-10-05"}]}]}
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(good, ensure_ascii=False))
    out = run(["persons", "import", str(path)], env, tmp_path)
    assert out.returncode == 0 and "imported 1 persons" in out.stdout, out.stderr
    bad = {"persons": [dict(good["persons"][0], idNumber=with_wrong_check(make_id_number("440783", sequence=7)))]}
    path.write_text(json.dumps(bad, ensure_ascii=False))
    out = run(["persons", "import", str(path)], env, tmp_path)
    assert out.returncode == 1 and "INVALID_ID_NUMBER" in out.stderr


def test_calendar_load_and_a_bad_schedule(env, tmp_path):
    schedule = tmp_path / "2027.json"
    schedule.write_text(json.dumps({"year": 2027, "source": "测试用安排（非官方）",
                                    "holidays": ["2027-01-01"], "workdays": []}, ensure_ascii=False))
    out = run(["calendar", "load", str(schedule)], env, tmp_path)
    assert out.returncode == 0 and "loaded the 2027 schedule: 1 holidays" in out.stdout, out.stderr
    schedule.write_text(json.dumps({"year": 2027, "source": "x", "holidays": ["2028-01-01"], "workdays": []}))
    bad = run(["calendar", "load", str(schedule)], env, tmp_path)
    assert bad.returncode == 1 and "INVALID_SCHEDULE" in bad.stderr
