"""institution_history: what each bulk import changed (issue 12)

One row per institution an import created, changed or withdrew, with the values before and after,
so a re-import that updates by code keeps the earlier state.

Revision ID: 0010
Revises: 0005 (re-chained by the lead at merge)
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('institution_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('institution_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_history_institution_id'), ['institution_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('institution_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_history_institution_id'))
    op.drop_table('institution_history')
