"""Tokens (issue 10): a maximum lifetime at minting and at use (shorter in production), a strong
secret in production, revocation by token id or subject, and subscriptions that end with their token."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date

import jwt
import pytest
import websockets

from yibao.core.auth import ALGORITHM, ISSUER, MAX_TTL, PRODUCTION_MAX_TTL, Actor, Role, actor_from_header, issue_token
from yibao.core.errors import BadArgument, Forbidden, NotAuthenticated
from yibao.core.platform import Call, ConfigurationError, Platform, Settings
from yibao.core.revocations import TokenRevocations
from yibao.core.testkit.server import running_server

from .support import REGISTER, SUBMIT

ME = "{ me { name } }"
CITIES = "{ cities { code } }"
ADMIN = Call(Actor(Role.ADMIN, subject="test-admin"), date(2026, 4, 1))


def forged(secret: str, ttl: int, **claims) -> str:
    """A correctly signed token with any lifetime (as a holder of the secret could make one)."""
    now = int(time.time())
    body = {"iss": ISSUER, "role": "agency", "city": "zhongshan", "iat": now, "exp": now + ttl, "sub": "s", **claims}
    return jwt.encode(body, secret, algorithm=ALGORITHM)


def test_minting_refuses_a_lifetime_above_the_cap():
    secret = "s" * 40
    with pytest.raises(BadArgument) as too_long:
        issue_token(secret, Role.ADMIN, ttl=MAX_TTL + 1)
    assert too_long.value.code == "TOKEN_TTL_TOO_LONG"
    issue_token(secret, Role.ADMIN, ttl=MAX_TTL)  # the cap itself is allowed
    production = Settings(production=True).max_token_ttl
    assert production == PRODUCTION_MAX_TTL < MAX_TTL
    with pytest.raises(BadArgument):
        issue_token(secret, Role.ADMIN, ttl=production + 1, max_ttl=production)


def test_verification_refuses_a_lifetime_above_the_cap():
    secret = "s" * 40
    with pytest.raises(NotAuthenticated) as refused:
        actor_from_header(secret, "Bearer " + forged(secret, MAX_TTL + 60))
    assert refused.value.code == "TOKEN_TTL_TOO_LONG"
    two_hours = "Bearer " + forged(secret, 7200)
    assert actor_from_header(secret, two_hours).role is Role.AGENCY  # fine outside production
    with pytest.raises(NotAuthenticated) as in_production:
        actor_from_header(secret, two_hours, max_ttl=Settings(production=True).max_token_ttl)
    assert in_production.value.code == "TOKEN_TTL_TOO_LONG"
    no_iat = jwt.encode({"iss": ISSUER, "role": "admin", "exp": int(time.time()) + 60}, secret, algorithm=ALGORITHM)
    with pytest.raises(NotAuthenticated) as unbounded:
        actor_from_header(secret, "Bearer " + no_iat)  # a lifetime that cannot be checked
    assert unbounded.value.code == "INVALID_TOKEN"


async def test_a_long_lived_token_is_refused_over_http(yibao_client):
    result = await yibao_client(CITIES, token=forged(yibao_client.platform.secret, 30 * 24 * 3600))
    assert result.error_codes() == ["TOKEN_TTL_TOO_LONG"]
    assert (await yibao_client(CITIES, token=forged(yibao_client.platform.secret, 600))).errors is None


def test_production_refuses_a_short_secret(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(ConfigurationError):
        Platform(Settings(database_url=url, secret="twelve-bytes", production=True))
    Platform(Settings(database_url=url, secret="x" * 32, production=True))
    Platform(Settings(database_url=url, secret="twelve-bytes"))  # development mode: accepted
    env = {"YIBAO_ENV": "production", "YIBAO_DATABASE_URL": url, "YIBAO_SECRET": "short"}
    with pytest.raises(ConfigurationError):
        Platform(Settings.from_env(env))


def test_a_verified_token_is_reused_only_until_it_expires():
    """Issue 9: a token verified once is not verified again on the next request (its signature cost
    8% of a page); the cached answer ends at the token's exp, and a forged twin is never a hit."""
    secret = "s" * 32
    token = issue_token(secret, Role.AGENCY, city="zhongshan", ttl=2)
    first = actor_from_header(secret, f"Bearer {token}")
    assert actor_from_header(secret, f"Bearer {token}") is first  # the second use is the cached check
    assert first.expires_at is not None
    with pytest.raises(NotAuthenticated) as wrong_key:
        actor_from_header("t" * 32, f"Bearer {token}")  # same token, another secret: verified afresh
    assert wrong_key.value.code == "INVALID_TOKEN"
    time.sleep(max(0.0, first.expires_at - time.time()) + 0.1)
    with pytest.raises(NotAuthenticated) as expired:
        actor_from_header(secret, f"Bearer {token}")
    assert expired.value.code == "TOKEN_EXPIRED"


async def test_a_revoked_token_is_refused_and_others_are_not(yibao_client, yibao_platform):
    token = yibao_client.token("agency", city="zhongshan")
    other = yibao_client.token("agency", city="zhongshan")
    assert (await yibao_client(CITIES, token=token)).errors is None
    claims = jwt.decode(token, options={"verify_signature": False})
    await yibao_platform.revocations.revoke_token(ADMIN, claims["jti"], claims["exp"], "lost laptop")
    assert (await yibao_client(CITIES, token=token)).error_codes() == ["TOKEN_REVOKED"]
    assert (await yibao_client(CITIES, token=other)).errors is None
    # another process reads the denylist from the database
    elsewhere = TokenRevocations(yibao_platform.db)
    await elsewhere.load()
    assert elsewhere.revoked(actor_from_header(yibao_platform.secret, f"Bearer {token}"))
    assert not elsewhere.revoked(actor_from_header(yibao_platform.secret, f"Bearer {other}"))


async def test_revoking_a_subject_ends_its_earlier_tokens_only(yibao_client, yibao_platform, new_id):
    pid = new_id()
    secret = yibao_platform.secret
    now = int(time.time())
    before = issue_token(secret, Role.PERSON, person=pid, subject="phone-1", now=now - 10)
    await yibao_platform.revocations.revoke_subject(ADMIN, "phone-1", now=now - 5)
    after = issue_token(secret, Role.PERSON, person=pid, subject="phone-1", now=now)
    assert (await yibao_client(ME, token=before)).error_codes() == ["TOKEN_REVOKED"]
    assert (await yibao_client(ME, token=after)).errors is None


async def test_only_an_admin_revokes(yibao_platform):
    agency = Call(Actor(Role.AGENCY, city="zhongshan", subject="a"), date(2026, 4, 1))
    with pytest.raises(Forbidden):
        await yibao_platform.revocations.revoke_subject(agency, "phone-1")
    with pytest.raises(NotAuthenticated):
        await yibao_platform.revocations.revoke_token(Call(Actor(None), date(2026, 4, 1)), "x")


def test_the_cli_revokes_a_token(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    env["YIBAO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    env["YIBAO_SECRET"] = "c" * 40

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "yibao.schema.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    minted = run("token", "--role", "admin", "--ttl", "600")
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    assert f"yibao revoke --jti {jti}" in minted.stderr
    assert run("token", "--role", "admin", "--ttl", str(MAX_TTL + 1)).stderr.startswith("TOKEN_TTL_TOO_LONG")
    revoked = run("revoke", "--token", token, "--reason", "leaked")
    assert revoked.returncode == 0, revoked.stderr
    assert jti in revoked.stdout

    async def check() -> bool:
        platform = Platform(Settings(database_url=env["YIBAO_DATABASE_URL"], secret=env["YIBAO_SECRET"]))
        await platform.start(load_reference=False)
        try:
            return platform.revocations.revoked(actor_from_header(platform.secret, f"Bearer {token}"))
        finally:
            await platform.stop()

    assert asyncio.run(check())


SECRET = "token-subscription-secret-0123456789abcdef"
FOLLOW = """subscription($id: ID!) { applicationEvents(applicationId: $id, includeCurrent: true) { status } }"""


async def test_a_subscription_ends_when_its_token_expires(yibao_platform, new_id):
    """Over a real WebSocket: a token living 4 seconds gets the current state, then the stream
    closes with TOKEN_EXPIRED (a `next` carrying the coded error, then `complete`)."""
    import httpx

    pid = new_id()
    env = {"YIBAO_DATABASE_URL": yibao_platform.settings.database_url, "YIBAO_SECRET": SECRET, "YIBAO_TRAINING": "1"}
    with running_server(env) as base:
        def gql(query: str, variables: dict, token: str) -> dict:
            body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30,
                              headers={"Authorization": f"Bearer {token}", "X-Business-Date": "2026-03-02"}).json()
            assert "errors" not in body, body
            return body["data"]

        agency = issue_token(SECRET, Role.AGENCY, city="zhongshan")
        gql(REGISTER, {"input": {"idNumber": pid, "name": "到期测试", "city": "zhongshan", "scheme": "EMPLOYEE"}}, agency)
        app_id = gql(SUBMIT, {"input": {"idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
                                        "materials": ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"]}},
                     issue_token(SECRET, Role.PERSON, person=pid))["submitApplication"]["application"]["id"]
        short = issue_token(SECRET, Role.PERSON, person=pid, ttl=4)
        async with websockets.connect(base.replace("http://", "ws://") + "/graphql",
                                      subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {short}", "X-Business-Date": "2026-03-02"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
            first = json.loads(await asyncio.wait_for(ws.recv(), 30))
            assert first["type"] == "next" and first["payload"]["data"]["applicationEvents"]["status"] == "SUBMITTED"
            ended = json.loads(await asyncio.wait_for(ws.recv(), 30))
            closed = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert ended["type"] == "next", ended
    assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["TOKEN_EXPIRED"]
    assert closed == {"id": "1", "type": "complete"}


async def test_a_revoked_token_ends_its_subscription():
    """The stream helper under the subscription: revocation ends it at the next check."""
    from yibao.core.revocations import while_token_valid

    revoked: set[str] = set()
    actor = Actor(Role.PERSON, person="x", subject="s", token_id="t1", issued_at=0, expires_at=None)

    async def forever():
        yield 1
        await asyncio.sleep(3600)
        yield 2

    seen = []
    with pytest.raises(NotAuthenticated) as ended:
        async for item in while_token_valid(forever(), actor, lambda a: a.token_id in revoked, poll=0.05):
            seen.append(item)
            revoked.add("t1")
    assert seen == [1] and ended.value.code == "TOKEN_REVOKED"
