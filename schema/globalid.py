"""Relay global ids: opaque base64 of "Type:key".

`encode` runs for every id a page shows, so it calls binascii directly (the same bytes
base64.urlsafe_b64encode gives, without its two Python frames)."""

import base64
import binascii
from yibao.core.errors import BadArgument

_B64 = binascii.b2a_base64
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def encode(type_name: str, key: object) -> str:
    return _B64(f"{type_name}:{key}".encode(), newline=False).translate(_URLSAFE).decode().rstrip("=")


NAMES = {"_gid_b64": _B64, "_gid_urlsafe": _URLSAFE}
"""The globals `expression`'s source uses."""


def expression(type_name: str, key: str) -> str:
    """Python source computing `encode(type_name, <key>)`, for generated code (the fast path's
    builders inline it: a call per id cost as much as the encoding); `key` is a variable name and
    `type_name` one of the schema's type names, never request text."""
    if not type_name.isidentifier() or not key.isidentifier():
        raise ValueError(f"not a name: {type_name!r}, {key!r}")
    return f"_gid_b64(f'{type_name}:{{{key}}}'.encode(), newline=False).translate(_gid_urlsafe).decode().rstrip('=')"


def decode(global_id: str, expected: str | None = None) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    type_name, sep, key = raw.partition(":")
    if not sep or not key or (expected and type_name != expected):
        want = f" of a {expected}" if expected else ""
        raise BadArgument(f"无效的全局ID：{global_id}", f"{global_id!r} is not a valid global id{want}", "INVALID_ID")
    return type_name, key


def decode_int(global_id: str, expected: str) -> int:
    _, key = decode(global_id, expected)
    try:
        return int(key)
    except ValueError:
        raise BadArgument(f"无效的全局ID：{global_id}", f"{global_id!r} is not a valid {expected} id", "INVALID_ID") from None
