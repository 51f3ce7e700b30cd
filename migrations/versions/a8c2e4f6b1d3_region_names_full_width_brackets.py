"""Region names with full-width brackets, as Chinese text writes them: 第十一师（建工师）.

Revision ID: a8c2e4f6b1d3
Revises: f7b4d2e8a9c1
Create Date: 2026-11-30 16:15:00
"""
from alembic import op

revision = 'a8c2e4f6b1d3'
down_revision = 'f7b4d2e8a9c1'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE regions SET name = REPLACE(REPLACE(name, '(', '（'), ')', '）') "
               "WHERE name LIKE '%(%'")


def downgrade():
    pass  # the half-width form was a typing accident, not data worth restoring
