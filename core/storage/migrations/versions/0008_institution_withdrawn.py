"""institutions.withdrawn_on: the reference data lifecycle (issue 11)

An institution no longer shipped by its city plugin, or no longer in a complete import, is marked
withdrawn instead of being kept as current or deleted: history and existing selections keep
pointing at it, new selections are refused (INSTITUTION_WITHDRAWN), lists leave it out by default.

Revision ID: 0008
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place: batch mode would recreate `institutions`, which
    # other tables' foreign keys (institution_networks, selections) forbid.
    op.execute('ALTER TABLE institutions DROP COLUMN withdrawn_on')
