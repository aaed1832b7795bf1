"""Dated rule sets: a city's rules carry the dates they apply to (e.g. one city's 2022 and 2023 rules differ)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Which rules apply between two dates, and where they come from."""

    id: str
    city: str
    valid_from: date | None
    valid_to: date | None
    source: str
    rules: tuple[str, ...] = ()

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Dated(Generic[T]):
    """Picks the implementation whose rule set applies on a given day."""

    def __init__(self, entries: Sequence[tuple[RuleSet, T]]):
        self._entries = tuple(entries)

    @property
    def rule_sets(self) -> list[RuleSet]:
        return [rs for rs, _ in self._entries]

    def on(self, day: date) -> T:
        for rule_set, impl in self._entries:
            if rule_set.applies_on(day):
                return impl
        raise LookupError(f"no rule set applies on {day.isoformat()}")
