"""catalogue, calendar schedules, application materials

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:28:01.946828
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_schedules',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('workdays', sa.JSON(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('service_items',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sub_number', sa.Integer(), nullable=True),
    sa.Column('parent_code', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_items_name'), ['name'], unique=False)

    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missing_materials', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('substitutions', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('due_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('calendar_fallback', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_applications_person_idempotency', ['person_id', 'idempotency_key'])


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_applications_person_idempotency', type_='unique')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('calendar_fallback')
        batch_op.drop_column('due_note')
        batch_op.drop_column('substitutions')
        batch_op.drop_column('facts')
        batch_op.drop_column('materials')

    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_column('missing_materials')

    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_items_name'))

    op.drop_table('service_items')
    op.drop_table('calendar_schedules')
