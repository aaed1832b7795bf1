"""Relay global ids: opaque base64 of "Type:key"."""

import base64
import binascii

from yibao.core.errors import BadArgument


def encode(type_name: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


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
