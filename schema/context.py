"""Per-request context: the platform and the request's actor and business date."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from yibao.core.access import may_introspect
from yibao.core.auth import Actor, actor_from_header
from yibao.core.errors import RequestError
from yibao.core.platform import Call, Platform

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

    @cached_property
    def call(self) -> Call:
        """Raises NotAuthenticated / BadArgument for a bad token or business-date header."""
        params = {k.lower(): v for k, v in (self.connection_params or {}).items() if isinstance(v, str)}
        auth = self.headers.get("authorization") or params.get("authorization")
        actor: Actor = actor_from_header(self.platform.secret, auth)
        headers = {**params, **{k.lower(): v for k, v in self.headers.items()}}  # WebSocket: connection_init payload
        return Call(actor=actor, today=self.platform.clock.today(headers))


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


def requested(info: Info, *path: str) -> bool:
    """Whether the query asks for the field at `path` below the current field (fragments included)."""
    level: list = list(info.selected_fields)
    for name in path:
        found: list = []
        stack = [child for sel in level for child in sel.selections]
        while stack:
            child = stack.pop()
            if isinstance(child, SelectedField):
                if child.name == name:
                    found.append(child)
            else:  # FragmentSpread or InlineFragment: look inside
                stack.extend(child.selections)
        if not found:
            return False
        level = found
    return True
