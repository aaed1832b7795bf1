"""Unique violations mapped to the business refusal they stand for, in one place (issue 10).

The services check before they write (the person's row lock serialises most races), but two
requests can still both find "no such row" and both insert: two registrations of one ID number on
PostgreSQL (nothing to lock yet), or two first uses of one idempotency key. The database's unique
constraint then refuses the second, and `Database.write` turns that into the same `Refused` the
service's own check gives (PERSON_EXISTS), instead of INTERNAL_ERROR. A violation of a constraint
not listed here is a bug and stays an error.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from ..errors import Refused, UserError

_IDEMPOTENCY = UserError(
    "IDEMPOTENCY_KEY_IN_USE", "使用同一幂等键的请求正在办理，请稍后重试（重试将得到第一次的结果）",
    "a request with this idempotency key is being processed; repeat it to get the first answer",
    ("idempotencyKey",))

REFUSALS: dict[tuple[str, frozenset[str]], UserError] = {
    ("persons", frozenset({"id_number"})): UserError(
        "PERSON_EXISTS", "该证件号码已登记参保人", "a person with this ID number is already registered", ("idNumber",)),
    ("applications", frozenset({"person_id", "idempotency_key"})): _IDEMPOTENCY,
    ("selections", frozenset({"person_id", "idempotency_key"})): _IDEMPOTENCY,
    ("remote_filings", frozenset({"person_id", "idempotency_key"})): _IDEMPOTENCY,
}
"""(table, columns of the unique constraint) → the refusal a caller receives."""

_SQLITE = re.compile(r"UNIQUE constraint failed: (.+)$")
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")


def violated(exc: IntegrityError) -> tuple[str, frozenset[str]] | None:
    """The table and columns of the unique constraint `exc` reports, on SQLite or PostgreSQL."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL (asyncpg): the driver's error carries both
        cause = orig.__cause__
        table = getattr(cause, "table_name", None)
        key = _PG_KEY.match(getattr(cause, "detail", None) or "")
        if table and key:
            return table, frozenset(c.strip() for c in key.group(1).split(","))
        return None
    found = _SQLITE.search(str(orig))
    if found is None:
        return None
    qualified = [c.strip() for c in found.group(1).split(",")]
    tables = {c.partition(".")[0] for c in qualified}
    if len(tables) != 1:
        return None
    return tables.pop(), frozenset(c.partition(".")[2] for c in qualified)


def refusal(exc: IntegrityError) -> Refused | None:
    """The business refusal for a unique violation, or None when it is not one we know."""
    key = violated(exc)
    error = REFUSALS.get(key) if key else None
    return Refused([error]) if error else None
