"""Role gates declared on fields. Ownership (which person, which city) is core/access.py's job."""

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from yibao.core.auth import Role


class Authenticated(BasePermission):
    message = "a bearer token is required"
    error_extensions = {"code": "UNAUTHENTICATED", "message": "需要登录令牌", "messageEn": "a bearer token is required"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return not info.context.call.actor.anonymous


def roles(*allowed: Role) -> list[type[BasePermission]]:
    """Permission classes admitting only the given roles (admin always), authentication first."""
    names = "/".join(r.value for r in allowed)

    class HasRole(BasePermission):
        message = f"this operation needs role {names}"
        error_extensions = {"code": "FORBIDDEN", "message": f"当前角色无权执行此操作（需要角色：{names}）",
                            "messageEn": f"this operation needs role {names}"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            role = info.context.call.actor.role
            return role in allowed or role is Role.ADMIN

    HasRole.__name__ = f"HasRole_{'_'.join(r.value for r in allowed)}"
    return [Authenticated, HasRole]


PERSON_READERS = roles(Role.PERSON, Role.PROXY, Role.INSTITUTION, Role.AGENCY, Role.INTEGRATOR)
PERSON_LISTERS = roles(Role.AGENCY, Role.INTEGRATOR)
SELECTORS = roles(Role.PERSON, Role.PROXY, Role.INSTITUTION, Role.AGENCY)
AGENCY = roles(Role.AGENCY)
ADMIN = roles(Role.ADMIN)
