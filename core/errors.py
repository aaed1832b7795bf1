"""Errors: business refusals (UserError, returned in payloads) and request errors (top level)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class UserError:
    """SE-4: one reason a request was refused, with a stable code, in Chinese and English.

    `code` is a member of core/error_codes.py's registry. The facts a frontend acts on travel as
    fields beside the prose, filled by the rule that refused: the first day the request could
    succeed (`next_possible_on`), the pending change standing in the way (`pending_selection_id`),
    whom to phone (`phones`).
    """

    code: str
    message: str
    message_en: str
    field: tuple[str, ...] | None = None
    next_possible_on: date | None = None
    pending_selection_id: int | None = None
    phones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefusalOverride:
    """A city's answer to one refusal of the province defaults: silence it, or say it its own way.

    `code` names the default refusal (core/defaults.py REFUSAL_CODES); `replacement` is the
    city's reason given instead, or None to drop the refusal altogether.
    """

    code: str
    replacement: UserError | None = None


def apply_overrides(errors: list[UserError], overrides: list[RefusalOverride]) -> list[UserError]:
    """The reasons after a city's overrides: each overridden code is dropped, its replacement added once."""
    refused = {e.code for e in errors}
    active = [o for o in overrides if o.code in refused]
    dropped = {o.code for o in active}
    kept = [e for e in errors if e.code not in dropped]
    for override in active:
        if override.replacement is not None and override.replacement not in kept:
            kept.append(override.replacement)
    return kept


class Refused(Exception):
    """A business rule refused the request; carries every reason at once (SE-4)."""

    def __init__(self, errors: list[UserError]):
        super().__init__("; ".join(e.code for e in errors))
        self.errors = errors


class RequestError(Exception):
    """A request that cannot be served: authentication, permission or malformed input.

    Surfaces as a top-level GraphQL error with `extensions.code`.
    """

    code = "BAD_REQUEST"

    def __init__(self, message: str, message_en: str | None = None, code: str | None = None):
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en or message
        if code:
            self.code = code


class NotAuthenticated(RequestError):
    code = "UNAUTHENTICATED"


class Forbidden(RequestError):
    code = "FORBIDDEN"


class BadArgument(RequestError):
    code = "BAD_ARGUMENT"


def not_found(what: str, what_en: str, field: tuple[str, ...]) -> UserError:
    return UserError("NOT_FOUND", f"未找到{what}", f"{what_en} not found", field)


def flatten(results: list[list[UserError]] | None) -> list[UserError]:
    """The refusals of a contributing hook (one list per plugin) as one list, in plugin order."""
    return [e for batch in results or () for e in batch or ()]
