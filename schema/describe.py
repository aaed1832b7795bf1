"""Descriptions for enum values (strawberry describes types and fields; values need a helper)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any


def describe_values(enum_type: Any, descriptions: Mapping[Any, str]) -> None:
    """Give each value of a strawberry enum its description; KeyError names a value left out."""
    definition = enum_type.__strawberry_definition__
    by_key = {(k.value if isinstance(k, Enum) else k): text for k, text in descriptions.items()}
    for value in definition.values:
        value.description = by_key[value.value]
