"""scoring weight sets: adopted scoring weights kept in the database (was instance/scoring_weights.json)

Revision ID: b7d41c2e9a15
Revises: 3598037656fe
Create Date: 2026-12-02 10:00:00.000000

"""
import json
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
from flask import current_app
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a15'
down_revision = '3598037656fe'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scoring_weight_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=True),
    sa.Column('accuracy', sa.Float(), nullable=True),
    sa.Column('default_accuracy', sa.Float(), nullable=True),
    sa.Column('n_decisions', sa.Integer(), nullable=True),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('learned', 'defaults')", name=op.f('ck_scoring_weight_sets_kind')),
    sa.CheckConstraint("kind = 'defaults' OR (weights IS NOT NULL AND accuracy IS NOT NULL AND default_accuracy IS NOT NULL AND n_decisions IS NOT NULL)", name=op.f('ck_scoring_weight_sets_learned_complete')),
    sa.CheckConstraint('accuracy IS NULL OR (accuracy >= 0 AND accuracy <= 1)', name=op.f('ck_scoring_weight_sets_accuracy_range')),
    sa.CheckConstraint('default_accuracy IS NULL OR (default_accuracy >= 0 AND default_accuracy <= 1)', name=op.f('ck_scoring_weight_sets_default_accuracy_range')),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_scoring_weight_sets_adopted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_weight_sets'))
    )
    with op.batch_alter_table('scoring_weight_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_weight_sets_created_at'), ['created_at'], unique=False)
    _import_legacy_file()


FACTORS = {"sector", "budget", "region", "text"}


def _import_legacy_file():
    """Weights adopted before this revision were kept in instance/scoring_weights.json:
    keep them as the first history row (the file itself is left in place)."""
    path = Path(current_app.instance_path) / "scoring_weights.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        weights = {k: float(v) for k, v in saved["weights"].items()}
        accuracy, default_accuracy = float(saved["accuracy"]), float(saved["default_accuracy"])
        decisions = int(saved["decisions"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return
    if not weights or not set(weights) <= FACTORS \
            or not (0 <= accuracy <= 1 and 0 <= default_accuracy <= 1):
        return
    adopted = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
    table = sa.table("scoring_weight_sets", sa.column("created_at", sa.DateTime),
                     sa.column("kind", sa.String), sa.column("weights", sa.JSON),
                     sa.column("accuracy", sa.Float), sa.column("default_accuracy", sa.Float),
                     sa.column("n_decisions", sa.Integer))
    op.bulk_insert(table, [{"created_at": adopted, "kind": "learned", "weights": weights,
                            "accuracy": accuracy, "default_accuracy": default_accuracy,
                            "n_decisions": decisions}])


def downgrade():
    with op.batch_alter_table('scoring_weight_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_weight_sets_created_at'))

    op.drop_table('scoring_weight_sets')
