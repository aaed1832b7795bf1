"""The running platform: database, plugins, clock, secret, and the services built on them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from .auth import Actor, resolve_secret
from .clock import Clock
from .plugins import PluginHost
from .services.catalogue import sync_catalogue
from .services.reference import sync_reference_data
from .storage.database import DEFAULT_URL, Database
from .storage.migrate import upgrade


MIN_SECRET_BYTES = 32


class ConfigurationError(Exception):
    """The server refuses to start with this configuration (said in one line, no traceback)."""


@dataclass(frozen=True, slots=True)
class Call:
    """One request's actor and business date, handed to every service method."""

    actor: Actor
    today: date


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_URL
    secret: str | None = None
    training: bool = False
    production: bool = False
    """YIBAO_ENV=production: introspection and suggestions for some roles only, a strong secret required."""
    graphiql: bool = True
    """GraphiQL at /graphql; off in production unless YIBAO_GRAPHIQL=1."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        production = env.get("YIBAO_ENV", "").strip().lower() == "production"
        return cls(
            database_url=env.get("YIBAO_DATABASE_URL") or DEFAULT_URL,
            secret=env.get("YIBAO_SECRET") or None,
            training=env.get("YIBAO_TRAINING", "") in ("1", "true", "yes"),
            production=production,
            graphiql=env.get("YIBAO_GRAPHIQL", "") in ("1", "true", "yes") if production or env.get("YIBAO_GRAPHIQL")
            else True,
        )


class Platform:
    def __init__(self, settings: Settings, plugins: PluginHost | None = None, clock: Clock | None = None):
        from .events import ApplicationEventBus
        from .services.application_flow import ApplicationFlow
        from .services.applications import Applications
        from .services.catalogue import ServiceCatalogue
        from .services.institutions import Institutions
        from .services.persons import Persons
        from .services.selections import Selections

        self.settings = settings
        self.db = Database(settings.database_url)
        self.plugins = plugins or PluginHost.load()
        self.clock = clock or Clock(training=settings.training)
        self.secret = settings.secret or resolve_secret(settings.database_url, {})
        if settings.production and len((settings.secret or "").encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"YIBAO_ENV=production needs YIBAO_SECRET of at least {MIN_SECRET_BYTES} bytes "
                                     f"(got {len((settings.secret or '').encode())})")
        self.institutions = Institutions(self)
        self.persons = Persons(self)
        self.selections = Selections(self)
        self.applications = Applications(self)
        self.application_flow = ApplicationFlow(self)
        self.catalogue = ServiceCatalogue(self)
        self.events = ApplicationEventBus(self.db)

    async def start(self, *, migrate: bool = True, load_reference: bool = True) -> None:
        """Create and migrate the database, then load the cities' reference data if it changed."""
        if migrate:
            await upgrade(self.db.engine)
        if load_reference:
            await sync_reference_data(self.db, self.plugins)
            await sync_catalogue(self.db)

    async def stop(self) -> None:
        await self.events.close()
        await self.db.dispose()
