"""remote-treatment filings (异地就医备案): filings, outpatient choices, events

Revision ID: 0004
Revises: 0008 (the integrator re-chains)
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('remote_filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('destination', sa.String(length=6), nullable=False),
    sa.Column('destination_name', sa.String(length=100), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('locked_until', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('materials_completed_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('lock_months', sa.Integer(), nullable=False),
    sa.Column('deemed', sa.Boolean(), nullable=False),
    sa.Column('proxy', sa.Boolean(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'idempotency_key', name='uq_remote_filings_person_idempotency')
    )
    op.create_index('ix_remote_filings_person_id', 'remote_filings', ['person_id'], unique=False)
    op.create_index('ix_remote_filings_city', 'remote_filings', ['city'], unique=False)
    op.create_table('remote_filing_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('selection_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['filing_id'], ['remote_filings.id'], ),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], ),
    sa.ForeignKeyConstraint(['selection_id'], ['selections.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_remote_filing_choices_filing_id', 'remote_filing_choices', ['filing_id'], unique=False)
    op.create_table('remote_filing_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['filing_id'], ['remote_filings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_remote_filing_events_filing_id', 'remote_filing_events', ['filing_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_remote_filing_events_filing_id', table_name='remote_filing_events')
    op.drop_table('remote_filing_events')
    op.drop_index('ix_remote_filing_choices_filing_id', table_name='remote_filing_choices')
    op.drop_table('remote_filing_choices')
    op.drop_index('ix_remote_filings_city', table_name='remote_filings')
    op.drop_index('ix_remote_filings_person_id', table_name='remote_filings')
    op.drop_table('remote_filings')
