"""delivery confirmation: the offer side confirms or disputes a completion's figures

Revision ID: c4e8a1f2d3b6
Revises: b7c1d2e3f4a5
Create Date: 2026-11-30 12:50:00.000000

Completed matches reported before this revision are ``pending`` (the offer side has
not confirmed them); those whose delivered money exceeds the match's amount are
``disputed`` so that they land in the coordinators' work queue for correction.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a1f2d3b6'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matches') as batch:
        batch.add_column(sa.Column('delivery_status', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('delivery_answered_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('delivery_answered_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('dispute_note', sa.Text(), nullable=False,
                                   server_default=''))
    matches = sa.table('matches', sa.column('status', sa.String), sa.column('amount_yuan'),
                       sa.column('delivered_yuan'), sa.column('delivery_status', sa.String),
                       sa.column('dispute_note', sa.Text))
    op.execute(matches.update().where(matches.c.status == 'completed')
               .values(delivery_status='pending'))
    op.execute(matches.update().where(matches.c.status == 'completed',
                                      matches.c.delivered_yuan > matches.c.amount_yuan)
               .values(delivery_status='disputed',
                       dispute_note='系统检查：实际到位资金超过对接金额，请协调员更正。'))
    with op.batch_alter_table('matches') as batch:
        batch.alter_column('dispute_note', server_default=None)
        batch.create_index(op.f('ix_matches_delivery_status'), ['delivery_status'],
                           unique=False)
        batch.create_foreign_key(op.f('fk_matches_delivery_answered_by_id_users'), 'users',
                                 ['delivery_answered_by_id'], ['id'])
        batch.create_check_constraint(
            op.f('ck_matches_delivery_status'),
            "delivery_status IS NULL OR delivery_status IN ('pending', 'confirmed', 'disputed')")


def downgrade():
    with op.batch_alter_table('matches') as batch:
        batch.drop_constraint(op.f('ck_matches_delivery_status'), type_='check')
        batch.drop_constraint(op.f('fk_matches_delivery_answered_by_id_users'),
                              type_='foreignkey')
        batch.drop_index(op.f('ix_matches_delivery_status'))
        batch.drop_column('dispute_note')
        batch.drop_column('delivery_answered_at')
        batch.drop_column('delivery_answered_by_id')
        batch.drop_column('delivery_status')
