"""What every mutation shares: a Refused becomes `errors`, never a top-level error (SE-4)."""

from collections.abc import Awaitable
from typing import TypeVar

from yibao.core.errors import Refused

from ..types import UserError

T = TypeVar("T")


async def attempt(work: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    try:
        return await work, []
    except Refused as refused:
        return None, [UserError.from_domain(e) for e in refused.errors]
