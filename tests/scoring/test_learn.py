"""Learning to rank from decision groups (pure: arrays in, weights and figures out)."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.scoring import MIN_DECISIONS, DecisionGroups, learn_to_rank, weight_vector
from matchmaker.scoring.learn import group_figures

DEFAULTS = weight_vector(None)  # sector, budget, region, text


def _groups(n_groups: int, choose, seed: int = 0, size: int = 5) -> DecisionGroups:
    """Groups of ``size`` candidates with random gated factors; ``choose(x, rng)`` picks the
    chosen row of each group."""
    rng = np.random.default_rng(seed)
    features, group, relevance = [], [], []
    for g in range(n_groups):
        x = rng.uniform(0.2, 1.0, size=(size, 4))
        x[:, 0] = 1.0  # same sector everywhere: the choice is about the rest
        pick = choose(x, rng)
        features.append(x)
        group += [g] * size
        relevance += [1.0 if k == pick else 0.0 for k in range(size)]
    return DecisionGroups(np.vstack(features), np.array(group), np.array(relevance))


def test_coordinators_who_choose_the_money_are_learned_and_adopted():
    data = _groups(40, lambda x, rng: int(np.argmax(x[:, 1])))
    result = learn_to_rank(data, DEFAULTS)
    assert result.weights["budget"] == max(result.weights.values())
    assert result.learned.hit1 == 1.0 and result.learned.hit1 > result.current.hit1
    assert result.learned.ndcg > result.current.ndcg + 0.05
    assert result.adopted and result.p_value < 0.05
    assert (result.n_decisions, result.n_train, result.n_test) == (40, 28, 12)
    assert result.n_pairs == 28 * 4  # chosen against each of the 4 passed over
    assert abs(sum(result.weights.values()) - 1.0) < 1e-3


def test_random_choices_are_not_adopted():
    for seed in range(5):
        data = _groups(40, lambda x, rng: int(rng.integers(len(x))), seed=seed)
        result = learn_to_rank(data, DEFAULTS)
        assert not result.adopted, (seed, result.details())


def test_choices_the_current_weights_already_make_are_not_adopted():
    data = _groups(40, lambda x, rng: int(np.argmax(x @ DEFAULTS)))
    result = learn_to_rank(data, DEFAULTS)
    assert result.current.hit1 == 1.0 and not result.adopted


def test_held_out_groups_are_the_newest():
    """Train on old choices of money, judge on new choices of text: not adopted."""
    old = _groups(28, lambda x, rng: int(np.argmax(x[:, 1])))
    new = _groups(12, lambda x, rng: int(np.argmax(x[:, 3])), seed=1)
    data = DecisionGroups(np.vstack([old.features, new.features]),
                          np.concatenate([old.group, new.group + 28]),
                          np.concatenate([old.relevance, new.relevance]))
    result = learn_to_rank(data, DEFAULTS)
    assert result.n_test == 12 and result.weights["budget"] > result.weights["text"]
    assert not result.adopted


def test_too_few_groups_or_groups_without_a_choice_raise():
    with pytest.raises(ValueError, match=f"需要至少 {MIN_DECISIONS} 条"):
        learn_to_rank(_groups(MIN_DECISIONS - 1, lambda x, rng: 0), DEFAULTS)
    nothing_chosen = _groups(30, lambda x, rng: -1)
    assert len(nothing_chosen.usable()) == 0
    with pytest.raises(ValueError):
        learn_to_rank(nothing_chosen, DEFAULTS)


def test_ties_count_against_the_chosen_offer():
    data = DecisionGroups(np.ones((3, 4)), np.zeros(3, np.int64), np.array([0.0, 1.0, 0.0]))
    figures = group_figures(np.ones(3), data, np.array([0]))
    assert figures.hit1 == 0.0 and figures.mrr == pytest.approx(1 / 3)
    assert figures.ndcg == pytest.approx(0.5)  # third of three: 1/log2(4)
