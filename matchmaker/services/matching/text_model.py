"""The persisted text model: fitted once on the published corpus, stored in
``match_text_models``, loaded (and cached per process) by every scorer.

A refit happens on demand (coordinator's 重新计算, ``flask index rebuild``) or when the
corpus has drifted: its size changed by more than ``DRIFT`` since the fit, or an admin
edited the concept lexicon since (``reference.lexicon.changed_at``).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer

from ...extensions import db
from ...models import Need, Offer, TextModel
from ...scoring import persist
from ...scoring.text import TextEmbedder
from ..reference import lexicon

#: Relative change of the corpus size that calls for a refit.
DRIFT = 0.2
#: Older fits kept (the newest is in use).
KEEP = 2
PLACEHOLDER = "对口支援项目"
_cache: dict[tuple[str, int], TextEmbedder] = {}


def corpus_size() -> int:
    """Published needs plus published offers."""
    return sum(db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.status == "published")) or 0
               for model in (Need, Offer))


def current() -> TextModel | None:
    """The newest fitted model row, if any (its megabytes of state load only when a
    process decodes it for the first time, in :func:`embedder_of`)."""
    return db.session.scalar(select(TextModel).options(defer(TextModel.state))
                             .order_by(TextModel.id.desc()).limit(1))


def drifted(row: TextModel | None) -> bool:
    """No model yet, the concept lexicon edited since the fit, or the corpus size moved
    more than ``DRIFT`` since the fit."""
    if row is None:
        return True
    edited = lexicon.changed_at()
    if edited is not None and edited > row.fitted_at:
        return True
    return abs(corpus_size() - row.corpus_size) > DRIFT * max(row.corpus_size, 1)


def embedder_of(row: TextModel) -> TextEmbedder:
    """The fitted embedder stored in ``row`` (decoded once per process), carrying the
    database's concept lexicon (``lexicon_``, read for scorers that build on it)."""
    key = (str(db.engine.url), row.id)
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = persist.load(row.state)
    _cache[key].lexicon_ = lexicon.current()  # cached by the lexicon's own change time
    return _cache[key]


def fit() -> TextModel:
    """Fit the text model on the published needs and offers, store it, drop old fits.

    Flushes, never commits. A corpus without text is fitted with a placeholder."""
    from .ranking import load_needs, load_offers

    needs, offers = load_needs(), load_offers()
    embedder = TextEmbedder(tokens=current_app.config.get("SCORING_TEXT_TOKENS", "char"))
    docs = (embedder.documents(offers.titles, offers.descriptions)
            + embedder.documents(needs.titles, needs.descriptions))
    try:
        embedder.fit(docs)
    except ValueError:  # no documents, or none with a single known character
        embedder.fit([*docs, PLACEHOLDER])
    row = TextModel(corpus_size=corpus_size(), tokens=embedder.tokens,
                    state=persist.dump(embedder))
    db.session.add(row)
    db.session.flush()
    old = select(TextModel.id).order_by(TextModel.id.desc()).offset(KEEP)
    db.session.execute(delete(TextModel).where(TextModel.id.in_(old.scalar_subquery()))
                       .execution_options(synchronize_session=False))
    _cache[(str(db.engine.url), row.id)] = embedder
    return row


def ensure(refit_on_drift: bool = False) -> tuple[TextModel, bool]:
    """The model row in use, fitting one when there is none (or it drifted, if asked);
    the flag says whether it was just fitted."""
    row = current()
    if row is None or (refit_on_drift and drifted(row)):
        return fit(), True
    return row, False
