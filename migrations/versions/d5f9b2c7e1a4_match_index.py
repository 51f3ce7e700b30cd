"""match index: the persisted text model and each item's top candidates

Revision ID: d5f9b2c7e1a4
Revises: d5f2b8c3e4a7
Create Date: 2026-12-02 10:00:00.000000

Both tables start empty: the first read or ``flask index rebuild`` fills them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f9b2c7e1a4'
down_revision = 'd5f2b8c3e4a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'match_text_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fitted_at', sa.DateTime(), nullable=False),
        sa.Column('corpus_size', sa.Integer(), nullable=False),
        sa.Column('tokens', sa.String(length=10), nullable=False),
        sa.Column('state', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_text_models')),
    )
    op.create_index(op.f('ix_match_text_models_fitted_at'), 'match_text_models',
                    ['fitted_at'], unique=False)
    op.create_table(
        'match_index',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('factors', sa.JSON(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['need_id'], ['needs.id'],
                                name=op.f('fk_match_index_need_id_needs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name=op.f('fk_match_index_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_index')),
    )
    op.create_index('ix_match_index_pair', 'match_index', ['need_id', 'offer_id'], unique=True)
    op.create_index('ix_match_index_need_score', 'match_index', ['need_id', 'score'])
    op.create_index('ix_match_index_offer_score', 'match_index', ['offer_id', 'score'])


def downgrade():
    op.drop_table('match_index')
    op.drop_index(op.f('ix_match_text_models_fitted_at'), table_name='match_text_models')
    op.drop_table('match_text_models')
