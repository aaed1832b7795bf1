"""CLI hygiene: every argument is checked before anything runs, each bad one gets a coded one-line
answer and a non-zero exit, never a traceback; every option has help; `yibao token` says which
secret signed the token and finds the server's (the same YIBAO_DATABASE_URL resolution)."""

from __future__ import annotations

import argparse
import json

import jwt
import pytest

from yibao.core.platform import Settings
from yibao.core.testkit.ids import make_id_number, with_wrong_check
from yibao.schema.cli import main, parser

PERSON = make_id_number("442000")


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `yibao ARGS` in-process in an empty folder with its own database; (exit status, stdout, stderr)."""
    for name in ("YIBAO_SECRET", "YIBAO_TRAINING", "YIBAO_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("YIBAO_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse's own refusals: usage and exit status 2
            status = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        assert "Traceback" not in out.err and "Traceback" not in out.out
        return status, out.out, out.err

    return run


@pytest.mark.parametrize(("args", "expected"), [
    (["token", "--role", "agency", "--city", "atlantis"], "UNKNOWN_CITY"),
    (["token", "--role", "institution", "--city", ""], "UNKNOWN_CITY"),
    (["token", "--role", "person", "--person", "12345"], "INVALID_ID_NUMBER"),
    (["token", "--role", "person", "--person", with_wrong_check(PERSON)], "INVALID_ID_NUMBER"),
    (["token", "--role", "person"], "--person"),
    (["token", "--role", "agency"], "--city"),
    (["token", "--role", "admin", "--ttl", "0"], "ttl must be positive"),
    (["token", "--role", "admin", "--ttl", "-60"], "ttl must be positive"),
    (["token", "--role", "admin", "--ttl", "soon"], "ttl must be an integer"),
    (["token", "--role", "king"], "invalid choice"),
    (["token"], "--role"),
    (["serve", "--port", "0"], "1..65535"),
    (["serve", "--port", "70000"], "1..65535"),
    (["serve", "--port", "http"], "must be an integer"),
    (["serve", "--workers", "0"], "workers must be positive"),
    (["institutions", "import", "missing.json", "--city", "zhongshan"], "no such file"),
    (["institutions", "import", "data.json"], "--city"),
    (["persons", "import", "missing.json"], "no such file"),
    (["calendar", "load", "missing.json"], "no such file"),
    ([], "command"),
])
def test_each_bad_argument_is_refused_with_a_message_and_no_traceback(cli, tmp_path, args, expected):
    (tmp_path / "data.json").write_text("[]")
    status, out, err = cli(*args)
    assert status != 0 and out == ""
    assert expected in err, err


def test_bad_files_are_refused_by_code(cli, tmp_path):
    (tmp_path / "broken.json").write_text("{ not json")
    status, _, err = cli("institutions", "import", "broken.json", "--city", "zhongshan")
    assert status == 1 and err.startswith("BAD_ARGUMENT:") and "not valid JSON" in err
    (tmp_path / "shape.json").write_text(json.dumps({"institutions": "H44200199100"}))
    status, _, err = cli("institutions", "import", "shape.json", "--city", "zhongshan")
    assert status == 1 and err.startswith("BAD_ARGUMENT:")
    (tmp_path / "fields.json").write_text(json.dumps([{"name": "没有编码的机构"}], ensure_ascii=False))
    status, _, err = cli("institutions", "import", "fields.json", "--city", "zhongshan")
    assert status == 1 and err.startswith("INVALID_INSTITUTIONS:") and "missing or wrong field" in err
    status, _, err = cli("institutions", "import", "fields.json", "--city", "atlantis")
    assert status == 1 and err.startswith("UNKNOWN_CITY:")
    (tmp_path / "latin1.json").write_bytes("{\"year\": \"é\"}".encode("latin-1"))
    status, _, err = cli("calendar", "load", "latin1.json")
    assert status == 1 and "INVALID_SCHEDULE" in err
    status, _, err = cli("persons", "import", "broken.json")
    assert status == 1 and err.startswith("BAD_ARGUMENT:")


def test_unreachable_database_is_a_message_not_a_traceback(cli, monkeypatch):
    monkeypatch.setenv("YIBAO_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    status, _, err = cli("db", "upgrade")
    assert status == 1 and err.startswith("BAD_ARGUMENT:")


def test_every_option_and_argument_has_help():
    missing = []

    def walk(p: argparse.ArgumentParser, path: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help for a in action._choices_actions}
                for name, child in action.choices.items():
                    if not helps.get(name):
                        missing.append(f"{path} {name}")
                    walk(child, f"{path} {name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(parser(), "yibao")
    assert not missing, missing


def test_token_says_which_secret_and_uses_the_servers(cli, tmp_path):
    status, token, err = cli("token", "--role", "agency", "--city", "zhongshan", "--ttl", "60")
    key_file = tmp_path / ".yibao-secret"
    assert status == 0 and "NEW development secret" in err and str(key_file) in err
    claims = jwt.decode(token.strip(), key_file.read_text(), algorithms=["HS256"], issuer="yibao")
    assert (claims["role"], claims["city"], claims["exp"] - claims["iat"]) == ("agency", "zhongshan", 60)

    status, token, err = cli("token", "--role", "person", "--person", PERSON)
    assert status == 0 and "NEW" not in err and f"signed with {key_file}" in err
    # the server resolves the same secret from the same YIBAO_DATABASE_URL
    from yibao.core.platform import Platform

    server_secret = Platform(Settings.from_env()).secret
    assert jwt.decode(token.strip(), server_secret, algorithms=["HS256"], issuer="yibao")["person"] == PERSON


def test_token_with_yibao_secret_says_so(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("YIBAO_SECRET", "s" * 40)
    status, token, err = cli("token", "--role", "admin")
    assert status == 0 and "signed with YIBAO_SECRET" in err and not (tmp_path / ".yibao-secret").exists()
    assert jwt.decode(token.strip(), "s" * 40, algorithms=["HS256"], issuer="yibao")["role"] == "admin"
