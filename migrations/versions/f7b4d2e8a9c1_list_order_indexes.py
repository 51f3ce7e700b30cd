"""list order indexes: needs and offers read newest first from an index, not a full sort

Revision ID: f7b4d2e8a9c1
Revises: e6a3c9d1f2b8
Create Date: 2026-11-30 15:40:00.000000

The lists' default order is ``published_at DESC NULLS LAST, id DESC``; without an index a
page of 50 sorted all 10,000 rows (bench/load.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7b4d2e8a9c1'
down_revision = 'e6a3c9d1f2b8'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite has no NULLS LAST in indexes, and needs none: its NULLs sort first, so DESC
    # puts them last already.
    nulls = ' NULLS LAST' if op.get_bind().dialect.name == 'postgresql' else ''
    for table in ('needs', 'offers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_newest',
                                  [sa.text(f'published_at DESC{nulls}'), sa.text('id DESC')],
                                  unique=False)


def downgrade():
    for table in ('needs', 'offers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_newest')
