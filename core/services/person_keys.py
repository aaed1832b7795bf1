"""The persons.id_hash index (issue 12): finding a person by the keyed hash of their ID number.

The hash depends on the deployment's key (core/ids.py `id_hash`), which neither a migration nor
every writer of the persons table knows, so the column is kept here and nowhere else:

- registration writes it with the row (Persons.register);
- a lookup (of one hash or of a batch) that misses while some rows have no hash yet fills those
  rows and looks again (imports, rows written before the column existed or by any other writer
  get their hash this way; on a large table the first such lookup does the whole backfill, in
  batches of BATCH rows);
- at start-up, when a stored hash no longer matches the key (the key was changed), every hash is
  emptied, to be filled again under the new key by the next lookup.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from .. import ids
from ..storage.database import Database
from ..storage.tables import PersonRow

BATCH = 1000


async def fill_missing(db: Database, key: bytes) -> int:
    """Compute the hash of every person who has none; returns how many were filled."""
    filled = 0
    while True:
        async with db.write(None) as session:  # derived keys (idHash), no business change: not audited
            rows = (await session.execute(
                select(PersonRow.id, PersonRow.id_number).where(PersonRow.id_hash.is_(None))
                .order_by(PersonRow.id).limit(BATCH))).all()
            if not rows:
                return filled
            await session.execute(update(PersonRow), [
                {"id": pk, "id_hash": ids.id_hash(key, number)} for pk, number in rows])
            filled += len(rows)


async def person_id_by_hash(db: Database, key: bytes, id_hash: str) -> int | None:
    """The primary key of the person whose ID number hashes to `id_hash`, or None."""
    return (await person_ids_by_hash(db, key, [id_hash])).get(id_hash)


async def person_ids_by_hash(db: Database, key: bytes, hashes: Iterable[str]) -> dict[str, int]:
    """The primary keys of the persons whose ID numbers hash to `hashes` (a hash nobody has is
    absent), in one statement whatever their number (a federation gateway sends a list's worth at
    once); when one misses, one more asks whether some rows have no hash yet, and only then are
    those filled and the hashes looked up again."""
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return {}
    stmt = select(PersonRow.id_hash, PersonRow.id).where(PersonRow.id_hash.in_(wanted))
    async with db.read() as session:
        found: dict[str, int] = dict((await session.execute(stmt)).all())  # type: ignore[arg-type]
        missing = len(found) < len(wanted) and await session.scalar(
            select(PersonRow.id).where(PersonRow.id_hash.is_(None)).limit(1)) is not None
    if not missing:
        return found
    await fill_missing(db, key)
    async with db.read() as session:
        return dict((await session.execute(stmt)).all())  # type: ignore[arg-type]


async def forget_stale(db: Database, key: bytes) -> bool:
    """At start-up: empty every hash when the stored ones were made under another key."""
    async with db.read() as session:
        sample = (await session.execute(
            select(PersonRow.id_number, PersonRow.id_hash).where(PersonRow.id_hash.is_not(None)).limit(1))).first()
    if sample is None or ids.id_hash(key, sample[0]) == sample[1]:
        return False
    async with db.write(None) as session:  # derived keys (idHash), no business change: not audited
        await session.execute(update(PersonRow).values(id_hash=None))
    return True
