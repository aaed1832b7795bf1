"""Errors: business refusals (UserError, returned in payloads) and request errors (top level)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserError:
    """SE-4: one reason a request was refused, with a stable code, in Chinese and English."""

    code: str
    message: str
    message_en: str
    field: tuple[str, ...] | None = None


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
