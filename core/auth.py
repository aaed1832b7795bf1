"""Bearer tokens (HS256 JWT), the six roles, and the signing secret (CONTRACT: tokens, secret)."""

from __future__ import annotations

import enum
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import jwt

from .errors import BadArgument, NotAuthenticated
from .ids import normalize

ALGORITHM = "HS256"
ISSUER = "yibao"


class Role(str, enum.Enum):
    PERSON = "person"  # 参保人 themself
    PROXY = "proxy"  # 代办人 acting for one person (with an authorization letter)
    INSTITUTION = "institution"  # staff of a designated institution of a city, on site
    AGENCY = "agency"  # 经办机构 staff of a city
    INTEGRATOR = "integrator"  # systems combining several cities (read-only, masked)
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking. `anonymous` when no token was sent."""

    role: Role | None
    city: str | None = None
    person: str | None = None  # the ID number a person/proxy token names
    subject: str = "anonymous"

    @property
    def anonymous(self) -> bool:
        return self.role is None

    @property
    def label(self) -> str:
        """How the actor is recorded in events (never a full ID number)."""
        if self.role is None:
            return "anonymous"
        parts = [self.role.value]
        if self.city:
            parts.append(self.city)
        if self.subject and self.subject != self.role.value:
            parts.append(self.subject)
        return ":".join(parts)


ANONYMOUS = Actor(role=None)


def issue_token(
    secret: str,
    role: Role,
    *,
    city: str | None = None,
    person: str | None = None,
    ttl: int = 3600,
    subject: str | None = None,
    now: float | None = None,
) -> str:
    if role in (Role.PERSON, Role.PROXY) and not person:
        raise BadArgument(f"角色 {role.value} 需要 --person", f"role {role.value} needs --person")
    if role in (Role.INSTITUTION, Role.AGENCY) and not city:
        raise BadArgument(f"角色 {role.value} 需要 --city", f"role {role.value} needs --city")
    issued = int(now if now is not None else time.time())
    claims: dict = {"iss": ISSUER, "role": role.value, "iat": issued, "exp": issued + ttl}
    claims["sub"] = subject or (f"{role.value}-{secrets.token_hex(4)}")
    if city:
        claims["city"] = city
    if person:
        claims["person"] = normalize(person)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def actor_from_header(secret: str, authorization: str | None) -> Actor:
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("Authorization 头应为 Bearer 令牌", "the Authorization header must be 'Bearer <token>'")
    try:
        claims = jwt.decode(token.strip(), secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "role"]})
        role = Role(claims["role"])
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("令牌已过期", "the token has expired", "TOKEN_EXPIRED") from None
    except (jwt.InvalidTokenError, ValueError):
        raise NotAuthenticated("令牌无效", "the token is not valid", "INVALID_TOKEN") from None
    return Actor(role=role, city=claims.get("city"), person=claims.get("person"), subject=claims.get("sub", role.value))


@dataclass(frozen=True, slots=True)
class SecretSource:
    """The signing secret and where it came from (so `yibao token` can say which one it used)."""

    secret: str
    origin: str
    """"YIBAO_SECRET", or the path of the development key file."""
    created: bool = False
    """True when the development key was generated just now (a server using another one rejects it)."""


def secret_source(database_url: str, environ: dict[str, str] | None = None) -> SecretSource:
    """YIBAO_SECRET, or a development key generated once and kept beside the database.

    The server and `yibao token` resolve it the same way from the same YIBAO_DATABASE_URL: a
    relative SQLite path is relative to the working folder, so both must run in the same folder
    (or use an absolute path, or YIBAO_SECRET)."""
    env = os.environ if environ is None else environ
    if env.get("YIBAO_SECRET"):
        return SecretSource(env["YIBAO_SECRET"], "YIBAO_SECRET")
    from .storage.database import sqlite_path

    db_file = sqlite_path(database_url)
    key_file = ((db_file.parent if db_file else Path.cwd()) / ".yibao-secret").resolve()
    if key_file.exists():
        return SecretSource(key_file.read_text("ascii").strip(), str(key_file))
    key = secrets.token_urlsafe(48)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # Processes starting together in one folder (`yibao serve` on several ports) must end up with
    # one key: it is written whole under a private name, then linked to the shared name, which
    # succeeds for one process only; the others read the complete file the winner linked.
    draft = key_file.with_name(f".yibao-secret.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            return SecretSource(key_file.read_text("ascii").strip(), str(key_file))
    finally:
        draft.unlink(missing_ok=True)
    return SecretSource(key, str(key_file), created=True)


def resolve_secret(database_url: str, environ: dict[str, str] | None = None) -> str:
    """YIBAO_SECRET, or a development key generated once and kept beside the database."""
    return secret_source(database_url, environ).secret
