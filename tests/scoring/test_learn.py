"""Learning weights from coordinators' decisions (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.scoring import MIN_DECISIONS, learn_weights, weight_vector

DEFAULTS = weight_vector(None)


def decisions(n: int, rule, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((n, 4))
    return X, rule(X)


def test_learns_what_coordinators_care_about_and_adopts_it():
    # Coordinators here confirm exactly the pairs with close texts (factor 3).
    X, y = decisions(200, lambda X: X[:, 3] > 0.5)
    result = learn_weights(X, y, DEFAULTS)
    assert max(result.weights, key=result.weights.get) == "text"
    assert sum(result.weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert result.accuracy > result.default_accuracy
    assert result.adopted
    assert result.n_decisions == 200 and result.n_folds == 5


def test_defaults_kept_when_learning_does_not_beat_them():
    # Decisions made exactly by the default weighted score: nothing to gain.
    X, y = decisions(200, lambda X: X @ DEFAULTS > 0.5, seed=1)
    result = learn_weights(X, y, DEFAULTS)
    assert result.default_accuracy >= 0.95
    assert result.accuracy <= result.default_accuracy + 0.02


def test_needs_enough_decisions_of_both_kinds():
    X, y = decisions(MIN_DECISIONS - 1, lambda X: X[:, 0] > 0.5)
    with pytest.raises(ValueError, match="至少 30 条"):
        learn_weights(X, y, DEFAULTS)
    X, y = decisions(40, lambda X: X[:, 0] > -1)  # all confirmed
    with pytest.raises(ValueError):
        learn_weights(X, y, DEFAULTS)


def test_few_rejections_reduce_the_folds():
    X, y = decisions(40, lambda X: X[:, 0] > 0.1)
    y[:] = True
    y[:3] = False
    assert learn_weights(X, y, DEFAULTS).n_folds == 3
