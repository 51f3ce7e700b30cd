"""Drop text models of format 1: they predate place-name removal and LSA at every size, so
the next index refresh refits the model and rebuilds the index (text_model.drifted).

Revision ID: c9d1e3f5a7b2
Revises: e3a7c5d9b1f2
Create Date: 2026-11-30 16:25:00
"""
from alembic import op

revision = 'c9d1e3f5a7b2'
down_revision = 'e3a7c5d9b1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM match_text_models")


def downgrade():
    pass  # a model is derived data: the next refresh fits one again
