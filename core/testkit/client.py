"""An in-process GraphQL client over the real ASGI app (HTTP through httpx)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from yibao.core.auth import Role, issue_token
from yibao.core.platform import Platform


@dataclass
class GraphQLResult:
    data: dict | None
    errors: list[dict] | None
    status: int

    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors or ()]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, platform: Platform):
        self.http = http
        self.platform = platform
        self.today: date | None = None  # sent as X-Business-Date (training mode) when set

    def token(self, role: Role | str, *, city: str | None = None, person: str | None = None, ttl: int = 3600) -> str:
        return issue_token(self.platform.secret, Role(role), city=city, person=person, ttl=ttl)

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None,
        today: date | str | None = None, headers: dict[str, str] | None = None,
    ) -> GraphQLResult:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        day = today or self.today
        if day:
            sent["X-Business-Date"] = day if isinstance(day, str) else day.isoformat()
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
        body = response.json()
        return GraphQLResult(body.get("data"), body.get("errors"), response.status_code)
