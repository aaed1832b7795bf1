"""Per-request context: the platform and the request's actor and business date."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.types import Info

from yibao.core.access import may_introspect
from yibao.core.auth import Actor, actor_from_header
from yibao.core.call import new_correlation_id
from yibao.core.errors import RequestError
from yibao.core.platform import Call, Platform

from .dataloaders import Loaders
from .faults import request_id
from .limits import Limits
from .prepare import Policy, Prepared


@dataclass
class Context:
    platform: Platform
    headers: Any
    cities: dict  # code -> types.City, built once at start-up
    request: Any = None
    response: Any = None
    connection_params: dict = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    prepared: Prepared | None = None
    """The operation the HTTP transport parsed, validated and measured (schema/prepare.py)."""
    _loaders: Loaders | None = None
    _loaders_at: int = -1

    @cached_property
    def call(self) -> Call:
        """Raises NotAuthenticated / BadArgument for a bad token or business-date header."""
        params = {k.lower(): v for k, v in (self.connection_params or {}).items() if isinstance(v, str)}
        auth = self.headers.get("authorization") or params.get("authorization")
        actor: Actor = actor_from_header(self.platform.secret, auth, max_ttl=self.platform.settings.max_token_ttl,
                                         revoked=self.platform.revocations.revoked)
        clock, rid = self.platform.clock, request_id.get()
        headers = None
        if clock.training or not rid:  # the headers as one mapping, only when something reads them
            headers = {**params, **{k.lower(): v for k, v in self.headers.items()}}  # WebSocket: connection_init payload
        # The request's correlation id, recorded in the audit log with the request's writes: the one
        # the HTTP layer assigned (schema/middleware.py: X-Request-Id when sane, the response carries
        # it), else (a WebSocket message) the header's when sane, else a new one.
        return Call(actor=actor, today=clock.today(headers),
                    correlation_id=rid or new_correlation_id(headers.get("x-request-id")))  # type: ignore[union-attr]

    @property
    def loaders(self) -> Loaders:
        """This request's DataLoaders; fresh ones once a write has committed since they were made."""
        commits = self.platform.db.commits
        if self._loaders is None or self._loaders_at != commits:
            self._loaders, self._loaders_at = Loaders(self.platform), commits
        return self._loaders

    def policy(self) -> Policy:
        """Production mode: introspection and "did you mean" suggestions only for roles that need them."""
        if not self.platform.settings.production:
            return Policy()
        try:
            actor = self.call.actor
        except RequestError:
            actor = None
        allowed = actor is not None and may_introspect(actor)
        return Policy(introspection=allowed, suggestions=allowed)

    def check_request(self) -> Call:
        """Validate the token and business-date header even where anonymous callers are welcome:
        a bad token fails every request, not only personal ones."""
        return self.call


def ctx(info: Info) -> Context:
    return info.context
