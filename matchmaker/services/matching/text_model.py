"""The persisted text model: fitted once on the published corpus, stored in
``match_text_models``, loaded (and cached per process) by every scorer.

A refit happens on demand (coordinator's 重新计算, ``flask index rebuild``) or when the
corpus has drifted: its size changed by more than ``DRIFT`` since the fit, an admin
edited the concept lexicon since (``reference.lexicon.changed_at``), or enough items
published or edited since the fit are *novel* — more than ``NOVEL_SHARE`` of their text's
n-grams unknown to the model (a new topic: the model would score their text on the few
words it knows) — at least ``NOVEL_ITEMS`` of the corpus at the fit, and at least one.
Each incremental refresh notes which of its items are novel (:func:`note_novel`).
"""

from __future__ import annotations

import math

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer

from ...extensions import db
from ...models import Need, Offer, TextModel
from ...scoring import persist
from ...scoring.ngrams import CharNgramCounter
from ...scoring.subsectors import SubSectorGuide, item_codes
from ...scoring.text import TextEmbedder
from ..reference import lexicon

#: Relative change of the corpus size that calls for a refit.
DRIFT = 0.2
#: An item is novel when more than this share of its n-grams is missing from the model.
NOVEL_SHARE = 0.5
#: Novel items since the fit that call for a refit, as a share of the corpus at the fit.
NOVEL_ITEMS = 0.02
#: Older fits kept (the newest is in use).
KEEP = 2
PLACEHOLDER = "对口支援项目"
_cache: dict[tuple[str, int], TextEmbedder] = {}


def corpus_size() -> int:
    """Published needs plus published offers (one statement)."""
    counts = [select(func.count()).select_from(model).where(model.status == "published")
              .scalar_subquery() for model in (Need, Offer)]
    return int(db.session.scalar(select(counts[0] + counts[1])) or 0)


def current() -> TextModel | None:
    """The newest fitted model row, if any (its megabytes of state load only when a
    process decodes it for the first time, in :func:`embedder_of`)."""
    return db.session.scalar(select(TextModel).options(defer(TextModel.state))
                             .order_by(TextModel.id.desc()).limit(1))


def drifted(row: TextModel | None, size: int | None = None) -> bool:
    """No model yet, the concept lexicon edited since the fit, enough novel items since
    the fit (:func:`note_novel`), or the corpus size (``size`` when just counted) moved
    more than ``DRIFT`` since it."""
    if row is None:
        return True
    if len(row.novel_items or ()) >= novel_limit(row):
        return True
    edited = lexicon.changed_at()
    if edited is not None and edited > row.fitted_at:
        return True
    size = corpus_size() if size is None else size
    return abs(size - row.corpus_size) > DRIFT * max(row.corpus_size, 1)


def novel_limit(row: TextModel) -> int:
    """How many novel items since the fit call for a refit."""
    return max(1, math.ceil(NOVEL_ITEMS * row.corpus_size))


def missing_share(embedder: TextEmbedder, titles, descriptions) -> np.ndarray:
    """Per item, the share of its text's n-grams (character n-grams and hashed words, as
    the model counts them) that the fitted ``embedder`` does not know (0 for no text)."""
    docs = embedder.documents(titles, descriptions)
    total = np.zeros(len(docs))
    known = np.zeros(len(docs))
    if embedder.counter_ is not None:
        total += np.asarray(CharNgramCounter(embedder.ngram_range).fit_transform(docs)
                            .sum(axis=1)).ravel()
        known += np.asarray(embedder.counter_.transform(docs).sum(axis=1)).ravel()
    if embedder.hasher_ is not None:
        hashed = embedder.hasher_.transform(docs).tocsc()
        total += np.asarray(hashed.sum(axis=1)).ravel()
        known += np.asarray(hashed[:, embedder.columns_].sum(axis=1)).ravel()
    return np.divide(total - known, total, out=np.zeros(len(docs)), where=total > 0)


def note_novel(row: TextModel | None, needs=None, offers=None) -> int:
    """Add the novel items among ``needs`` and ``offers`` (tables just loaded for a
    refresh) to ``row.novel_items``; returns how many novel items the row now counts."""
    if row is None:
        return 0
    seen = set(row.novel_items or ())
    found = set(seen)
    embedder = _decoded(row)  # its vocabulary only: no need for the lexicon
    for prefix, table in (("n", needs), ("o", offers)):
        if table is not None and len(table):
            share = missing_share(embedder, table.titles, table.descriptions)
            found.update(f"{prefix}{int(i)}" for i in table.ids[share > NOVEL_SHARE])
    if found != seen:
        row.novel_items = sorted(found)
    return len(found)


def _decoded(row: TextModel) -> TextEmbedder:
    key = (str(db.engine.url), row.id)
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = persist.load(row.state)
    return _cache[key]


def embedder_of(row: TextModel) -> TextEmbedder:
    """The fitted embedder stored in ``row`` (decoded once per process), carrying the
    database's concept lexicon (``lexicon_``, read for scorers that build on it)."""
    embedder = _decoded(row)
    embedder.lexicon_ = lexicon.current()  # cached by the lexicon's own change time
    return embedder


def fit() -> TextModel:
    """Fit the text model on the published needs and offers, store it, drop old fits.
    The model carries the sub-sector guide (``scoring.subsectors``) fitted on the same
    corpus, so every process reads an offer filed under a top-level sector alike.

    Flushes, never commits. A corpus without text is fitted with a placeholder."""
    from .ranking import load_needs, load_offers, load_reference

    needs, offers = load_needs(), load_offers()
    embedder = TextEmbedder(tokens=current_app.config.get("SCORING_TEXT_TOKENS", "char"))
    docs = (embedder.documents(offers.titles, offers.descriptions)
            + embedder.documents(needs.titles, needs.descriptions))
    try:
        vectors = embedder.fit_transform(docs)
    except ValueError:  # no documents, or none with a single known character
        vectors = embedder.fit_transform([*docs, PLACEHOLDER])[:len(docs)]
    embedder.guide_ = SubSectorGuide().fit(
        vectors, item_codes(offers.sector_codes, needs.sector_codes), load_reference())
    row = TextModel(corpus_size=corpus_size(), tokens=embedder.tokens,
                    state=persist.dump(embedder), novel_items=[])
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
