"""Connection arguments: page size limits and opaque keyset cursors (GitHub's rules)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

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


_B64 = binascii.b2a_base64
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def encode_cursor(kind: str, key: object) -> str:
    """base64url of "kind:key" without padding (binascii directly: base64's wrappers cost two frames)."""
    return _B64(f"{kind}:{key}".encode(), newline=False).translate(_URLSAFE).decode().rstrip("=")


class Cursors(Sequence[str]):
    """A page's cursors encoded when read: a page usually shows only its end cursor, so the others
    are never encoded. Equal to the list of the same cursors."""

    __slots__ = ("kind", "keys")

    def __init__(self, kind: str, keys: Sequence[Any]):
        self.kind, self.keys = kind, keys

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [encode_cursor(self.kind, k) for k in self.keys[i]]
        return encode_cursor(self.kind, self.keys[i])

    def __iter__(self) -> Iterator[str]:
        kind = self.kind
        return (encode_cursor(kind, k) for k in self.keys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cursors | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Cursors({list(self)!r})"


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


def keyed_page(items: list[T], has_next: bool, kind: str, keys: Sequence[Any], total: int | None = None) -> Page[T]:
    """A page whose items were already cut to the request's size (`has_next`: a further row was
    seen), cursors encoded only when read (`Cursors`); `keys[i]` is the key of `items[i]`."""
    return Page(items, Cursors(kind, keys), has_next, total)  # type: ignore[arg-type]


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
