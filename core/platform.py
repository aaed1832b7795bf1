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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("YIBAO_DATABASE_URL") or DEFAULT_URL,
            secret=env.get("YIBAO_SECRET") or None,
            training=env.get("YIBAO_TRAINING", "") in ("1", "true", "yes"),
        )


class Platform:
    def __init__(self, settings: Settings, plugins: PluginHost | None = None, clock: Clock | None = None):
        from .events import ApplicationEventBus
        from .services.application_flow import ApplicationFlow
        from .services.applications import Applications
        from .services.catalogue import ServiceCatalogue
        from .services.filings import Filings
        from .services.institutions import Institutions
        from .services.persons import Persons
        from .services.selections import Selections

        self.settings = settings
        self.db = Database(settings.database_url)
        self.plugins = plugins or PluginHost.load()
        self.clock = clock or Clock(training=settings.training)
        self.secret = settings.secret or resolve_secret(settings.database_url, {})
        self.institutions = Institutions(self)
        self.persons = Persons(self)
        self.selections = Selections(self)
        self.applications = Applications(self)
        self.application_flow = ApplicationFlow(self)
        self.catalogue = ServiceCatalogue(self)
        self.filings = Filings(self)
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
