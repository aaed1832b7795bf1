"""Connection arguments: page size limits and opaque keyset cursors (GitHub's rules)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import BadArgument

DEFAULT_PAGE = 20
MAX_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int
    after: str | None  # the decoded key of the last row seen


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    total: int | None = None


def page_request(first: int | None, after: str | None, kind: str) -> PageRequest:
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise BadArgument(
            f"first 必须在 1 到 {MAX_PAGE} 之间（收到 {size}）",
            f"first must be between 1 and {MAX_PAGE} (got {size})",
            "PAGE_SIZE_OUT_OF_RANGE",
        )
    return PageRequest(size, decode_cursor(after, kind) if after is not None else None)


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    prefix, sep, key = raw.partition(":")
    if not sep or prefix != kind or not key:
        raise BadArgument("after 游标无效", "the `after` cursor is not one this connection issued", "INVALID_CURSOR")
    return key


def build_page(rows: list[T], request: PageRequest, kind: str, key_of, total: int | None = None) -> Page[T]:
    has_next = len(rows) > request.first
    rows = rows[: request.first]
    return Page(rows, [encode_cursor(kind, str(key_of(r))) for r in rows], has_next, total)


def after_id(request: PageRequest) -> int:
    """The integer key a cursor carries (connections ordered by id); 0 before the first page."""
    try:
        return int(request.after) if request.after else 0
    except ValueError:
        raise BadArgument("after 游标无效", "the `after` cursor is not valid", "INVALID_CURSOR") from None


def page_of(items: list[T], first: int | None, after: str | None, kind: str, key_of) -> Page[T]:
    """A page of an in-memory list ordered by `key_of` (keyset cursors, the same rules as SQL pages)."""
    request = page_request(first, after, kind)
    rest = [i for i in items if request.after is None or str(key_of(i)) > request.after]
    return build_page(rest[: request.first + 1], request, kind, key_of, len(items))
