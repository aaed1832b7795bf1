"""Production mode and `--workers` (issue 10): a weak secret refused, introspection and suggestions
off for roles that do not need them, GraphiQL off; N worker processes really started."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from yibao.core.auth import Role, issue_token
from yibao.core.platform import ConfigurationError, Platform, Settings
from yibao.core.testkit.server import free_port, running_server

STRONG = "production-secret-0123456789abcdef-0123456789"


def test_production_needs_a_secret_of_32_bytes(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(ConfigurationError):
        Platform(Settings(database_url=url, secret="twelve-bytes", production=True))
    with pytest.raises(ConfigurationError):
        Platform(Settings(database_url=url, production=True))  # no generated key in production
    assert Platform(Settings(database_url=url, secret=STRONG, production=True)).settings.production
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}, "YIBAO_ENV": "production",
           "YIBAO_SECRET": "short", "YIBAO_DATABASE_URL": url}
    out = subprocess.run([sys.executable, "-m", "yibao.schema.cli", "serve", "--port", str(free_port())],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stderr.startswith("CONFIGURATION") and "Traceback" not in out.stderr
    assert Settings.from_env({"YIBAO_ENV": "production"}).graphiql is False
    assert Settings.from_env({"YIBAO_ENV": "production", "YIBAO_GRAPHIQL": "1"}).graphiql is True
    assert Settings.from_env({}).graphiql is True


def test_introspection_and_suggestions_only_for_roles_that_need_them(tmp_path):
    env = {"YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", "YIBAO_ENV": "production",
           "YIBAO_SECRET": STRONG}
    grj = {"Accept": "application/graphql-response+json"}
    with running_server(env) as base:
        def ask(query: str, role: Role | None = None, **claims) -> httpx.Response:
            headers = dict(grj)
            if role:
                headers["Authorization"] = f"Bearer {issue_token(STRONG, role, **claims)}"
            return httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=30)

        anonymous = ask("{ __schema { types { name } } }")
        assert anonymous.status_code == 400
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        person = ask('{ __type(name: "Person") { name } }', Role.PERSON, person="442000199001011233")
        assert person.status_code == 400
        assert ask("{ __schema { types { name } } }", Role.INTEGRATOR).json()["data"]["__schema"]["types"]
        typo = ask("{ citys { code } }").json()["errors"][0]["message"]
        assert "Did you mean" not in typo and "cities" not in typo
        assert "Did you mean" in ask("{ citys { code } }", Role.ADMIN).json()["errors"][0]["message"]
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=30)
        assert "graphiql" not in page.text.lower()  # GraphiQL is off
        assert ask("{ cities { code } }").json()["data"]["cities"]


def test_workers_start_that_many_processes(tmp_path):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")},
           "YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", "YIBAO_SECRET": STRONG}
    proc = subprocess.Popen([sys.executable, "-m", "yibao.schema.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children: list[str] = []
        for _ in range(600):  # bounded wait for start-up, not a measurement
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
                    workers = [c for c in children if "spawn_main" in _cmdline(c)]
                    if len(workers) >= 2:
                        break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        workers = [c for c in children if "spawn_main" in _cmdline(c)]
        assert len(workers) == 2, [_cmdline(c) for c in children]
        answered = _answering_pids(port, workers)
        assert len(answered) == 2, answered  # both processes answer GraphQL, not only exist
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _answering_pids(port: int, workers: list[str], attempts: int = 200) -> set[str]:
    """The worker processes that answered a GraphQL request, found by which one holds the server
    side of each connection (/proc: the socket's inode); connections are kept open until two are seen."""
    import socket

    held: list[socket.socket] = []
    answered: set[str] = set()
    body = b'{"query":"{ __typename }"}'
    request = (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    try:
        for _ in range(attempts):  # bounded; the kernel hands each connection to one of the workers
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            held.append(sock)
            sock.sendall(request)
            reply = b""
            while b'"__typename"' not in reply and len(reply) < 65536:  # headers and body may come apart
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200") and b'"__typename":"Query"' in reply, reply
            client_port = sock.getsockname()[1]
            inode = _server_inode(port, client_port)
            for pid in workers:
                try:
                    fds = os.listdir(f"/proc/{pid}/fd")
                except OSError:
                    continue
                if any(_link(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in fds):
                    answered.add(pid)
            if len(answered) == 2:
                break
    finally:
        for sock in held:
            sock.close()
    return answered


def _link(path: str) -> str | None:
    """Where a /proc fd points, or None when the process closed it meanwhile (a worker's own files
    come and go while it serves: checking first and reading after raced, FileNotFoundError)."""
    try:
        return os.readlink(path)
    except OSError:
        return None


def _server_inode(server_port: int, client_port: int) -> str:
    """The inode of the server's socket for the connection from 127.0.0.1:client_port."""
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return fields[9]
    return "none"


def _cmdline(pid: str) -> str:
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
    except OSError:
        return ""
