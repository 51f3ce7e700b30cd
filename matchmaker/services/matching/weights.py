"""Scoring weights: the configured defaults, learning to rank from decisions, the history.

Learning attempts and adoptions live in the ``scoring_weight_sets`` table (so they are in the
backup); rows are only ever added. The current weights are those of the newest *adopted*
row, or the configured defaults when there is none or the newest adopted row returns to the
defaults. An attempt that does not beat the current weights on held-out decisions is kept,
not adopted, so the weights page can show it.
"""

from __future__ import annotations

import numpy as np
from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import ScoringWeightSet, User
from ...scoring import DEFAULT_WEIGHTS, FACTORS, LearnResult, learn_to_rank
from ..errors import DomainError
from ..platform import audit


def default_weights() -> dict[str, float]:
    """The configured default weights (``SCORING_WEIGHTS``)."""
    return dict(current_app.config.get("SCORING_WEIGHTS") or DEFAULT_WEIGHTS)


def latest() -> ScoringWeightSet | None:
    """The newest adopted weight set, if any."""
    stmt = (select(ScoringWeightSet).where(ScoringWeightSet.adopted.is_(True))
            .order_by(ScoringWeightSet.created_at.desc(), ScoringWeightSet.id.desc()).limit(1))
    return db.session.scalar(stmt)


def last_attempt() -> ScoringWeightSet | None:
    """The newest learning attempt, adopted or not."""
    stmt = (select(ScoringWeightSet).where(ScoringWeightSet.kind == "learned")
            .order_by(ScoringWeightSet.created_at.desc(), ScoringWeightSet.id.desc()).limit(1))
    return db.session.scalar(stmt)


def current_weights() -> dict[str, float]:
    """The newest adopted learned weights, else the configured defaults."""
    row = latest()
    if row is not None and row.kind == "learned" and isinstance(row.weights, dict) \
            and row.weights and set(row.weights) <= set(FACTORS):
        return {f: float(v) for f, v in row.weights.items()}
    return default_weights()


def history(limit: int = 50) -> list[ScoringWeightSet]:
    """Learning attempts and adoptions, newest first."""
    stmt = select(ScoringWeightSet).order_by(ScoringWeightSet.created_at.desc(),
                                             ScoringWeightSet.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def learn(*, by: User | None, ip: str | None = None) -> LearnResult:
    """Learn to rank from coordinators' decisions (``decisions.load``, ``scoring.learn``);
    keep the attempt with its held-out figures, adopted only if it beats the current
    weights. Records the attempt in the audit log; flushes, never commits.

    Raises ``DomainError`` when there are too few decisions to learn from.
    """
    from . import decisions  # decisions → ranking → weights

    current = current_weights()
    groups, tally = decisions.load(current)
    vector = np.array([current.get(f, 0.0) for f in FACTORS], dtype=np.float64)
    try:
        result = learn_to_rank(groups, vector / vector.sum())
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    result.decisions = tally.as_dict()
    details = result.details()
    db.session.add(ScoringWeightSet(
        kind="learned", weights=result.weights, accuracy=result.learned.ndcg,
        default_accuracy=result.current.ndcg, n_decisions=result.n_decisions,
        adopted=result.adopted, details=details,
        adopted_by_id=by.id if by is not None else None))
    audit.record("scoring.learn", user=by, ip=ip, changes={
        "weights": [result.current_weights, result.weights],
        "ndcg": [round(result.current.ndcg, 4), round(result.learned.ndcg, 4)],
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
