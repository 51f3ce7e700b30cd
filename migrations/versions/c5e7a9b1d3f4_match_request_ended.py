"""match_requests.status 'ended': a request whose need or offer was closed ends by itself
(it was left open in the coordinators' queue, though nobody could confirm it)

Revision ID: c5e7a9b1d3f4
Revises: b4f8d2a6c1e3
Create Date: 2026-11-30 19:30:00.000000

Open requests on items already closed end now, with the same reason the service writes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f4'
down_revision = 'b4f8d2a6c1e3'
branch_labels = None
depends_on = None

OLD = "status IN ('open', 'done', 'declined')"
NEW = "status IN ('open', 'done', 'declined', 'ended')"


def upgrade():
    with op.batch_alter_table('match_requests') as batch:
        batch.drop_constraint(op.f('ck_match_requests_status'), type_='check')
        batch.create_check_constraint(op.f('ck_match_requests_status'), NEW)
    for table, label in (('needs', '需求'), ('offers', '供给')):
        key = 'need_id' if table == 'needs' else 'offer_id'
        op.execute(sa.text(
            f"UPDATE match_requests SET status = 'ended', decided_at = CURRENT_TIMESTAMP, "
            f"decline_reason = '{label}“' || (SELECT title FROM {table} "
            f"WHERE {table}.id = match_requests.{key}) || '”已关闭，申请自动结束。' "
            f"WHERE status = 'open' AND {key} IN (SELECT id FROM {table} WHERE status = 'closed')"))


def downgrade():
    op.execute(sa.text("UPDATE match_requests SET status = 'declined' WHERE status = 'ended'"))
    with op.batch_alter_table('match_requests') as batch:
        batch.drop_constraint(op.f('ck_match_requests_status'), type_='check')
        batch.create_check_constraint(op.f('ck_match_requests_status'), OLD)
