"""A fitted scorer kept current item by item: the live match index's in-memory side.

:class:`LiveScorer` holds a :class:`~matchmaker.scoring.engine.MatchScorer` fitted on all
offers and the prepared needs (sector and region rows, money, text vectors). ``put_offers``
and ``put_needs`` replace, add or drop items without refitting anything else: the new rows'
factor columns come from a scorer fitted on them alone with the same text model and
reference, and are spliced in id order, so the state equals a fit on the whole data.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from .concepts import ConceptLexicon
from .data import NeedTable, OfferTable
from .engine import MatchScorer, _Prepared
from .reasons import concept_rows


def _splice_plan(old_ids: np.ndarray, drop_ids, new_ids: np.ndarray):
    """How to turn the old rows into (old rows but ``drop_ids``) + new rows, in id order.

    Returns ("same", positions of the new rows) when the new rows replace old rows one for
    one (an edit: written in place), else ("splice", rows kept, order of kept + new rows, or
    None when already in order).
    """
    drop = np.asarray(sorted(drop_ids), np.int64)
    pos = np.searchsorted(old_ids, new_ids)
    if len(old_ids) and len(drop) == len(new_ids) and np.array_equal(drop, new_ids) \
            and (pos < len(old_ids)).all() and np.array_equal(old_ids[np.minimum(
                pos, len(old_ids) - 1)], new_ids):
        return "same", pos
    keep = ~np.isin(old_ids, drop)
    ids = np.concatenate([old_ids[keep], new_ids])
    order = None if (np.diff(ids) > 0).all() else np.argsort(ids, kind="stable")
    return "splice", keep, order


def _take(value, plan, new, axis: int = 0):
    """The spliced ``value`` (an array along ``axis``, or a list) with the ``new`` rows."""
    if not isinstance(value, np.ndarray | list):
        return value
    if plan[0] == "same":
        pos = plan[1]
        if isinstance(value, list):
            for p, v in zip(pos.tolist(), list(new), strict=True):
                value[p] = v
        elif axis == 0:
            value[pos] = new
        else:
            value[:, pos] = new
        return value
    _, keep, order = plan
    if isinstance(value, np.ndarray):
        kept = np.compress(keep, value, axis=axis)
        joined = np.concatenate([kept, np.asarray(new, dtype=value.dtype)], axis=axis)
        return joined if order is None else np.take(joined, order, axis=axis)
    joined = [v for v, k in zip(value, keep.tolist(), strict=True) if k] + list(new)
    return joined if order is None else [joined[i] for i in order.tolist()]


def _splice_table(table, plan, new):
    kind = type(table)
    return kind(**{f.name: _take(getattr(table, f.name), plan, getattr(new, f.name))
                   for f in fields(kind) if f.name != "extra"})


class LiveScorer:
    """A fitted scorer and prepared needs, updated in place.

    Parameters
    ----------
    scorer : MatchScorer
        Fitted on all offers (ids ascending).
    needs : NeedTable
        All needs (ids ascending).
    """

    def __init__(self, scorer: MatchScorer, needs: NeedTable) -> None:
        self.scorer = scorer
        self.needs = needs
        self.prep = scorer._prepare(needs)
        carried = scorer.lexicon_  # the one its rankings carry to the reasons
        self.lexicon = carried if isinstance(carried, ConceptLexicon) else \
            ConceptLexicon.shipped()
        self._need_concepts: np.ndarray | None = None
        self._offer_concepts: np.ndarray | None = None

    def _concepts(self, table) -> np.ndarray:
        return concept_rows(self.lexicon, table.titles, table.descriptions)

    def concepts(self, need_ids: np.ndarray, offer_ids: np.ndarray):
        """The project types (``reasons.concept_rows``) of these needs and offers (ids
        held), found once per item and kept with it."""
        if self._need_concepts is None:
            self._need_concepts = self._concepts(self.needs)
        if self._offer_concepts is None:
            self._offer_concepts = self._concepts(self.scorer.offers_)
        return (self._need_concepts[np.searchsorted(self.needs.ids, need_ids)],
                self._offer_concepts[np.searchsorted(self.scorer.offers_.ids, offer_ids)])

    def part(self, offers: OfferTable) -> MatchScorer:
        """A scorer fitted on ``offers`` alone with this one's text model and settings."""
        s = self.scorer
        return MatchScorer(s.reference, weights=s.weights, widen=s.widen, tokens=s.tokens,
                           n_components=s.n_components, block_elements=s.block_elements,
                           embedder=s.embedder_,
                           concepts=s.lexicon_ if s.lexicon_ is not None else False,
                           concept_weight=s.concept_weight, gated=s.gated,
                           guided=s.guided).fit(offers)

    def put_offers(self, ids, fresh: OfferTable, part: MatchScorer | None = None) -> MatchScorer:
        """Replace the offers ``ids`` by ``fresh`` (those of them still ranked, plus any new
        ones); returns the scorer fitted on ``fresh`` alone."""
        part = part or self.part(fresh)
        s = self.scorer
        ids = {int(i) for i in ids} | {int(i) for i in fresh.ids}
        plan = _splice_plan(s.offers_.ids, ids, fresh.ids)
        s.offers_ = _splice_table(s.offers_, plan, fresh)
        for name in ("sector_levels_", "region_levels_", "candidate_"):
            setattr(s, name, _take(getattr(s, name), plan, getattr(part, name), axis=1))
        s.offer_vectors_ = _take(s.offer_vectors_, plan, part.offer_vectors_)
        s.offer_sector_codes_ = _take(s.offer_sector_codes_, plan, part.offer_sector_codes_)
        if self._offer_concepts is not None:
            self._offer_concepts = _take(self._offer_concepts, plan, self._concepts(fresh))
        return part

    def prepare(self, needs: NeedTable) -> _Prepared:
        """Sector and region rows, money and text vectors of ``needs``."""
        return self.scorer._prepare(needs)

    def put_needs(self, ids, fresh: NeedTable, prep: _Prepared | None = None) -> _Prepared:
        """Replace the needs ``ids`` by ``fresh``; returns ``fresh`` prepared."""
        prep = prep or self.prepare(fresh)
        ids = {int(i) for i in ids} | {int(i) for i in fresh.ids}
        plan = _splice_plan(self.needs.ids, ids, fresh.ids)
        self.needs = _splice_table(self.needs, plan, fresh)
        self.prep = _Prepared(*(_take(getattr(self.prep, f.name), plan, getattr(prep, f.name))
                                for f in fields(_Prepared)))
        if self._need_concepts is not None:
            self._need_concepts = _take(self._need_concepts, plan, self._concepts(fresh))
        return prep
