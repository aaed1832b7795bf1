"""FHIR Bulk Data export jobs without server state: the job is a signed token.

The kick-off signs what the job is (types, _since, level, who asked and the kick-off instant)
with the platform's secret; the status URL and the file URLs carry that token. Any process
sharing the secret and the database answers them (no job table, no per-process memory), and the
files are generated from the database when they are downloaded, in chunks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import jwt

from ..auth import Actor
from ..errors import BadArgument, Forbidden, RequestError
from .mapping import instant

ISSUER = "yibao-fhir-export"  # never "yibao": a job token is not a bearer token, nor the reverse
ALGORITHM = "HS256"
JOB_TTL = 24 * 3600
TYPES = ("Organization", "Patient", "Coverage")
LEVEL_TYPES = {"system": TYPES, "patient": ("Patient", "Coverage")}
"""The types each kick-off exports by default (the Patient level: the Patient compartment)."""
OUTPUT_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}


class JobNotFound(RequestError):
    code = "NOT_FOUND"


@dataclass(frozen=True, slots=True)
class ExportJob:
    level: str
    types: tuple[str, ...]
    since: datetime | None
    role: str
    city: str | None
    subject: str
    transaction_time: datetime
    request: str


def parse_types(raw: str | None, level: str) -> tuple[str, ...]:
    allowed = LEVEL_TYPES[level]
    if not raw:
        return allowed
    asked = tuple(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip()))
    wrong = [t for t in asked if t not in allowed]
    if wrong or not asked:
        raise BadArgument(f"_type 不支持：{', '.join(wrong) or raw}（可选：{', '.join(allowed)}）",
                          f"_type names unsupported types: {', '.join(wrong) or raw} (supported: {', '.join(allowed)})")
    return asked


def parse_since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadArgument(f"_since 应为带时区的 FHIR instant：{raw!r}",
                          f"_since must be a FHIR instant with a time zone, got {raw!r}")
    return moment.astimezone(UTC)


def check_output_format(raw: str | None) -> None:
    if raw and raw.strip() not in OUTPUT_FORMATS:
        raise BadArgument(f"_outputFormat 只支持 application/fhir+ndjson：{raw!r}",
                          f"_outputFormat supports application/fhir+ndjson only, got {raw!r}")


def kick_off(actor: Actor, level: str, params: Mapping[str, str], request: str) -> ExportJob:
    """The job a kick-off asks for (`_type`, `_since`, `_outputFormat` checked), owned by `actor`."""
    check_output_format(params.get("_outputFormat"))
    return ExportJob(level=level, types=parse_types(params.get("_type"), level),
                     since=parse_since(params.get("_since")), role=actor.role.value if actor.role else "",
                     city=actor.city, subject=actor.subject, transaction_time=datetime.now(UTC), request=request)


def manifest(job: ExportJob, token: str, base: str) -> dict:
    """The Bulk Data completion manifest: one file URL per type, all generated on download."""
    return {
        "transactionTime": instant(job.transaction_time),
        "request": job.request,
        "requiresAccessToken": True,
        "output": [{"type": t, "url": f"{base}/$export-file/{token}/{quote(t)}"} for t in job.types],
        "error": [],
    }


def sign(job: ExportJob, secret: str, *, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER, "iat": issued, "exp": issued + JOB_TTL,
        "job": {"level": job.level, "types": list(job.types),
                "since": job.since.isoformat() if job.since else None,
                "who": [job.role, job.city, job.subject], "at": job.transaction_time.isoformat(),
                "request": job.request},
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(token: str, secret: str) -> ExportJob:
    """The job a status or file URL names; a forged, altered or expired token names none (404)."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp"]})
        body = claims["job"]
        role, city, subject = body["who"]
        return ExportJob(level=body["level"], types=tuple(body["types"]),
                         since=datetime.fromisoformat(body["since"]) if body["since"] else None,
                         role=role, city=city, subject=subject,
                         transaction_time=datetime.fromisoformat(body["at"]), request=body["request"])
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
        raise JobNotFound("导出任务不存在或已过期", "no such export job (unknown or expired)") from None


def check_owner(job: ExportJob, actor: Actor) -> None:
    """Status and files go to the role and city that started the job (requiresAccessToken)."""
    if actor.role is None or actor.role.value != job.role or actor.city != job.city:
        raise Forbidden("只有发起导出的角色和城市可以读取导出结果",
                        "only the role and city that started the export may read it")
