"""match index log and announced pairs: the index's version for per-process caches, and
新的推荐 never announced twice to one organisation

Revision ID: e7a3c5d9f1b2
Revises: c9d1e3f5a7b2
Create Date: 2026-11-30 15:40:00.000000

Both tables start empty: the next index write logs itself (a process with no cache, or a
cache older than the log, reloads); pairs announced before this revision may be announced
once more.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3c5d9f1b2'
down_revision = 'c9d1e3f5a7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'match_index_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('everything', sa.Boolean(), nullable=False),
        sa.Column('need_ids', sa.JSON(), nullable=False),
        sa.Column('offer_ids', sa.JSON(), nullable=False),
        sa.Column('need_lists', sa.JSON(), nullable=False),
        sa.Column('offer_lists', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_index_log')),
    )
    op.create_table(
        'match_announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['need_id'], ['needs.id'],
                                name=op.f('fk_match_announcements_need_id_needs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name=op.f('fk_match_announcements_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_match_announcements_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_announcements')),
    )
    op.create_index('ix_match_announcements_pair_org', 'match_announcements',
                    ['need_id', 'offer_id', 'organisation_id'], unique=True)


def downgrade():
    op.drop_index('ix_match_announcements_pair_org', table_name='match_announcements')
    op.drop_table('match_announcements')
    op.drop_table('match_index_log')
