"""Bearer tokens (HS256 JWT), the six roles, and the signing secret (CONTRACT: tokens, secret)."""

from __future__ import annotations

import enum
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jwt

from .errors import BadArgument, NotAuthenticated
from .ids import normalize

ALGORITHM = "HS256"
ISSUER = "yibao"
MAX_TTL = 7 * 24 * 3600
"""The longest lifetime (exp - iat, seconds) a token may have; longer ones are refused at minting and at use."""
PRODUCTION_MAX_TTL = 3600
"""The cap in production mode (YIBAO_ENV=production): one hour."""


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
    token_id: str | None = None
    """The token's `jti` (revocation names it)."""
    issued_at: int | None = None
    expires_at: int | None = None
    """The token's `exp` (seconds since the epoch): a subscription ends there."""

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
    max_ttl: int = MAX_TTL,
) -> str:
    if ttl > max_ttl:
        raise BadArgument(f"令牌有效期不能超过 {max_ttl} 秒", f"ttl may not exceed {max_ttl} seconds",
                          "TOKEN_TTL_TOO_LONG")
    if role in (Role.PERSON, Role.PROXY) and not person:
        raise BadArgument(f"角色 {role.value} 需要 --person", f"role {role.value} needs --person")
    if role in (Role.INSTITUTION, Role.AGENCY) and not city:
        raise BadArgument(f"角色 {role.value} 需要 --city", f"role {role.value} needs --city")
    issued = int(now if now is not None else time.time())
    claims: dict = {"iss": ISSUER, "role": role.value, "iat": issued, "exp": issued + ttl,
                    "jti": secrets.token_urlsafe(16)}
    claims["sub"] = subject or (f"{role.value}-{secrets.token_hex(4)}")
    if city:
        claims["city"] = city
    if person:
        claims["person"] = normalize(person)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


VERIFIED_CACHE_SIZE = 4096
_VERIFIED: OrderedDict[tuple[str, str, int], Actor] = OrderedDict()
"""Tokens whose signature, issuer, claims and lifetime cap were checked, by (secret, token, cap):
a client sends the same token with every request, and verifying it again cost 8% of a persons
page's CPU (issue 9). A hit is used only until the token's `exp`; revocation is asked every time."""


def actor_from_header(secret: str, authorization: str | None, *, max_ttl: int = MAX_TTL,
                      revoked: Callable[[Actor], bool] | None = None) -> Actor:
    """The actor a bearer token names; NotAuthenticated (INVALID_TOKEN, TOKEN_EXPIRED,
    TOKEN_TTL_TOO_LONG, TOKEN_REVOKED) when it may not be used."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("Authorization 头应为 Bearer 令牌", "the Authorization header must be 'Bearer <token>'")
    token = token.strip()
    key = (secret, token, max_ttl)
    actor = _VERIFIED.get(key)
    if actor is not None and actor.expires_at is not None and actor.expires_at > time.time():
        _VERIFIED.move_to_end(key)
        if revoked is not None and revoked(actor):  # revocation is asked on every use, cached or not
            raise NotAuthenticated("令牌已被吊销", "the token has been revoked", "TOKEN_REVOKED")
        return actor
    _VERIFIED.pop(key, None)  # expired since it was verified: the full check below says so
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "role"]})
        role = Role(claims["role"])
        issued, expires = int(claims["iat"]), int(claims["exp"])
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("令牌已过期", "the token has expired", "TOKEN_EXPIRED") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise NotAuthenticated("令牌无效", "the token is not valid", "INVALID_TOKEN") from None
    if expires - issued > max_ttl:
        raise NotAuthenticated(f"令牌有效期超过上限（{max_ttl} 秒）", f"the token lives longer than {max_ttl} seconds",
                               "TOKEN_TTL_TOO_LONG")
    actor = Actor(role=role, city=claims.get("city"), person=claims.get("person"), subject=claims.get("sub", role.value),
                  token_id=claims.get("jti"), issued_at=issued, expires_at=expires)
    _VERIFIED[key] = actor
    if len(_VERIFIED) > VERIFIED_CACHE_SIZE:
        _VERIFIED.popitem(last=False)
    if revoked is not None and revoked(actor):
        raise NotAuthenticated("令牌已被吊销", "the token has been revoked", "TOKEN_REVOKED")
    return actor


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
