"""A headless Chromium driven over the DevTools protocol (websockets), with the network blocked
except 127.0.0.1: a proxy that points nowhere for everything else, and no name resolution."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import websockets

from yibao.core.testkit.server import free_port

WAIT_SECONDS = 90  # a bound on waiting for the page, never a measurement


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab: evaluate JavaScript, wait for a condition, and the URLs the page requested."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.ids = itertools.count(1)
        self.requested: list[str] = []
        self.failed: list[str] = []

    async def send(self, method: str, **params: Any) -> dict:
        call_id = next(self.ids)
        await self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.ws.recv())
            if message.get("method") == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
            elif message.get("method") == "Network.loadingFailed":
                self.failed.append(message["params"].get("errorText", ""))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str) -> Any:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                body = await self.evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''")
                raise AssertionError(f"gave up waiting for {what}; the page shows:\n{body}")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def browser_page() -> AsyncIterator[Page]:
    binary = chromium()
    assert binary, "chromium is not installed (apt-get install -y chromium)"
    port = free_port()
    # Chromium's helper processes (crashpad, zygotes) may outlive the browser for a moment and still
    # write into the profile: the whole process group is ended, and a file they leave behind does
    # not fail the test (a teardown once raised "Directory not empty: 'Default'" after it passed).
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen([
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
            # The network is blocked except 127.0.0.1: every other host goes to a proxy that is not
            # there, and no name resolves.
            "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                try:
                    targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                    page = next(t for t in targets if t.get("type") == "page")
                    break
                except (httpx.HTTPError, StopIteration, ValueError):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("chromium did not start") from None
                    await asyncio.sleep(0.2)
            async with websockets.connect(page["webSocketDebuggerUrl"], max_size=None) as ws:
                tab = Page(ws)
                await tab.send("Network.enable")
                await tab.send("Page.enable")
                yield tab
        finally:
            _end_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            _end_group(proc, signal.SIGKILL)  # helpers still running after the browser ended
            proc.wait(timeout=30)


def _end_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass  # every process of the group has ended
