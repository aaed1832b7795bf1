"""The floor: a hand-written Starlette + asyncpg endpoint answering the benchmark's three reads with
byte-for-byte the JSON yibao answers (integrator masking, scheme and statuses of today in
Asia/Shanghai, Zhongshan's ZS-5 coverage). One statement per request. Benchmark only.

    DATABASE_URL=postgresql://… python bench/handwritten.py PORT
"""

from __future__ import annotations

import base64
import os
import sys
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import jwt
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = os.environ.get("YIBAO_SECRET", "")
SHANGHAI = ZoneInfo("Asia/Shanghai")
pool: asyncpg.Pool | None = None

PERSONS = """WITH p AS (SELECT id, id_number, name FROM persons WHERE city = $1 AND id > $2 ORDER BY id LIMIT $3)
SELECT p.id, p.id_number, p.name,
  (SELECT sp.scheme FROM scheme_periods sp WHERE sp.person_id = p.id AND $4 BETWEEN sp.valid_from AND sp.valid_to
    ORDER BY sp.valid_from LIMIT 1),
  s.id, s.effective_from, s.effective_to, i.code, i.name, i.town, i.level
FROM p LEFT JOIN selections s ON s.person_id = p.id AND s.withdrawn_at IS NULL AND s.effective_to >= $4
  AND s.effective_from <= s.effective_to
LEFT JOIN institutions i ON i.id = s.institution_id ORDER BY p.id, s.effective_from, s.id"""
SEARCH = """SELECT code, name, town, level, category FROM institutions WHERE city = $1 AND (name_pinyin LIKE $2
  OR name_initials LIKE $2 OR lower(code) LIKE $2) ORDER BY code LIMIT $3"""
COVERAGE = """WITH sel AS (SELECT i.code, i.town FROM persons p JOIN selections s ON s.person_id = p.id
    JOIN institutions i ON i.id = s.institution_id
  WHERE p.id_number = $1 AND s.kind = 'GENERAL_OUTPATIENT' AND s.withdrawn_at IS NULL
    AND $2 BETWEEN s.effective_from AND s.effective_to)
SELECT i.code, i.name, i.town, i.category FROM institutions i WHERE i.city = 'zhongshan' AND (
  i.code IN (SELECT code FROM sel) OR (i.town IN (SELECT town FROM sel)
  AND (i.category IN ('社区卫生服务中心', '社区卫生服务站') OR i.tags::jsonb ? '镇街医院'))) ORDER BY i.code"""


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def mask(n: str) -> str:
    return n[:1] + "*" * (len(n) - 1) if len(n) <= 8 else n[:4] + "*" * (len(n) - 8) + n[-4:]


def check(request: Request) -> None:
    header = request.headers.get("authorization", "")
    if header:
        jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"verify_aud": False})


def today():  # type: ignore[no-untyped-def]
    return datetime.now(SHANGHAI).date()


async def persons(request: Request) -> Response:
    check(request)
    body = orjson.loads(await request.body())
    after = int(base64.urlsafe_b64decode(body["after"] + "==").decode().split(":")[1]) if body.get("after") else 0
    day = today()
    rows = await pool.fetch(PERSONS, body.get("city", "zhongshan"), after, 21, day)  # type: ignore[union-attr]
    people: list[dict] = []
    last = None
    for r in rows:
        if r[0] != last:
            if len(people) == 21:
                break
            last = r[0]
            people.append({"id": b64(f"Person:{r[0]}"), "idNumber": mask(r[1]), "name": r[2], "scheme": r[3],
                           "selections": []})
        if r[4] is not None:
            people[-1]["selections"].append({
                "id": b64(f"Selection:{r[4]}"), "status": "PENDING" if day < r[5] else "EFFECTIVE",
                "effectiveFrom": r[5].isoformat(), "effectiveTo": r[6].isoformat(),
                "institution": {"code": r[7], "name": r[8], "town": r[9], "level": r[10]}})
    more = len(people) > 20
    people = people[:20]
    ids = [int(base64.urlsafe_b64decode(p["id"] + "==").decode().split(":")[1]) for p in people]
    data = {"persons": {"edges": [{"node": p} for p in people],
                        "pageInfo": {"hasNextPage": more, "endCursor": b64(f"person:{ids[-1]}") if ids else None}}}
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def search(request: Request) -> Response:
    check(request)
    body = orjson.loads(await request.body())
    rows = await pool.fetch(SEARCH, body.get("city", "zhongshan"), f"%{body['q']}%", 21)  # type: ignore[union-attr]
    nodes = [{"code": r[0], "name": r[1], "town": r[2], "level": r[3], "category": r[4]} for r in rows[:20]]
    data = {"institutions": {"edges": [{"node": n} for n in nodes], "pageInfo": {
        "hasNextPage": len(rows) > 20, "endCursor": b64(f"institution:{nodes[-1]['code']}") if nodes else None}}}
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def coverage(request: Request) -> Response:
    check(request)
    body = orjson.loads(await request.body())
    rows = await pool.fetch(COVERAGE, body["id"], today())  # type: ignore[union-attr]
    data = {"coverage": [{"code": r[0], "name": r[1], "town": r[2], "category": r[3]} for r in rows]}
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def healthz(_request: Request) -> Response:
    return Response(b"ok")


@asynccontextmanager
async def lifespan(_app: Starlette):  # type: ignore[no-untyped-def]
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=10)
    yield
    await pool.close()


app = Starlette(routes=[Route("/persons", persons, methods=["POST"]), Route("/search", search, methods=["POST"]),
                        Route("/coverage", coverage, methods=["POST"]), Route("/healthz", healthz)],
                lifespan=lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
