"""applicationEvents over graphql-transport-ws: an event caused through a second server process
reaches a subscriber of the first on PostgreSQL (LISTEN/NOTIFY); on SQLite within one process;
a stranger's subscription is refused with a coded error, through GraphQL over WebSocket."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from yibao.core.auth import Role, issue_token
from yibao.core.testkit.server import running_server

from .support import REGISTER, SUBMIT

SECRET = "subscription-test-secret-0123456789abcdef"
FOLLOW = """subscription($id: ID!) { applicationEvents(applicationId: $id, includeCurrent: true) {
  status actor reason businessDate } }"""
REVIEW = """mutation($id: ID!) { reviewApplication(input: { applicationId: $id, decision: APPROVE }) {
  application { status } errors { code } } }"""


def server(database_url: str):
    """A real `yibao serve` process on the given database (training mode, shared secret)."""
    return running_server({"YIBAO_DATABASE_URL": database_url, "YIBAO_SECRET": SECRET, "YIBAO_TRAINING": "1"})


def gql(base: str, query: str, variables: dict, token: str, day: str) -> dict:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30,
                          headers={"Authorization": f"Bearer {token}", "X-Business-Date": day})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def next_message(ws, timeout: float = 30) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == "next":
            return message["payload"]["data"]["applicationEvents"]
        if message["type"] in ("error", "complete"):
            pytest.fail(f"subscription ended: {message}")


async def follow_and_approve(subscribe_base: str, act_base: str, new_id) -> list[dict]:
    pid = new_id()
    agency = issue_token(SECRET, Role.AGENCY, city="zhongshan")
    person = issue_token(SECRET, Role.PERSON, person=pid)
    gql(act_base, REGISTER, {"input": {"idNumber": pid, "name": "订阅测试", "city": "zhongshan", "scheme": "EMPLOYEE"}},
        agency, "2026-03-02")
    submitted = gql(subscribe_base, SUBMIT, {"input": {
        "idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
        "materials": ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"]}}, person, "2026-03-02")
    app_id = submitted["submitApplication"]["application"]["id"]

    ws_url = subscribe_base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {person}", "X-Business-Date": "2026-03-02"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
        events = [await next_message(ws)]  # the current state: the subscription is registered
        reviewed = gql(act_base, REVIEW, {"id": app_id}, agency, "2026-03-03")
        assert reviewed["reviewApplication"]["application"]["status"] == "APPROVED"
        events.append(await next_message(ws))
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
    return events


@pytest.mark.yibao_backends("postgresql")
async def test_an_event_caused_through_a_second_server_process_reaches_the_subscriber(yibao_platform, new_id):
    url = yibao_platform.settings.database_url
    with server(url) as first, server(url) as second:
        events = await follow_and_approve(first, second, new_id)
    assert [e["status"] for e in events] == ["SUBMITTED", "APPROVED"]
    assert events[1]["actor"].startswith("agency:zhongshan") and events[1]["businessDate"] == "2026-03-03"


@pytest.mark.yibao_backends("sqlite")
async def test_on_sqlite_events_reach_subscribers_of_the_same_process(yibao_platform, new_id):
    with server(yibao_platform.settings.database_url) as only:
        events = await follow_and_approve(only, only, new_id)
    assert [e["status"] for e in events] == ["SUBMITTED", "APPROVED"]


async def subscribe_once(base: str, token: str, app_id: str) -> dict:
    """Open a graphql-transport-ws connection as `token`, subscribe, return the first message."""
    async with websockets.connect(base.replace("http://", "ws://") + "/graphql",
                                  subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}", "X-Business-Date": "2026-03-02"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
        return json.loads(await asyncio.wait_for(ws.recv(), 30))


async def test_a_subscription_to_another_persons_application_is_refused(yibao_platform, new_id):
    """Through GraphQL over WebSocket on a real server: the stranger gets NOT_FOUND, exactly as for
    an application that does not exist (no existence oracle by id), the owner
    (the positive control, same query, same server) gets the application's current state."""
    owner, other = new_id(), new_id()
    agency = issue_token(SECRET, Role.AGENCY, city="zhongshan")
    owner_token, other_token = (issue_token(SECRET, Role.PERSON, person=p) for p in (owner, other))
    with server(yibao_platform.settings.database_url) as base:
        for pid in (owner, other):
            gql(base, REGISTER, {"input": {"idNumber": pid, "name": "订阅测试", "city": "zhongshan",
                                           "scheme": "EMPLOYEE"}}, agency, "2026-03-02")
        app_id = gql(base, SUBMIT, {"input": {
            "idNumber": owner, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
            "materials": ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"]}},
            owner_token, "2026-03-02")["submitApplication"]["application"]["id"]
        refused = await subscribe_once(base, other_token, app_id)
        missing = await subscribe_once(base, other_token, "QXBwbGljYXRpb246OTk5OTk5")
        allowed = await subscribe_once(base, owner_token, app_id)
    assert refused["type"] == "next" and refused["payload"]["data"] is None, refused
    assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == ["NOT_FOUND"]
    assert [e["extensions"]["code"] for e in missing["payload"]["errors"]] == ["NOT_FOUND"]
    assert allowed["type"] == "next" and allowed["payload"]["data"]["applicationEvents"]["status"] == "SUBMITTED"


async def test_a_refused_follower_is_removed(zhongshan, yibao_platform, new_id):
    """The service under the subscription leaves no follower behind when it refuses."""
    from datetime import date

    from yibao.core.auth import Actor
    from yibao.core.errors import BadArgument
    from yibao.core.platform import Call
    from yibao.schema.globalid import decode_int

    from .support import IDENTITY, submit

    owner, other = new_id(), new_id()
    await zhongshan.register(owner, on="2026-03-02")
    await zhongshan.register(other, on="2026-03-02")
    app = (await submit(zhongshan, owner, "GD-14", [IDENTITY, "《广东省异地就医登记备案表》", "个人承诺书"],
                        on="2026-03-02")).data["submitApplication"]["application"]
    stranger = Call(Actor(Role.PERSON, person=other), date(2026, 3, 2))
    stream = yibao_platform.applications.follow(stranger, decode_int(app["id"], "Application"))
    with pytest.raises(BadArgument):  # NOT_FOUND: answered as a missing application (no oracle)
        await stream.__anext__()
    assert yibao_platform.events._followers == {}  # the refused follower was removed
