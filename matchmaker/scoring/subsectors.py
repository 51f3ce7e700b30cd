"""Which sub-sector an item that names only a top-level sector is about, read from its text.

A supporter often files an offer under a whole sector (产业发展, 教育) while its text is about
one project type (合作社扶持, 教师培训). Ranked by the declared codes, such an offer "covers"
every sub-sector of that sector alike, so a 教师培训 offer filed under 教育 competes for a
学前教育 need on money and region alone. A coordinator reads the text and files it under the
sub-sector it is about; :class:`SubSectorGuide` does the same from the corpus itself: each
sub-sector's centroid is the mean text vector of the items filed under it (every need, every
offer that names exactly one sub-sector), and an item filed under a top-level sector only is
ranked as the child sector whose centroid is nearest to its text, when that child is clearly
nearer than the next (``MARGIN``). Likewise an offer filed under several sectors is ranked
under those its text is about: a listed sector far behind the best one (``DROP``) is not read
(a 教师培训 offer that also ticked 养老服务 does not compete for elderly-care needs as
"the same sector"). A need filed under a top-level sector is read the same way
(``MatchScorer.need_sector_codes``). The declared codes are never changed, only the codes the
sector factor reads. Chosen on v3's tuning part (``tests/scoring/evalset_v3/README.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .data import Reference

#: The nearest child centroid must beat the next by this much cosine (tuning data: 0 to
#: 0.1 change nothing there; a small margin keeps a text that fits two children as filed).
MARGIN = 0.05
#: An item filed under several sectors is ranked under those its text is near: a code whose
#: affinity (its centroid's cosine; a top-level code's best child's) trails the best listed
#: code's by more than this is not read (None: every listed code is read). Tuning data: any
#: value from 0 to 0.3 gains the same (NDCG@5 without lexicon 0.946 → 0.957); the largest
#: value of the plateau's top, 0.15, drops the fewest codes.
DROP = 0.15
#: A sub-sector needs this many items filed under it to have a centroid (one or two items
#: say more about their own wording than about the sector).
MIN_ITEMS = 3


def sector_children(reference: Reference) -> dict[str, list[str]]:
    """Top-level sector code → its sub-sector codes (kept on ``reference``)."""
    cached = reference.__dict__.get("_sector_children")
    if cached is None:
        cached = {}
        for sector in reference.sectors:
            if sector.parent_code:
                cached.setdefault(sector.parent_code, []).append(sector.code)
        reference.__dict__["_sector_children"] = cached
    return cached


def item_codes(offer_codes: Sequence[Sequence[str]],
               need_codes: Sequence[str] | None = None) -> list[tuple[str, ...]]:
    """The sector codes of a corpus's items as :meth:`SubSectorGuide.fit` reads them: each
    offer's list, then each need's one code."""
    return [tuple(c) for c in offer_codes] + [(c,) for c in (need_codes or ())]


class SubSectorGuide:
    """Nearest-centroid sub-sector of items filed under a top-level sector only.

    Attributes
    ----------
    codes_ : list of str
        Sub-sector codes with a centroid.
    centroids_ : ndarray of float32, shape (n_codes, n_features)
        Unit-length mean text vector of the items filed under each code.
    """

    def __init__(self, margin: float = MARGIN, drop: float | None = DROP) -> None:
        self.margin = margin
        self.drop = drop

    def fit(self, vectors: np.ndarray, code_lists: Sequence[Sequence[str]],
            reference: Reference) -> SubSectorGuide:
        """Centroids of the items (rows of ``vectors``) filed under exactly one sub-sector,
        for the sub-sectors with at least ``MIN_ITEMS`` of them."""
        parent = {s.code: s.parent_code for s in reference.sectors}
        labels: dict[str, list[int]] = {}
        for row, codes in enumerate(code_lists):
            subs = {c for c in codes if parent.get(c)}
            if len(subs) == 1:
                labels.setdefault(subs.pop(), []).append(row)
        self.codes_ = sorted(c for c, rows in labels.items() if len(rows) >= MIN_ITEMS)
        width = vectors.shape[1] if vectors.ndim == 2 else 0
        centroids = np.zeros((len(self.codes_), width), dtype=np.float64)
        for k, code in enumerate(self.codes_):
            centroids[k] = np.asarray(vectors[labels[code]], dtype=np.float64).mean(axis=0)
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        self.centroids_ = (centroids / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return self

    def refine(self, vectors: np.ndarray, code_lists: Sequence[tuple[str, ...]],
               reference: Reference) -> list[tuple[str, ...]]:
        """``code_lists`` as the sector factor reads them: each top-level code that none of
        its children accompanies replaced by the child nearest to the item's text (rows of
        ``vectors``), when one is nearer than the next by ``margin`` (a text with nothing
        in common with any child's items stays as filed); in a list of several codes, those
        whose affinity trails the best one's by more than ``drop`` left out (codes without
        a centroid always stay). Other lists are returned as they are."""
        children = sector_children(reference)
        out = list(code_lists)
        todo = [i for i, codes in enumerate(code_lists)
                if (self.drop is not None and len(codes) > 1)
                or any(c in children and not set(children[c]) & set(codes) for c in codes)]
        if not todo or not self.codes_:
            return out
        column = {c: k for k, c in enumerate(self.codes_)}
        sims = np.asarray(vectors[todo], dtype=np.float32) @ self.centroids_.T
        for row, i in zip(sims, todo, strict=True):
            codes = list(code_lists[i])
            affinity: list[float | None] = []
            for p, code in enumerate(codes):
                kids = children.get(code, ())
                if not kids:
                    affinity.append(float(row[column[code]]) if code in column else None)
                    continue
                known = [c for c in kids if c in column]
                if set(kids) & set(codes) or not known:
                    affinity.append(None)
                    continue
                scores = np.array([row[column[c]] for c in known])
                best = int(np.argmax(scores))
                affinity.append(float(scores[best]))
                runner_up = np.partition(scores, -2)[-2] if len(scores) > 1 else -np.inf
                if scores[best] > 0 and scores[best] - runner_up >= self.margin:
                    codes[p] = known[best]
            known_affinity = [a for a in affinity if a is not None]
            if self.drop is not None and len(known_affinity) > 1:
                top = max(known_affinity)
                codes = [c for c, a in zip(codes, affinity, strict=True)
                         if a is None or a >= top - self.drop]
            out[i] = tuple(codes)
        return out
