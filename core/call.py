"""One request's actor, business date and correlation id, handed to every service method."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date

from .auth import Actor, Role
from .storage.audit import AuditEntry

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_random = random.Random()  # seeded from the OS at import: each process (`--workers` spawns them) its own


def new_correlation_id(incoming: str | None = None) -> str:
    """The caller's `X-Request-Id` when it is a harmless token (so logs across systems line up),
    else a new one. The same rule as the HTTP layer's request ids (one id per request, logged and
    answered there, recorded in the audit log here)."""
    if incoming and _SANE_ID.match(incoming):
        return incoming
    # 64 random bits as 16 hex digits. An id links log lines, it grants nothing, so it needs no
    # cryptographic source (secrets' read of the OS's was 1.6 % of a small request's CPU, issue 9).
    return f"{_random.getrandbits(64):016x}"


@dataclass(frozen=True, slots=True)
class Call:
    """Who is asking (the token's actor), which day counts as today (SC-2, training mode) and the
    request's correlation id (the audit log's link to the request's log lines)."""

    actor: Actor
    today: date
    correlation_id: str = field(default_factory=new_correlation_id)

    def audit(self, operation: str, channel: object | None = None) -> AuditEntry:
        """The audit row's who/what for a write this call makes (Database.write records it with the
        changes, in the write's own transaction). `operation` is the mutation's GraphQL name."""
        actor = self.actor
        return AuditEntry(
            operation=operation,
            subject=actor.subject,
            role=actor.role.value if actor.role else None,
            actor_city=actor.city,
            acting_for=actor.person if actor.role is Role.PROXY else None,
            channel=getattr(channel, "value", channel) if channel is not None else None,
            correlation_id=self.correlation_id,
        )
