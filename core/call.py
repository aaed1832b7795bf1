"""One request's actor and business date, handed to every service method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .auth import Actor


@dataclass(frozen=True, slots=True)
class Call:
    """Who is asking (the token's actor) and which day counts as today (SC-2, training mode)."""

    actor: Actor
    today: date
