"""Role gates declared on fields, generated from core/policy.py's table (the one role policy).

Each root field declares `permission_classes=policy_for("<field>")`; the services check the same
table for the scope (which person, which city). tests/test_permissions.py walks the served schema
and fails for a root field or Node type without a rule.
"""

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from yibao.core import policy
from yibao.core.auth import Role


class Authenticated(BasePermission):
    message = "a bearer token is required"
    error_extensions = {"code": "UNAUTHENTICATED", "message": "需要登录令牌", "messageEn": "a bearer token is required"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return not info.context.call.actor.anonymous


def _operation(name: str) -> str:
    if "." in name:
        policy.rule(name)
        return name
    found = [f"{kind}.{name}" for kind in ("query", "mutation", "subscription") if f"{kind}.{name}" in policy.RULES]
    if len(found) != 1:
        raise KeyError(f"no single policy rule for root field {name!r}: {found}")
    return found[0]


_CACHE: dict[str, list[type[BasePermission]]] = {}


def policy_for(name: str) -> list[type[BasePermission]]:
    """The permission classes of a root field, from its rule: none when anonymous callers may,
    else a token first, then one of the roles the rule allows."""
    operation = _operation(name)
    if operation in _CACHE:
        return _CACHE[operation]
    rule = policy.rule(operation)
    if rule.anonymous:
        classes: list[type[BasePermission]] = []
    else:
        allowed = frozenset(rule.roles)
        names = "/".join(r.value for r in Role if r in allowed)

        class HasRole(BasePermission):
            message = f"this operation needs role {names}"
            error_extensions = {"code": "FORBIDDEN", "message": f"当前角色无权执行此操作（需要角色：{names}）",
                                "messageEn": f"this operation needs role {names}"}

            def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
                return info.context.call.actor.role in allowed

        HasRole.__name__ = f"Policy_{operation.replace('.', '_')}"
        classes = [Authenticated, HasRole]
    _CACHE[operation] = classes
    return classes
