"""pending uploads: sheets waiting for confirmation kept in the database (were files in
instance/uploads), with the progress of large imports run as background jobs

Revision ID: e6a3c9d1f2b8
Revises: 1e8d002dec1a
Create Date: 2026-11-30 15:30:00.000000

Uploads waiting in instance/uploads are not carried over: they expire within a day anyway;
users upload the sheet again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a3c9d1f2b8'
down_revision = '1e8d002dec1a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('draft', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('sheet', sa.LargeBinary(), nullable=True),
        sa.Column('preview', sa.LargeBinary(), nullable=True),
        sa.Column('info', sa.JSON(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('checking', 'ready', 'importing', 'done')",
                           name=op.f('ck_pending_uploads_state')),
        sa.CheckConstraint("kind IN ('needs', 'offers')", name=op.f('ck_pending_uploads_kind')),
        sa.CheckConstraint('rows_done >= 0 AND rows_total >= 0',
                           name=op.f('ck_pending_uploads_rows')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'],
                                name=op.f('fk_pending_uploads_job_id_jobs'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_pending_uploads_organisation_id_organisations'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_pending_uploads_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_uploads')),
        sa.UniqueConstraint('token', name=op.f('uq_pending_uploads_token')),
    )
    with op.batch_alter_table('pending_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_pending_uploads_expires_at', ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_uploads_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('pending_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_uploads_user_id'))
        batch_op.drop_index('ix_pending_uploads_expires_at')
    op.drop_table('pending_uploads')
