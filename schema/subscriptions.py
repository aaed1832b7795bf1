"""Subscriptions over graphql-transport-ws."""

from collections.abc import AsyncGenerator
from typing import Optional

import strawberry
from strawberry.types import Info

from yibao.core.revocations import while_token_valid

from . import globalid
from .context import ctx
from .permissions import policy_for
from .types import ApplicationEvent


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each status change of the application as it happens, from any server process.",
        permission_classes=policy_for("applicationEvents"),
    )
    async def application_events(
        self, info: Info, application_id: strawberry.ID, include_current: Optional[bool] = False,
    ) -> AsyncGenerator[ApplicationEvent, None]:
        c = ctx(info)
        pk = globalid.decode_int(application_id, "Application")
        events = c.platform.applications.follow(c.call, pk, include_current=bool(include_current))
        # the stream ends with TOKEN_EXPIRED / TOKEN_REVOKED when the token does (core/revocations.py)
        async for event in while_token_valid(events, c.call.actor, c.platform.revocations.revoked):
            yield ApplicationEvent.from_domain(event)
