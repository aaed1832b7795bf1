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
    status = 400
    """The HTTP status on the GraphQL-over-HTTP response type when this error stops the request."""

    def __init__(self, message: str, message_en: str | None = None, code: str | None = None,
                 *, facts: dict | None = None, status: int | None = None, retry_after: int | None = None):
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en or message
        if code:
            self.code = code
        self.facts = facts or {}
        """Figures a client acts on (a limit and the requested amount, a retry time), in extensions."""
        if status:
            self.status = status
        self.retry_after = retry_after


class NotAuthenticated(RequestError):
    code = "UNAUTHENTICATED"
    status = 401


class Forbidden(RequestError):
    code = "FORBIDDEN"
    status = 403


class ServiceUnavailable(RequestError):
    """The database is unreachable, its pool exhausted, or the process is at its limit: retry later."""

    code = "SERVICE_UNAVAILABLE"
    status = 503

    def __init__(self, message: str = "服务暂时不可用，请稍后重试", message_en: str = "the service is temporarily unavailable; retry later",
                 code: str | None = None, *, retry_after: int = 2, facts: dict | None = None):
        super().__init__(message, message_en, code, retry_after=retry_after,
                         facts={"retryAfter": retry_after, **(facts or {})})


class Throttled(RequestError):
    """Too many requests from one token or address (HTTP 429 with Retry-After)."""

    code = "THROTTLED"
    status = 429

    def __init__(self, retry_after: int, limit: str):
        super().__init__(f"请求过于频繁，请 {retry_after} 秒后重试", f"too many requests; retry in {retry_after} s",
                         retry_after=retry_after, facts={"retryAfter": retry_after, "limit": limit})


class BadArgument(RequestError):
    code = "BAD_ARGUMENT"


def not_found(what: str, what_en: str, field: tuple[str, ...]) -> UserError:
    return UserError("NOT_FOUND", f"未找到{what}", f"{what_en} not found", field)


def flatten(results: list[list[UserError]] | None) -> list[UserError]:
    """The refusals of a contributing hook (one list per plugin) as one list, in plugin order."""
    return [e for batch in results or () for e in batch or ()]
