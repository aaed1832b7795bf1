"""persons.id_hash: the keyed hash of the ID number that federation resolves Person entities by

Issue 12: a Person is referenced across subgraphs by HMAC-SHA256 of its ID number (core/ids.py),
never by the number. The column is the lookup index; it is filled by core/services/person_keys.py
(under the deployment's key, which a migration does not know), so it starts empty here.

Revision ID: 0011
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('persons', sa.Column('id_hash', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_persons_id_hash'), 'persons', ['id_hash'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_persons_id_hash'), table_name='persons')
    # SQLite (3.35+) drops a column in place: batch mode would recreate `persons`, which other
    # tables' foreign keys forbid (as 0008 does for institutions).
    op.execute('ALTER TABLE persons DROP COLUMN id_hash')
