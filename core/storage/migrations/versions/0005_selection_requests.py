"""typed selection requests (reviewed channels), the replaced record's previous end date, the proxy's ID

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('selection_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=30), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['selections.id'], ),
    sa.ForeignKeyConstraint(['selection_id'], ['selections.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('selection_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_requests_person_id'), ['person_id'], unique=False)
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced_effective_to', sa.Date(), nullable=True))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proxy_id_number', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('proxy_id_number')
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.drop_column('replaced_effective_to')
    with op.batch_alter_table('selection_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_requests_person_id'))
    op.drop_table('selection_requests')
