"""learning to rank and concept lexicon: the concept lexicon in the database (concepts,
concept_terms, seeded from matchmaker/data/concepts.csv by `flask seed`); learning
attempts kept whether adopted or not (scoring_weight_sets.adopted, .details)

Revision ID: 1e8d002dec1a
Revises: e1a7c3d9b5f2
Create Date: 2026-11-30 15:18:12.210341

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1e8d002dec1a'
down_revision = 'e1a7c3d9b5f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('concepts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('sector_code', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sector_code'], ['sectors.code'], name=op.f('fk_concepts_sector_code_sectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concepts')),
    sa.UniqueConstraint('key', name=op.f('uq_concepts_key')),
    sa.UniqueConstraint('name', name=op.f('uq_concepts_name'))
    )
    with op.batch_alter_table('concepts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concepts_sector_code'), ['sector_code'], unique=False)

    op.create_table('concept_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concept_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['concept_id'], ['concepts.id'], name=op.f('fk_concept_terms_concept_id_concepts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concept_terms')),
    sa.UniqueConstraint('term', name=op.f('uq_concept_terms_term'))
    )
    with op.batch_alter_table('concept_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concept_terms_concept_id'), ['concept_id'], unique=False)

    with op.batch_alter_table('scoring_weight_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('scoring_weight_sets', schema=None) as batch_op:
        batch_op.drop_column('details')
        batch_op.drop_column('adopted')

    with op.batch_alter_table('concept_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concept_terms_concept_id'))

    op.drop_table('concept_terms')
    with op.batch_alter_table('concepts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concepts_sector_code'))

    op.drop_table('concepts')
