"""Per-request context: the platform and the request's actor and business date."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.types import Info

from yibao.core.auth import Actor, actor_from_header
from yibao.core.call import new_correlation_id
from yibao.core.platform import Call, Platform

from .dataloaders import Loaders


@dataclass
class Context:
    platform: Platform
    headers: Any
    cities: dict  # code -> types.City, built once at start-up
    request: Any = None
    response: Any = None
    connection_params: dict = field(default_factory=dict)
    _loaders: Loaders | None = None
    _loaders_at: int = -1

    @cached_property
    def call(self) -> Call:
        """Raises NotAuthenticated / BadArgument for a bad token or business-date header."""
        params = {k.lower(): v for k, v in (self.connection_params or {}).items() if isinstance(v, str)}
        auth = self.headers.get("authorization") or params.get("authorization")
        actor: Actor = actor_from_header(self.platform.secret, auth, max_ttl=self.platform.settings.max_token_ttl,
                                         revoked=self.platform.revocations.revoked)
        headers = {**params, **{k.lower(): v for k, v in self.headers.items()}}  # WebSocket: connection_init payload
        # The request's correlation id (X-Request-Id when the caller sent a sane one), recorded in the
        # audit log with the request's writes. When the HTTP layer assigns request ids itself, this
        # becomes its id (one line).
        return Call(actor=actor, today=self.platform.clock.today(headers),
                    correlation_id=new_correlation_id(headers.get("x-request-id")))

    @property
    def loaders(self) -> Loaders:
        """This request's DataLoaders; fresh ones once a write has committed since they were made."""
        commits = self.platform.db.commits
        if self._loaders is None or self._loaders_at != commits:
            self._loaders, self._loaders_at = Loaders(self.platform), commits
        return self._loaders

    def check_request(self) -> Call:
        """Validate the token and business-date header even where anonymous callers are welcome:
        a bad token fails every request, not only personal ones."""
        return self.call


def ctx(info: Info) -> Context:
    return info.context
