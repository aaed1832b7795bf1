"""Per-request DataLoaders: the one way the schema loads objects related to another object.

A Person's selections and a Selection's application are resolved through these, whichever root
reached the Person or Selection (person, persons, node, me, a mutation payload), so every path
returns the same fields without look-ahead flags. Keys of one request are batched into one read.
After any write transaction commits, the next access starts fresh loaders, so a payload never
shows what was cached before its own mutation.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from yibao.core.domain import Selection
from yibao.core.platform import Platform
from yibao.core.services.applications import Application


class Loaders:
    """The loaders of one request (built by Context, never shared between requests)."""

    def __init__(self, platform: Platform):
        self._platform = platform
        self.selections_by_person: DataLoader[int, list[Selection]] = DataLoader(load_fn=self._selections)
        self.application: DataLoader[int, Application | None] = DataLoader(load_fn=self._applications)

    async def _selections(self, person_ids: Sequence[int]) -> list[list[Selection]]:
        found = await self._platform.persons.selections_of(list(person_ids))
        return [found.get(pk, []) for pk in person_ids]

    async def _applications(self, ids: Sequence[int]) -> list[Application | None]:
        found = await self._platform.applications.many(list(ids))
        return [found.get(pk) for pk in ids]
