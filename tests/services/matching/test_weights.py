"""Scoring weights in the database: learning to rank from real decisions made through the
match lifecycle, attempts kept, only adopted rows used, admins revert."""

from __future__ import annotations

import json

import numpy as np
import pytest
from flask_migrate import upgrade

from matchmaker import unit_of_work
from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, ScoringWeightSet
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import decisions, lifecycle, ranking, weights
from tests import decision_helpers as dh
from tests import factories


@pytest.fixture()
def sides(ctx, users):
    return users["recipient"].organisation, users["supporter"].organisation


def test_coordinators_choosing_the_money_teach_the_ranking_and_it_is_adopted(ctx, users,
                                                                               sides):
    made = dh.make_needs(*sides, 24)
    dh.decide_all(made, users["coordinator"], dh.money_offer)
    before = ranking.candidates_for_need(dh.make_needs(*sides, 1, start=24)[0][0])
    assert before[0]["factors"]["budget"] < 0.9  # the default weights prefer the words

    result = unit_of_work.run(lambda: weights.learn(by=users["admin"], ip="127.0.0.1"))
    assert result.adopted, result.details()
    assert result.current.hit1 < 0.5 and result.learned.hit1 == 1.0
    assert result.learned.ndcg > result.current.ndcg
    assert (result.n_decisions, result.n_test) == (24, 7)
    db.session.expire_all()
    [row] = weights.history()
    assert row.adopted and row.adopted_by_id == users["admin"].id and row.n_decisions == 24
    assert row.accuracy == pytest.approx(result.learned.ndcg)
    assert row.details["decisions"] == {"confirmed": 24, "rejected": 0, "declined": 0,
                                        "passed_over": row.details["decisions"]["passed_over"],
                                        "groups": 24}
    assert row.details["decisions"]["passed_over"] >= 24 * 3
    assert weights.current_weights() == result.weights
    assert ranking.plan_scorer().weights == result.weights  # what ranking scores with

    need, offers = dh.make_needs(*sides, 1, start=25)[0]
    after = ranking.candidates_for_need(need)
    assert after[0]["offer_id"] == dh.money_offer(offers).id  # ranked first now


def test_random_decisions_are_kept_but_not_adopted(ctx, users, sides):
    made = dh.make_needs(*sides, 24)
    dh.decide_all(made, users["coordinator"], dh.random_choices(seed=3))
    result = unit_of_work.run(lambda: weights.learn(by=users["admin"]))
    assert not result.adopted, result.details()
    [row] = weights.history()
    assert row.kind == "learned" and row.adopted is False
    assert weights.current_weights() == ctx.config["SCORING_WEIGHTS"]
    assert weights.latest() is None and weights.last_attempt() == row
    event = db.session.query(AuditEvent).filter_by(action="scoring.learn").one()
    assert event.changes["adopted"] == [None, False]


def test_rejections_and_declines_are_negatives_of_their_need(ctx, users, sides):
    [(need, offers)] = dh.make_needs(*sides, 1)
    coordinator = users["coordinator"]
    unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offers[0].id, "rejected"), by=coordinator))
    unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offers[1].id, "confirmed", amount_yuan=100_000),
        by=coordinator))
    match = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offers[2].id, "confirmed", amount_yuan=100_000),
        by=coordinator))
    unit_of_work.run(lambda: lifecycle.decline(match.id, by=users["recipient"]))
    unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offers[3].id, "confirmed", amount_yuan=100_000),
        by=coordinator))
    groups, tally = decisions.load(weights.current_weights())
    assert (tally.confirmed, tally.rejected, tally.declined, tally.groups) == (2, 1, 1, 1)
    assert groups.relevance.sum() == 2 and len(groups.relevance) == 4  # nothing else shown
    assert np.all(groups.features >= 0) and np.all(groups.features <= 1)
    assert decisions.counts() == {"confirmed": 2, "rejected": 1, "declined": 1}


def test_too_few_decisions_is_a_domain_error_and_saves_nothing(ctx, users, sides):
    dh.decide_all(dh.make_needs(*sides, 5), users["coordinator"], dh.money_offer)
    with pytest.raises(DomainError, match="需要至少 20 条"):
        unit_of_work.run(lambda: weights.learn(by=users["admin"]))
    assert db.session.query(ScoringWeightSet).count() == 0


def test_revert_adds_a_row_and_keeps_the_history(ctx, users, sides):
    dh.decide_all(dh.make_needs(*sides, 24), users["coordinator"], dh.money_offer)
    learned = unit_of_work.run(lambda: weights.learn(by=None))
    assert learned.adopted
    unit_of_work.run(lambda: weights.revert_to_defaults(by=users["admin"]))
    assert weights.current_weights() == ctx.config["SCORING_WEIGHTS"]
    newest, older = weights.history()
    assert (newest.kind, older.kind) == ("defaults", "learned")
    assert older.weights == learned.weights  # never updated
    with pytest.raises(DomainError, match="默认权重"):
        unit_of_work.run(lambda: weights.revert_to_defaults(by=users["admin"]))
    assert len(weights.history()) == 2


def test_gates_hold_under_learned_weights(ctx, users, sides):
    """A wrong-sector offer with all the money never outranks a fitting one."""
    dh.decide_all(dh.make_needs(*sides, 24), users["coordinator"], dh.money_offer)
    assert unit_of_work.run(lambda: weights.learn(by=None)).adopted
    need = factories.make_need(sides[0], title="英语教师培训提升", sector_code="0104",
                               region_code="540200", budget_yuan=1_000_000)
    fitting = factories.make_offer(sides[1], title="乡村学校师资研修", budget_yuan=400_000)
    rich = factories.make_offer(sides[1], title="英语教师培训提升", sectors=("0201",),
                                budget_yuan=5_000_000)
    db.session.commit()
    ranked = [c["offer_id"] for c in ranking.candidates_for_need(need, limit=500)]
    assert ranked.index(fitting.id) < ranked.index(rich.id)


def test_newest_adopted_row_wins(ctx):
    db.session.add_all([
        ScoringWeightSet(kind="learned", weights={"sector": 1.0}, accuracy=0.8,
                         default_accuracy=0.7, n_decisions=30),
        ScoringWeightSet(kind="learned", weights={"text": 1.0}, accuracy=0.9,
                         default_accuracy=0.7, n_decisions=40),
        ScoringWeightSet(kind="learned", weights={"budget": 1.0}, accuracy=0.6,
                         default_accuracy=0.7, n_decisions=50, adopted=False),
    ])
    db.session.commit()
    assert weights.current_weights() == {"text": 1.0}  # the attempt not adopted is ignored


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
        assert row.adopted is True  # rows from before this column were all adopted
        assert weights.current_weights()["text"] == 0.5
        db.session.remove()
        db.engine.dispose()


def test_learning_counts_what_was_shown_when_deciding_not_what_would_be_shown_now(ctx, users,
                                                                                   sides):
    from matchmaker.services.matching import index

    [(need, offers)] = dh.make_needs(*sides, 1)
    unit_of_work.run(lambda: index.rebuild(refit=True))
    unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(need.id, offers[0].id, "confirmed", amount_yuan=100_000),
        by=users["coordinator"]))
    # Published after the decision: today's ranking would show it, the coordinator never saw it.
    later = unit_of_work.run(lambda: factories.make_offer(
        sides[1], title=need.title, description=need.description, budget_yuan=2_000_000))
    groups, tally = decisions.load(weights.current_weights())
    assert tally.groups == 1 and tally.confirmed == 1
    assert tally.passed_over == len(offers) - 1  # the three others shown then, not ``later``
    assert len(groups.relevance) == len(offers) and groups.relevance.sum() == 1
    assert later.id not in {o.id for o in offers}
