"""Drop users.session_version: sessions live in user_sessions since b7c1d2e3f4a5.

Revision ID: e1a7c3d9b5f2
Revises: d5f9b2c7e1a4
Create Date: 2026-11-30 15:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e1a7c3d9b5f2'
down_revision = 'd5f9b2c7e1a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='1'))
