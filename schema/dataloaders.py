"""Per-request DataLoaders: the one way the schema loads objects related to another object.

A Person's selections and a Selection's application are resolved through these, whichever root
reached the Person or Selection (person, persons, node, me, a mutation payload), so every path
returns the same fields without look-ahead flags. Keys of one request are batched into one read.
After any write transaction commits, the next access starts fresh loaders, so a payload never
shows what was cached before its own mutation.

The federation subgraph's `_entities` resolves Person references through `persons_by_id_hash`:
a gateway sends a list's worth of references at once, read in one batch instead of one by one.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from yibao.core.call import Call
from yibao.core.domain import Selection
from yibao.core.platform import Platform
from yibao.core.services.applications import Application
from yibao.core.services.persons import PersonRecord


ID_HASH_BATCH = 1000
"""Hashes per statement: a statement takes at most 32,766 bind parameters on SQLite (32,767 on
PostgreSQL), and YIBAO_MAX_BODY_BYTES may admit more references than that; batches of a thousand
keep every statement well under the bound whatever the body limit."""


class Loaders:
    """The loaders of one request (built by Context, never shared between requests)."""

    def __init__(self, platform: Platform):
        self._platform = platform
        self.selections_by_person: DataLoader[int, list[Selection]] = DataLoader(load_fn=self._selections)
        self.application: DataLoader[int, Application | None] = DataLoader(load_fn=self._applications)
        self._by_id_hash: tuple[Call, DataLoader[str, PersonRecord | None]] | None = None

    def persons_by_id_hash(self, call: Call) -> DataLoader[str, PersonRecord | None]:
        """Persons by the (claimed, lower-case) hash of their ID number, as `call` may see them
        (Persons.get_many_by_id_hash: its checks and masking depend on the caller, so the loader
        is bound to the request's call; one request has one)."""
        if self._by_id_hash is None or self._by_id_hash[0] is not call:
            persons = self._platform.persons
            self._by_id_hash = (call, DataLoader(
                load_fn=lambda hashes: persons.get_many_by_id_hash(call, hashes, with_selections=False),
                max_batch_size=ID_HASH_BATCH))
        return self._by_id_hash[1]

    async def _selections(self, person_ids: Sequence[int]) -> list[list[Selection]]:
        found = await self._platform.persons.selections_of(list(person_ids))
        return [found.get(pk, []) for pk in person_ids]

    async def _applications(self, ids: Sequence[int]) -> list[Application | None]:
        found = await self._platform.applications.many(list(ids))
        return [found.get(pk) for pk in ids]
