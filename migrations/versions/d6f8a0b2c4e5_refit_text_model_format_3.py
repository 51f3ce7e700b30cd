"""Drop text models of format 2: they carry no sub-sector guide (an offer filed under a
top-level sector only would still be ranked as covering every sub-sector), so the next index
refresh refits the model with its guide and rebuilds the index (text_model.drifted).

Revision ID: d6f8a0b2c4e5
Revises: c5e7a9b1d3f4
Create Date: 2026-11-30 21:50:00
"""
from alembic import op

revision = 'd6f8a0b2c4e5'
down_revision = 'c5e7a9b1d3f4'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM match_text_models")


def downgrade():
    pass  # a model is derived data: the next refresh fits one again
