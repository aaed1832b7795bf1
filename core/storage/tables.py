"""SQLAlchemy tables. Only core services touch these; plugins see core.domain values."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class InstitutionRow(Base):
    """定点医疗机构 (IN-1)."""

    __tablename__ = "institutions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(40), index=True)
    division_code: Mapped[str] = mapped_column(String(12), default="")
    town: Mapped[str | None] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    name_pinyin: Mapped[str] = mapped_column(String(800), default="")
    name_initials: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(40), default="plugin")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    """No longer shipped or imported since this day: kept with its history, refused for new selections."""
    networks: Mapped[list[dict]] = mapped_column(JSON, default=list)
    """Network memberships as read into the domain ([{kind, id, name}]); indexed by institution_networks."""
    __table_args__ = (Index("ix_institutions_city_town", "city", "town"),)


class InstitutionHistoryRow(Base):
    """What a bulk import did to one institution (created, updated, withdrawn): before and after."""

    __tablename__ = "institution_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    city: Mapped[str] = mapped_column(String(40))
    change: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class InstitutionNetworkRow(Base):
    """The queryable index of `institutions.networks`: one row per membership, written with it."""

    __tablename__ = "institution_networks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[str] = mapped_column(String(60))
    __table_args__ = (
        UniqueConstraint("institution_id", "kind", "network_id", name="uq_institution_networks_membership"),
        Index("ix_institution_networks_kind_id", "kind", "network_id"),
    )


class AgencyRow(Base):
    """经办机构 and service points (IN-3)."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(40))
    town: Mapped[str | None] = mapped_column(String(60))
    hours: Mapped[str | None] = mapped_column(Text)
    phones: Mapped[list[dict]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("city", "name"),)


class PersonRow(Base):
    """参保人 (ID-1..3)."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    document_type: Mapped[str] = mapped_column(String(40), default="RESIDENT_ID")
    name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(40), index=True)
    insured_since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    """core.ids.id_hash of id_number under the deployment's key (issue 12, federation): filled when a
    lookup misses while rows lack it, emptied at start-up when the key changed (services/person_keys.py)."""


class SchemePeriodRow(Base):
    """ID-3: a dated stretch of one scheme; history is kept, later periods close earlier ones."""

    __tablename__ = "scheme_periods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(20))
    tier: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class PersonCategoryRow(Base):
    """A dated category (e.g. 在校学生) an agency recorded for a person; history is kept."""

    __tablename__ = "person_categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class ApplicationRow(Base):
    """An application (申请): every selection request leaves one (SE-5)."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    city: Mapped[str] = mapped_column(String(40), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    submitted_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    """Only a selection application's request (application_records.SelectionRequestDetails)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    facts: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_limit_case: Mapped[str | None] = mapped_column(String(100))
    """The item's time-limit exception applied to the due date (e.g. 个人账户申办), if any."""
    due_note: Mapped[str | None] = mapped_column(Text)
    calendar_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    proxy_id_number: Mapped[str | None] = mapped_column(String(32))
    """SE-3: the 代办人's own ID number when a proxy made the request."""
    __table_args__ = (UniqueConstraint("person_id", "idempotency_key", name="uq_applications_person_idempotency"),)


class ApplicationEventRow(Base):
    """Each status change of an application: who, when, channel and reason."""

    __tablename__ = "application_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    missing_materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(10))
    """A reviewer's decision (ReviewDecision) for the events a review caused; None otherwise."""


class ApplicationSubstitutionRow(Base):
    """A material an application met by a substitute (SC-5), in the order the check found them."""

    __tablename__ = "application_substitutions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    requirement: Mapped[str] = mapped_column(String(20))
    substitute: Mapped[str] = mapped_column(String(200))
    consequence: Mapped[str | None] = mapped_column(Text)
    replaces: Mapped[list[str]] = mapped_column(JSON, default=list)


class SelectionRow(Base):
    """选点 record. Never deleted; its end date moves only through recorded events."""

    __tablename__ = "selections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    slot: Mapped[str] = mapped_column(String(30))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    scheme: Mapped[str | None] = mapped_column(String(20))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    created_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("selections.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(Text)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    replaced_effective_to: Mapped[date | None] = mapped_column(Date)
    """The end date the replaced record had before this change; restored if this one is withdrawn."""
    __table_args__ = (UniqueConstraint("person_id", "idempotency_key"),)


class SelectionRequestRow(Base):
    """A reviewed selection request (e.g. ZS-6 through 广东政务服务网), typed and linked to its
    application: judged as of `applied_on` (SE-3), whenever staff decide."""

    __tablename__ = "selection_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    slot: Mapped[str | None] = mapped_column(String(30))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("selections.id"))
    applied_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    selection_id: Mapped[int | None] = mapped_column(ForeignKey("selections.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)


class SelectionEventRow(Base):
    """Append-only history of a selection: created, end scheduled/restored, withdrawn, ended."""

    __tablename__ = "selection_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ReferenceVersionRow(Base):
    """Which version of a city's shipped reference data is loaded."""

    __tablename__ = "reference_versions"
    city: Mapped[str] = mapped_column(String(40), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CatalogueVersionRow(Base):
    """Which version (digest) of the packaged catalogue was loaded into service_items, and when."""

    __tablename__ = "catalogue_versions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceItemRow(Base):
    """One catalogue item (seed 002) as loaded from the packaged data files (SC-1)."""

    __tablename__ = "service_items"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    sub_number: Mapped[int | None] = mapped_column(Integer)
    parent_code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), index=True)
    document: Mapped[dict] = mapped_column(JSON)


class CalendarScheduleRow(Base):
    """An official holiday schedule an operator loaded (SC-2); wins over the packaged calendar."""

    __tablename__ = "calendar_schedules"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    workdays: Mapped[list[str]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(100))


class RemoteFilingRow(Base):
    """异地就医备案 (RF-1..6). Never deleted; its state moves only through recorded events."""

    __tablename__ = "remote_filings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    city: Mapped[str] = mapped_column(String(40), index=True)
    type: Mapped[str] = mapped_column(String(30))
    destination: Mapped[str] = mapped_column(String(6))
    destination_name: Mapped[str] = mapped_column(String(100))
    start_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    locked_until: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    materials_completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    validity_months: Mapped[int | None] = mapped_column(Integer)
    lock_months: Mapped[int] = mapped_column(Integer, default=0)
    deemed: Mapped[bool] = mapped_column(Boolean, default=False)
    proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("person_id", "idempotency_key", name="uq_remote_filings_person_idempotency"),)


class RemoteFilingChoiceRow(Base):
    """RF-4: a general-outpatient choice at the destination; its REMOTE selection once approved."""

    __tablename__ = "remote_filing_choices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("remote_filings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    selection_id: Mapped[int | None] = mapped_column(ForeignKey("selections.id"))


class RemoteFilingEventRow(Base):
    """Each status change of a filing: submitted, returned, active, rejected, cancelled, materials completed."""

    __tablename__ = "remote_filing_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("remote_filings.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class RevokedTokenRow(Base):
    """A bearer token revoked before its expiry, by its `jti` claim (kept until it would have expired)."""

    __tablename__ = "revoked_tokens"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[int] = mapped_column(Integer, index=True)
    """The token's `exp` (seconds since the epoch): past it, the row may go."""
    revoked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class RevokedSubjectRow(Base):
    """Every token of a subject (`sub` claim) issued at or before `not_after` is revoked."""

    __tablename__ = "revoked_subjects"
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    not_after: Mapped[int] = mapped_column(Integer)
    """Tokens whose `iat` (seconds since the epoch) is not later than this are refused."""
    revoked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditLogRow(Base):
    """审计日志: one row per committed write (who, for whom, through which channel, what changed).

    Append-only: written only by storage/audit.py's INSERT; triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    correlation_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    actor_city: Mapped[str | None] = mapped_column(String(40))
    acting_for: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(20))
    records: Mapped[str] = mapped_column(Text)
    """Space-delimited `table:id` keys of the changed rows and the rows they reference."""
    changes: Mapped[list[dict]] = mapped_column(JSON)
    """[{table, id, action: INSERT|UPDATE|DELETE, before, after}] with column values as JSON."""
