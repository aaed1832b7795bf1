"""The graphql-http audit suite (npm `graphql-http`, run with Node) against a real `yibao serve`:
no failure and no warning (GraphQL over HTTP, issue 14).

Node and the package come from .ci/run, which installs `node@22` and `graphql-http` from npm into
~/.cache/yibao-ci/node once (YIBAO_NODE_DIR overrides the folder). Outside CI the test is skipped
when they are absent; in CI (CI set) their absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from yibao.core.testkit.server import running_server

AUDIT = Path(__file__).parent / "js" / "http_audit.mjs"


def node_dir() -> Path:
    return Path(os.environ.get("YIBAO_NODE_DIR") or Path.home() / ".cache" / "yibao-ci" / "node")


def node_and_modules() -> tuple[str, Path] | None:
    base = node_dir()
    modules = base / "node_modules"
    node = base / "node_modules" / ".bin" / "node"
    executable = str(node) if node.exists() else shutil.which("node")
    if executable and (modules / "graphql-http").is_dir():
        return executable, modules
    return None


def test_graphql_http_audit_passes_without_warnings(tmp_path):
    found = node_and_modules()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"Node and graphql-http are missing from {node_dir()} (.ci/run installs them)")
        pytest.skip(f"Node and graphql-http are not installed in {node_dir()} (.ci/run installs them)")
    node, modules = found
    env = {"YIBAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}", "YIBAO_RATE_PER_ADDRESS": "off"}
    with running_server(env) as base:
        run = subprocess.run([node, str(AUDIT), f"{base}/graphql"], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "NODE_PATH": str(modules)})
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"graphql-http audit: {len(results)} audits, "
          f"{sum(r['status'] == 'ok' for r in results)} ok, {sum(r['status'] == 'warn' for r in results)} warnings, "
          f"{sum(r['status'] == 'error' for r in results)} failures")
    assert len(results) > 50
    problems = [f"{r['id']} {r['status']}: {r['name']} — {r['reason']}" for r in results if r["status"] != "ok"]
    assert problems == []
