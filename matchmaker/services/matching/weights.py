"""Scoring weights: the configured defaults and the history of adopted weight sets.

Adopted weights live in the ``scoring_weight_sets`` table (so they are in the backup);
rows are only ever added. The current weights are those of the newest row, or the
configured defaults when there is none or the newest row returns to the defaults.
"""

from __future__ import annotations

import numpy as np
from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import LIVE_STATUSES, Match, ScoringWeightSet, User
from ...scoring import DEFAULT_WEIGHTS, FACTORS, LearnResult, learn_weights
from ..errors import DomainError
from ..platform import audit


def default_weights() -> dict[str, float]:
    """The configured default weights (``SCORING_WEIGHTS``)."""
    return dict(current_app.config.get("SCORING_WEIGHTS") or DEFAULT_WEIGHTS)


def latest() -> ScoringWeightSet | None:
    """The newest adopted weight set, if any."""
    stmt = select(ScoringWeightSet).order_by(ScoringWeightSet.created_at.desc(),
                                             ScoringWeightSet.id.desc()).limit(1)
    return db.session.scalar(stmt)


def current_weights() -> dict[str, float]:
    """The newest adopted learned weights, else the configured defaults."""
    row = latest()
    if row is not None and row.kind == "learned" and isinstance(row.weights, dict) \
            and row.weights and set(row.weights) <= set(FACTORS):
        return {f: float(v) for f, v in row.weights.items()}
    return default_weights()


def history(limit: int = 50) -> list[ScoringWeightSet]:
    """Adopted weight sets, newest first."""
    stmt = select(ScoringWeightSet).order_by(ScoringWeightSet.created_at.desc(),
                                             ScoringWeightSet.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def decisions() -> tuple[np.ndarray, np.ndarray]:
    """Factor vectors of coordinators' decisions: confirmed (1) and rejected (0) pairs."""
    stmt = select(Match.factors, Match.status).where(
        Match.status.in_(("rejected", *LIVE_STATUSES))
    )
    X, y = [], []
    for factors, status in db.session.execute(stmt):
        if isinstance(factors, dict) and all(f in factors for f in FACTORS):
            X.append([float(factors[f]) for f in FACTORS])
            y.append(status != "rejected")
    return np.array(X, dtype=np.float64).reshape(-1, len(FACTORS)), np.array(y, dtype=bool)


def learn(*, by: User | None, ip: str | None = None) -> LearnResult:
    """Learn weights from decisions; adopt them (a new row) only if they beat the defaults
    on held-out decisions. Records the attempt in the audit log; flushes, never commits.

    Raises ``DomainError`` when there are too few decisions to learn from.
    """
    X, y = decisions()
    defaults = default_weights()
    vector = np.array([defaults.get(f, 0.0) for f in FACTORS], dtype=np.float64)
    try:
        result = learn_weights(X, y, vector / vector.sum())
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    if result.adopted:
        db.session.add(ScoringWeightSet(
            kind="learned", weights=result.weights, accuracy=result.accuracy,
            default_accuracy=result.default_accuracy, n_decisions=result.n_decisions,
            adopted_by_id=by.id if by is not None else None))
    audit.record("scoring.learn", user=by, ip=ip, changes={
        "weights": [result.default_weights, result.weights],
        "accuracy": [result.default_accuracy, result.accuracy],
        "adopted": [None, result.adopted]})
    db.session.flush()
    return result


def revert_to_defaults(*, by: User | None, ip: str | None = None) -> ScoringWeightSet:
    """Go back to the configured defaults (a new history row); flushes, never commits.

    Raises ``DomainError`` when the defaults are already in use."""
    row = latest()
    if row is None or row.kind == "defaults":
        raise DomainError("当前已在使用默认权重。")
    before = current_weights()
    reverted = ScoringWeightSet(kind="defaults", weights=None,
                                adopted_by_id=by.id if by is not None else None)
    db.session.add(reverted)
    audit.record("scoring.revert", user=by, ip=ip,
                 changes={"weights": [before, default_weights()]})
    db.session.flush()
    return reverted
