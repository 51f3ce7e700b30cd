"""match requests (申请对接): a side asks the coordinators to pair its item with a candidate

Revision ID: e3a7c5d9b1f2
Revises: a8c2e4f6b1d3
Create Date: 2026-11-30 15:30:00.000000

One open request per need–offer pair (a partial unique index).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a7c5d9b1f2'
down_revision = 'a8c2e4f6b1d3'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_table(
        'match_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=5), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decline_reason', sa.Text(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done', 'declined')",
                           name=op.f('ck_match_requests_status')),
        sa.CheckConstraint("side IN ('need', 'offer')", name=op.f('ck_match_requests_side')),
        sa.ForeignKeyConstraint(['need_id'], ['needs.id'],
                                name=op.f('fk_match_requests_need_id_needs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name=op.f('fk_match_requests_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_match_requests_requested_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_match_requests_decided_by_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_match_requests_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['match_id'], ['matches.id'],
                                name=op.f('fk_match_requests_match_id_matches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_requests')),
    )
    op.create_index(op.f('ix_match_requests_need_id'), 'match_requests', ['need_id'])
    op.create_index(op.f('ix_match_requests_offer_id'), 'match_requests', ['offer_id'])
    op.create_index(op.f('ix_match_requests_organisation_id'), 'match_requests',
                    ['organisation_id'])
    op.create_index(op.f('ix_match_requests_status'), 'match_requests', ['status'])
    op.create_index('uq_match_requests_open_pair', 'match_requests', ['need_id', 'offer_id'],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_match_requests_open_pair', table_name='match_requests')
    op.drop_index(op.f('ix_match_requests_status'), table_name='match_requests')
    op.drop_index(op.f('ix_match_requests_organisation_id'), table_name='match_requests')
    op.drop_index(op.f('ix_match_requests_offer_id'), table_name='match_requests')
    op.drop_index(op.f('ix_match_requests_need_id'), table_name='match_requests')
    op.drop_table('match_requests')
