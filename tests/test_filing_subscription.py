"""RF-3 / SE-5: a filing's application is followed live like any other (applicationEvents over
graphql-transport-ws against a real `yibao serve` process), the approval arriving as it happens."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from yibao.core.auth import Role, issue_token

from .filing_support import FILE, LONG_TERM
from .support import REGISTER
from .test_subscriptions import FOLLOW, REVIEW, SECRET, gql, next_message, server


@pytest.mark.yibao_backends("sqlite")
async def test_a_filing_application_is_followed_live(yibao_platform, new_id):
    pid = new_id()
    agency = issue_token(SECRET, Role.AGENCY, city="zhongshan")
    person = issue_token(SECRET, Role.PERSON, person=pid)
    with server(yibao_platform.settings.database_url) as base:
        gql(base, REGISTER, {"input": {"idNumber": pid, "name": "备案订阅", "city": "zhongshan", "scheme": "EMPLOYEE"}},
            agency, "2026-03-02")
        filed = gql(base, FILE, {"input": {"idNumber": pid, "type": "LONG_TERM_RESIDENT", "destination": "110000",
                                           "materials": LONG_TERM}}, person, "2026-03-02")["fileRemoteTreatment"]
        assert filed["errors"] == []
        app_id = filed["application"]["id"]
        async with websockets.connect(base.replace("http://", "ws://") + "/graphql",
                                      subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {
                "Authorization": f"Bearer {person}", "X-Business-Date": "2026-03-02"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
            events = [await next_message(ws)]
            reviewed = gql(base, REVIEW, {"id": app_id}, agency, "2026-03-03")
            assert reviewed["reviewApplication"]["application"]["status"] == "APPROVED"
            events.append(await next_message(ws))
            await ws.send(json.dumps({"id": "1", "type": "complete"}))
    assert [e["status"] for e in events] == ["SUBMITTED", "APPROVED"]
    assert events[1]["businessDate"] == "2026-03-03"
