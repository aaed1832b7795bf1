"""institution networks, person categories

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('networks', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('institution_networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('network_id', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('institution_id', 'kind', 'network_id', name='uq_institution_networks_membership')
    )
    with op.batch_alter_table('institution_networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_networks_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index('ix_institution_networks_kind_id', ['kind', 'network_id'], unique=False)
    op.create_table('person_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_categories_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_categories_person_id'))
    op.drop_table('person_categories')
    with op.batch_alter_table('institution_networks', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_networks_kind_id')
        batch_op.drop_index(batch_op.f('ix_institution_networks_institution_id'))
    op.drop_table('institution_networks')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_column('networks')
