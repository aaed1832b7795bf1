"""A real `yibao serve` process for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str], cwd: Path | None = None, *, startup_seconds: float = 60) -> Iterator[str]:
    """Start `yibao serve` with `env` (YIBAO_* variables), wait for /healthz, yield its base URL."""
    with running_servers([env], cwd, startup_seconds=startup_seconds) as (base,):
        yield base


@contextmanager
def running_servers(envs: list[dict[str, str]], cwd: Path | None = None, *,
                    startup_seconds: float = 60) -> Iterator[list[str]]:
    """Start one `yibao serve` per env all at once (as several hosts starting together would), wait
    until every one answers /healthz, yield their base URLs in order."""
    procs: list[tuple[subprocess.Popen[str], str]] = []
    try:
        for env in envs:
            port = free_port()
            full_env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
            full_env.update(env)
            proc = subprocess.Popen([sys.executable, "-m", "yibao.schema.cli", "serve", "--port", str(port)],
                                    env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            procs.append((proc, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + startup_seconds  # a bound on waiting, not a measurement
        waiting = list(procs)
        while waiting:
            for proc, base in list(waiting):
                if proc.poll() is not None:
                    raise RuntimeError(f"yibao serve exited with {proc.returncode}: {proc.stdout.read()}")  # type: ignore[union-attr]
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        waiting.remove((proc, base))
                except httpx.HTTPError:
                    pass
            if waiting and time.monotonic() > deadline:
                raise RuntimeError("yibao serve did not become healthy")
            if waiting:
                time.sleep(0.1)
        yield [base for _, base in procs]
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
