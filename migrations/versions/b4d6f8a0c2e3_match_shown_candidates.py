"""matches.shown_offer_ids: the need's candidates as its page showed them when a decision
was recorded, so learning to rank knows what the coordinator passed over

Revision ID: b4d6f8a0c2e3
Revises: e7a3c5d9f1b2
Create Date: 2026-11-30 18:45:00.000000

Existing decisions keep NULL: learning recomputes what they were shown, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e3'
down_revision = 'e7a3c5d9f1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matches') as batch:
        batch.add_column(sa.Column('shown_offer_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('matches') as batch:
        batch.drop_column('shown_offer_ids')
