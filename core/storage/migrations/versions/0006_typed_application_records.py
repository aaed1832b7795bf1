"""typed application records: substitutions as rows, the time-limit case and review decisions as
columns, the catalogue's version in its own table (no "__catalogue__" row among the cities)

Revision ID: 0006
Revises: 0003 (the integrator re-chains)
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None

CATALOGUE_KEY = "__catalogue__"  # how 0002 kept the catalogue's digest among the cities' versions

applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("details", sa.JSON),
                        sa.column("substitutions", sa.JSON), sa.column("time_limit_case", sa.String))
substitutions = sa.table("application_substitutions", sa.column("application_id", sa.Integer),
                         sa.column("position", sa.Integer), sa.column("requirement", sa.String),
                         sa.column("substitute", sa.String), sa.column("consequence", sa.Text),
                         sa.column("replaces", sa.JSON))
reference_versions = sa.table("reference_versions", sa.column("city", sa.String), sa.column("digest", sa.String),
                              sa.column("loaded_at", sa.DateTime(timezone=True)))
catalogue_versions = sa.table("catalogue_versions", sa.column("digest", sa.String),
                              sa.column("loaded_at", sa.DateTime(timezone=True)))


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.create_table('application_substitutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=20), nullable=False),
    sa.Column('substitute', sa.String(length=200), nullable=False),
    sa.Column('consequence', sa.Text(), nullable=True),
    sa.Column('replaces', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application_substitutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_substitutions_application_id'), ['application_id'], unique=False)
    op.create_table('catalogue_versions',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.String(length=10), nullable=True))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_limit_case', sa.String(length=100), nullable=True))

    bind = op.get_bind()
    for app_id, details, used in bind.execute(
            sa.select(applications.c.id, applications.c.details, applications.c.substitutions)).all():
        details, used = _json(details) or {}, _json(used) or []
        for position, s in enumerate(used):
            bind.execute(substitutions.insert().values(
                application_id=app_id, position=position, requirement=s.get("requirement", ""),
                substitute=s.get("substitute", ""), consequence=s.get("consequence"), replaces=s.get("replaces", [])))
        case = details.get("case")
        if isinstance(case, str) and case.strip():
            bind.execute(applications.update().where(applications.c.id == app_id).values(time_limit_case=case))
    for digest, loaded_at in bind.execute(sa.select(reference_versions.c.digest, reference_versions.c.loaded_at)
                                          .where(reference_versions.c.city == CATALOGUE_KEY)).all():
        bind.execute(catalogue_versions.insert().values(digest=digest, loaded_at=loaded_at))
    bind.execute(reference_versions.delete().where(reference_versions.c.city == CATALOGUE_KEY))

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('substitutions')


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('substitutions', sa.JSON(), nullable=False, server_default='[]'))

    bind = op.get_bind()
    rows = bind.execute(sa.select(substitutions).order_by(substitutions.c.application_id,
                                                          substitutions.c.position)).all()
    by_app: dict[int, list[dict]] = {}
    for r in rows:
        by_app.setdefault(r.application_id, []).append({
            "requirement": r.requirement, "substitute": r.substitute, "consequence": r.consequence,
            "replaces": list(_json(r.replaces) or [])})
    for app_id, used in by_app.items():
        bind.execute(applications.update().where(applications.c.id == app_id).values(substitutions=used))
    for app_id, details, case in bind.execute(sa.select(applications.c.id, applications.c.details,
                                                        applications.c.time_limit_case)
                                              .where(applications.c.time_limit_case.is_not(None))).all():
        bind.execute(applications.update().where(applications.c.id == app_id)
                     .values(details={**(_json(details) or {}), "case": case}))
    latest = bind.execute(sa.select(catalogue_versions.c.digest, catalogue_versions.c.loaded_at)
                          .order_by(catalogue_versions.c.loaded_at.desc()).limit(1)).first()
    if latest is not None:
        bind.execute(reference_versions.insert().values(city=CATALOGUE_KEY, digest=latest.digest,
                                                        loaded_at=latest.loaded_at))

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('time_limit_case')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_column('decision')
    op.drop_table('catalogue_versions')
    with op.batch_alter_table('application_substitutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_substitutions_application_id'))
    op.drop_table('application_substitutions')
