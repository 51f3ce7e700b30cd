"""text model drift by coverage: the items published or edited since the fit whose text the
model barely covers (match_text_models.novel_items); enough of them trigger a refit

Revision ID: b4f8d2a6c1e3
Revises: b4d6f8a0c2e3
Create Date: 2026-11-30 18:40:00.000000

Existing fits start with no novel items: items published before this revision are only
caught by the corpus-size rule, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4f8d2a6c1e3'
down_revision = 'b4d6f8a0c2e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match_text_models', schema=None) as batch_op:
        batch_op.add_column(sa.Column('novel_items', sa.JSON(), server_default='[]',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('match_text_models', schema=None) as batch_op:
        batch_op.drop_column('novel_items')
