"""Scoring weights in the database: history rows only added, newest is current."""

from __future__ import annotations

import json

import pytest
from flask_migrate import upgrade

from matchmaker import unit_of_work
from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.models import Match, ScoringWeightSet
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import ranking, weights
from tests import factories


def make_decisions(users, n: int) -> None:
    """n decisions where only the text factor tells confirmed from rejected."""
    for i in range(n):
        need = factories.make_need(users["recipient"].organisation, title=f"需求{i}")
        offer = factories.make_offer(users["supporter"].organisation, title=f"供给{i}")
        close = i % 3 != 0
        factors = {"sector": 0.7 if close else 1.0, "budget": 0.9,
                   "region": 0.4 if close else 1.0,
                   "text": (0.6 + i / 500) if close else (0.05 + i / 500)}
        db.session.add(Match(need=need, offer=offer, factors=factors,
                             status="confirmed" if close else "rejected",
                             amount_yuan=1000 if close else 0))
    db.session.commit()


def test_learned_weights_become_current_and_scoring_uses_them(ctx, users):
    make_decisions(users, 36)
    result = unit_of_work.run(lambda: weights.learn(by=users["admin"], ip="127.0.0.1"))
    assert result.adopted
    db.session.expire_all()
    [row] = weights.history()
    assert row.adopted_by_id == users["admin"].id and row.n_decisions == 36
    assert row.weights == result.weights
    assert weights.current_weights() == result.weights
    assert ranking.plan_scorer().weights == result.weights  # what ranking scores with


def test_too_few_decisions_is_a_domain_error_and_saves_nothing(ctx, users):
    make_decisions(users, 5)
    with pytest.raises(DomainError, match="需要至少 30 条"):
        unit_of_work.run(lambda: weights.learn(by=users["admin"]))
    assert db.session.query(ScoringWeightSet).count() == 0


def test_revert_adds_a_row_and_keeps_the_history(ctx, users):
    make_decisions(users, 36)
    learned = unit_of_work.run(lambda: weights.learn(by=None))
    unit_of_work.run(lambda: weights.revert_to_defaults(by=users["admin"]))
    assert weights.current_weights() == ctx.config["SCORING_WEIGHTS"]
    newest, older = weights.history()
    assert (newest.kind, older.kind) == ("defaults", "learned")
    assert older.weights == learned.weights  # never updated
    with pytest.raises(DomainError, match="默认权重"):
        unit_of_work.run(lambda: weights.revert_to_defaults(by=users["admin"]))
    assert len(weights.history()) == 2


def test_newest_row_wins(ctx):
    db.session.add_all([
        ScoringWeightSet(kind="learned", weights={"sector": 1.0}, accuracy=0.8,
                         default_accuracy=0.7, n_decisions=30),
        ScoringWeightSet(kind="learned", weights={"text": 1.0}, accuracy=0.9,
                         default_accuracy=0.7, n_decisions=40),
    ])
    db.session.commit()
    assert weights.current_weights() == {"text": 1.0}


def test_migration_keeps_weights_adopted_in_the_old_file(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.sqlite'}"})
    app.instance_path = str(tmp_path)
    (tmp_path / "scoring_weights.json").write_text(json.dumps({
        "weights": {"sector": 0.2, "budget": 0.1, "region": 0.2, "text": 0.5},
        "accuracy": 0.9, "default_accuracy": 0.7, "decisions": 40}), encoding="utf-8")
    with app.app_context():
        upgrade()
        [row] = weights.history()
        assert (row.kind, row.n_decisions, row.adopted_by_id) == ("learned", 40, None)
        assert weights.current_weights()["text"] == 0.5
        db.session.remove()
        db.engine.dispose()
