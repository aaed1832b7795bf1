"""The composition root of the core: settings, and the services built from the database, the
plugin host and each other, each given exactly what it uses in its constructor.

Nothing under core/services imports this module; it imports them (one direction, no circle).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import ids
from .auth import MAX_TTL, PRODUCTION_MAX_TTL, resolve_secret
from .call import Call
from .clock import Clock
from .events import ApplicationEventBus
from .fhir.service import FhirService
from .plugins import PluginHost
from .revocations import TokenRevocations
from .services.application_flow import ApplicationFlow
from .services.audit_log import AuditLog
from .services.applications import Applications
from .services.catalogue import ServiceCatalogue, sync_catalogue
from .services.filings import Filings
from .services.institutions import Institutions
from .services.person_categories import PersonCategories
from .services import person_keys
from .services.persons import Persons
from .services.reference import sync_reference_data
from .services.selection_options import SelectionOptionsService
from .services.selections import Selections
from .settings import SettingsError
from .storage.database import DEFAULT_URL, POOLERS, Database, is_sqlite
from .storage.migrate import upgrade

__all__ = ["Call", "ConfigurationError", "Platform", "Settings"]

MIN_SECRET_BYTES = 32


class ConfigurationError(SettingsError):
    """The server refuses to start with this configuration (said in one line, no traceback)."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_URL
    secret: str | None = None
    training: bool = False
    federation: bool = False
    """YIBAO_FEDERATION=1: serve the schema as an Apollo Federation v2 subgraph (issue 12)."""
    federation_key: str | None = None
    """YIBAO_FEDERATION_KEY: the key of Person's `idHash` (core/ids.py), shared with integrators."""
    production: bool = False
    """YIBAO_ENV=production: introspection and suggestions for some roles only, a strong secret required."""
    graphiql: bool = True
    """GraphiQL at /graphql; off in production unless YIBAO_GRAPHIQL=1."""
    revocation_refresh: float = 0.0
    """Seconds between reloads of the token denylist (core/revocations.py); 0: never (one process)."""
    database_pooler: str | None = None
    """`YIBAO_DATABASE_POOLER=pgbouncer`: the database URL goes through a pooler in transaction mode
    (no named prepared statements; docs/scaling.md)."""
    listen_database_url: str | None = None
    """`YIBAO_LISTEN_DATABASE_URL`: a direct PostgreSQL URL for the one LISTEN connection of live
    events (required with a pooler: LISTEN cannot work through transaction pooling)."""

    @property
    def max_token_ttl(self) -> int:
        """The longest token lifetime accepted (core/auth.py): one hour in production, a week otherwise."""
        return PRODUCTION_MAX_TTL if self.production else MAX_TTL

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        production = env.get("YIBAO_ENV", "").strip().lower() == "production"
        try:
            refresh = float(env.get("YIBAO_REVOCATION_REFRESH") or 5)
        except ValueError:
            raise ConfigurationError("YIBAO_REVOCATION_REFRESH must be a number of seconds") from None
        settings = cls(
            database_url=env.get("YIBAO_DATABASE_URL") or DEFAULT_URL,
            secret=env.get("YIBAO_SECRET") or None,
            training=env.get("YIBAO_TRAINING", "") in ("1", "true", "yes"),
            federation=env.get("YIBAO_FEDERATION", "") in ("1", "true", "yes"),
            federation_key=env.get("YIBAO_FEDERATION_KEY") or None,
            production=production,
            graphiql=env.get("YIBAO_GRAPHIQL", "") in ("1", "true", "yes") if production or env.get("YIBAO_GRAPHIQL")
            else True,
            revocation_refresh=refresh,
            database_pooler=(env.get("YIBAO_DATABASE_POOLER") or "").strip().lower() or None,
            listen_database_url=env.get("YIBAO_LISTEN_DATABASE_URL") or None,
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Raise SettingsError when the database settings cannot work together (at start-up)."""
        pooler, url = self.database_pooler, self.database_url
        if pooler is not None and pooler not in POOLERS:
            raise SettingsError(f"YIBAO_DATABASE_POOLER={pooler!r}: known poolers are {', '.join(POOLERS)}")
        if pooler is not None and is_sqlite(url):
            raise SettingsError("YIBAO_DATABASE_POOLER applies to PostgreSQL only (YIBAO_DATABASE_URL is SQLite)")
        if self.listen_database_url is not None and (is_sqlite(url) or is_sqlite(self.listen_database_url)):
            raise SettingsError("YIBAO_LISTEN_DATABASE_URL applies to PostgreSQL only")
        if pooler is not None and self.listen_database_url is None:
            raise SettingsError("YIBAO_DATABASE_POOLER needs YIBAO_LISTEN_DATABASE_URL, a direct connection to "
                                "PostgreSQL for live events: LISTEN cannot work through transaction pooling")


class Platform:
    """The running platform: the services wired together once, started and stopped as one."""

    def __init__(self, settings: Settings, plugins: PluginHost | None = None, clock: Clock | None = None):
        self.settings = settings
        self.db = Database(settings.database_url, pooler=settings.database_pooler,
                           listen_url=settings.listen_database_url)
        self.plugins = plugins or PluginHost.load()
        self.clock = clock or Clock(training=settings.training)
        self.secret = settings.secret or resolve_secret(settings.database_url, {})
        if settings.production and len((settings.secret or "").encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"YIBAO_ENV=production needs YIBAO_SECRET of at least {MIN_SECRET_BYTES} bytes "
                                     f"(got {len((settings.secret or '').encode())})")
        self.revocations = TokenRevocations(self.db)
        self.events = ApplicationEventBus(self.db)
        self.institutions = Institutions(self.db, self.plugins)
        self.persons = Persons(self.db, self.plugins, ids.id_hash_key(settings.federation_key, self.secret))
        self.person_categories = PersonCategories(self.db)
        self.catalogue = ServiceCatalogue(self.db, self.plugins)
        self.applications = Applications(self.db, self.events)
        self.selections = Selections(self.db, self.plugins, self.catalogue, self.events, self.persons, self.institutions)
        self.selection_options = SelectionOptionsService(self.plugins, self.persons, self.institutions, self.selections)
        self.application_flow = ApplicationFlow(self.db, self.catalogue, self.events, self.selections)
        self.filings = Filings(self.db, self.plugins, self.catalogue, self.events)
        self.fhir = FhirService(self.db, self.plugins)
        self.audit_log = AuditLog(self.db)

    async def start(self, *, migrate: bool = True, load_reference: bool = True) -> None:
        """Create and migrate the database, then load the cities' reference data if it changed."""
        if migrate:
            await upgrade(self.db.engine)
        if load_reference:
            await sync_reference_data(self.db, self.plugins, self.clock.today())
            await sync_catalogue(self.db)
        await self.catalogue.start()
        await person_keys.forget_stale(self.db, self.persons.id_key)  # the id_hash key changed
        await self.revocations.load()
        self.revocations.watch(self.settings.revocation_refresh)

    async def stop(self) -> None:
        await self.revocations.close()
        await self.events.close()
        await self.db.dispose()
