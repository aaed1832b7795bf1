"""The composition root of the core: settings, and the services built from the database, the
plugin host and each other, each given exactly what it uses in its constructor.

Nothing under core/services imports this module; it imports them (one direction, no circle).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .auth import resolve_secret
from .call import Call
from .clock import Clock
from .events import ApplicationEventBus
from .plugins import PluginHost
from .services.application_flow import ApplicationFlow
from .services.applications import Applications
from .services.catalogue import ServiceCatalogue, sync_catalogue
from .services.filings import Filings
from .services.institutions import Institutions
from .services.person_categories import PersonCategories
from .services.persons import Persons
from .services.reference import sync_reference_data
from .services.selection_options import SelectionOptionsService
from .services.selections import Selections
from .storage.database import DEFAULT_URL, Database
from .storage.migrate import upgrade

__all__ = ["Call", "ConfigurationError", "Platform", "Settings"]

MIN_SECRET_BYTES = 32


class ConfigurationError(Exception):
    """The server refuses to start with this configuration (said in one line, no traceback)."""


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
    """The running platform: the services wired together once, started and stopped as one."""

    def __init__(self, settings: Settings, plugins: PluginHost | None = None, clock: Clock | None = None):
        self.settings = settings
        self.db = Database(settings.database_url)
        self.plugins = plugins or PluginHost.load()
        self.clock = clock or Clock(training=settings.training)
        self.secret = settings.secret or resolve_secret(settings.database_url, {})
        if settings.production and len((settings.secret or "").encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"YIBAO_ENV=production needs YIBAO_SECRET of at least {MIN_SECRET_BYTES} bytes "
                                     f"(got {len((settings.secret or '').encode())})")
        self.events = ApplicationEventBus(self.db)
        self.institutions = Institutions(self.db, self.plugins)
        self.persons = Persons(self.db, self.plugins)
        self.person_categories = PersonCategories(self.db)
        self.catalogue = ServiceCatalogue(self.db, self.plugins)
        self.applications = Applications(self.db, self.events)
        self.selections = Selections(self.db, self.plugins, self.catalogue, self.events, self.persons, self.institutions)
        self.selection_options = SelectionOptionsService(self.plugins, self.persons, self.institutions, self.selections)
        self.application_flow = ApplicationFlow(self.db, self.catalogue, self.events, self.selections)
        self.filings = Filings(self.db, self.plugins, self.catalogue, self.events)

    async def start(self, *, migrate: bool = True, load_reference: bool = True) -> None:
        """Create and migrate the database, then load the cities' reference data if it changed."""
        if migrate:
            await upgrade(self.db.engine)
        if load_reference:
            await sync_reference_data(self.db, self.plugins, self.clock.today())
            await sync_catalogue(self.db)
        await self.catalogue.start()

    async def stop(self) -> None:
        await self.events.close()
        await self.db.dispose()
