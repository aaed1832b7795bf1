"""A database outage on a private PostgreSQL cluster the test creates: while it is down the API
answers 503 SERVICE_UNAVAILABLE with Retry-After (never 200 INTERNAL_ERROR) and /healthz says so;
once it is back, queries work again and live application events reach a subscriber that stayed
connected, through a re-established LISTEN connection (issue 10: races and recovery)."""

from __future__ import annotations

import asyncio
import glob
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import websockets

from yibao.core.auth import Role, issue_token
from yibao.core.testkit.server import free_port, running_server

from .support import REGISTER, SUBMIT
from .test_subscriptions import FOLLOW, REVIEW, next_message

SECRET = "outage-test-secret-0123456789abcdef0123"
GRJ = "application/graphql-response+json"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port (as `postgres` when root)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="yibao-pg-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("initdb/pg_ctl not found under /usr/lib/postgresql/*/bin")
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = Cluster(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def post(base: str, query: str, variables: dict | None = None, token: str | None = None,
         day: str = "2026-03-02") -> httpx.Response:
    headers = {"Accept": GRJ, "X-Business-Date": day}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30)


def until_ok(base: str, query: str, attempts: int = 60) -> httpx.Response:
    """A bounded number of tries while the server's pool reconnects (not a timing assertion)."""
    for _ in range(attempts):
        response = post(base, query)
        if response.status_code == 200:
            return response
        httpx.get(f"{base}/healthz", timeout=5)
    return response


async def events_recover(base: str, new_id, cluster: Cluster) -> list[dict]:
    pid = new_id()
    agency = issue_token(SECRET, Role.AGENCY, city="zhongshan")
    person = issue_token(SECRET, Role.PERSON, person=pid)
    assert post(base, REGISTER, {"input": {"idNumber": pid, "name": "停机测试", "city": "zhongshan",
                                           "scheme": "EMPLOYEE"}}, agency).json()["data"]["registerPerson"]["errors"] == []
    submitted = post(base, SUBMIT, {"input": {"idNumber": pid, "serviceItemCode": "GD-14", "channel": "YUEYIBAO",
                                              "materials": ["有效身份证件", "《广东省异地就医登记备案表》", "个人承诺书"]}}, person)
    app_id = submitted.json()["data"]["submitApplication"]["application"]["id"]

    ws_url = base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {person}", "X-Business-Date": "2026-03-02"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FOLLOW, "variables": {"id": app_id}}}))
        events = [await next_message(ws)]
        assert httpx.get(f"{base}/healthz", timeout=5).json()["events"] is True

        cluster.stop()
        down = post(base, "{ institutions(city: \"zhongshan\", first: 1) { totalCount } }")
        assert down.status_code == 503, down.text
        assert down.headers["retry-after"]
        assert [e["extensions"]["code"] for e in down.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
        assert down.headers["x-request-id"]
        health = httpx.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["database"] is False

        cluster.start()
        up = until_ok(base, "{ institutions(city: \"zhongshan\", first: 1) { totalCount } }")
        assert up.status_code == 200 and up.json()["data"]["institutions"]["totalCount"] > 0
        for _ in range(100):  # bounded: the LISTEN supervisor reconnects with a short backoff
            health = httpx.get(f"{base}/healthz", timeout=10).json()
            if health["events"]:
                break
            await asyncio.sleep(0.1)
        assert health == {"status": "ok", "database": True, "events": True}

        reviewed = post(base, REVIEW, {"id": app_id}, agency, day="2026-03-03")
        assert reviewed.json()["data"]["reviewApplication"]["application"]["status"] == "APPROVED", reviewed.text
        events.append(await next_message(ws))
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
    return events


@pytest.mark.yibao_backends("postgresql")
async def test_an_outage_answers_503_and_queries_and_live_events_recover(yibao_backend, new_id):
    with private_cluster() as cluster:
        env = {"YIBAO_DATABASE_URL": cluster.url, "YIBAO_SECRET": SECRET, "YIBAO_TRAINING": "1"}
        with running_server(env) as base:
            events = await events_recover(base, new_id, cluster)
    assert [e["status"] for e in events] == ["SUBMITTED", "APPROVED"]
