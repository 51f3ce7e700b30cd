"""Domain concepts of 援藏援疆 projects: a lexicon of project types (``data/concepts.csv``)
and a scan that maps texts to the concepts they mention.

Char n-grams see 先心病 and 先天性心脏病救治 as barely related; the lexicon lists both under
one concept. The scan is one compiled regular expression shaped as the terms' prefix tree (the
leftmost longest term wins), run once over the whole corpus joined.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

DATA = Path(__file__).resolve().parent.parent / "data" / "concepts.csv"


def _trie_pattern(terms) -> str:
    """One regular expression for all ``terms``, shaped as their prefix tree
    (先(?:天性心脏病|心病)…): the engine tests one branch per character instead of every term
    at every position, and a greedy optional tail makes the longest term win."""
    trie: dict = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = True

    def walk(node: dict) -> str:
        end = "" in node
        branches = [re.escape(c) + walk(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if not end:
            return body
        return (body if len(branches) > 1 else "(?:" + body + ")") + "?"

    return walk(trie)


class ConceptLexicon:
    """Concepts with their terms; ``transform`` gives a (documents × concepts) 0/1 matrix.

    Parameters
    ----------
    rows : sequence of (concept id, sector code, canonical term, terms)
        ``terms`` are the synonyms, abbreviations and usual words of both sides.

    Attributes
    ----------
    ids, sectors, names : list of str
        Per concept, in column order.
    """

    def __init__(self, rows: Sequence[tuple[str, str, str, Sequence[str]]]) -> None:
        self.ids = [r[0] for r in rows]
        self.sectors = [r[1] for r in rows]
        self.names = [r[2] for r in rows]
        self._term_concept: dict[str, int] = {}
        for k, (_, _, name, terms) in enumerate(rows):
            for term in (name, *terms):
                self._term_concept.setdefault(term.lower(), k)
        first = {t[0] for t in self._term_concept} | {t[0].upper() for t in self._term_concept}
        self._pattern = re.compile(  # the look-ahead lets the scan skip most positions fast
            f"(?=[{re.escape(''.join(sorted(first)))}])" + _trie_pattern(self._term_concept),
            re.IGNORECASE) if first else None

    @classmethod
    @cache
    def shipped(cls) -> ConceptLexicon:
        """The lexicon in ``matchmaker/data/concepts.csv`` (read once per process)."""
        with DATA.open(encoding="utf-8") as fh:
            rows = [(r["concept_id"], r["sector_code"], r["canonical"],
                     [t for t in r["synonyms"].split(";") if t])
                    for r in csv.DictReader(fh)]
        return cls(rows)

    def thinned(self, keep: float, seed: int = 0) -> ConceptLexicon:
        """A copy keeping each synonym with probability ``keep`` (canonical terms stay): how
        the engine fares when the lexicon misses words real lists use."""
        rng = np.random.default_rng(seed)
        terms: list[list[str]] = [[] for _ in self.ids]
        for term, k in self._term_concept.items():
            if term != self.names[k].lower() and rng.random() < keep:
                terms[k].append(term)
        return ConceptLexicon(list(zip(self.ids, self.sectors, self.names, terms, strict=True)))

    def __len__(self) -> int:
        return len(self.ids)

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """0/1 float32 matrix: document i mentions concept j."""
        lookup = self._term_concept
        if self._pattern is None:  # every concept disabled
            return sparse.csr_matrix((len(docs), len(self.ids)), dtype=np.float32)
        texts = [(d or "").replace("\x00", " ") for d in docs]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts])[:-1]
        found = np.array([(m.start(), lookup[m.group().lower()])
                          for m in self._pattern.finditer("\x00".join(texts))],
                         dtype=np.int64).reshape(-1, 2)
        owner = np.searchsorted(starts, found[:, 0], side="right") - 1
        indptr = np.searchsorted(owner, np.arange(len(texts) + 1))  # owners come sorted
        indices = found[:, 1].astype(np.int32)
        matrix = sparse.csr_matrix((np.ones(len(indices), np.float32), indices, indptr),
                                   shape=(len(docs), len(self.ids)))
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return matrix


def augment(vectors: np.ndarray, concepts: sparse.csr_matrix, weight: float,
            side: str) -> np.ndarray:
    """Rows whose dot product (a need's row with an offer's row) is

    ``(1 - weight)·text + weight·concept overlap`` when both documents mention a concept,
    ``text`` when either mentions none,

    where text is the dot product of the unit text rows and the concept overlap the cosine
    of the two concept sets. A concept is evidence only where both sides have one: a
    document whose wording the lexicon does not know keeps its text similarity whole (an
    offer is not marked down because only the need's words are in the lexicon).

    The factor ``1 - weight·[need has]·[offer has]`` is not a product of one number per
    document, so each row carries the text part twice: ``[text, ±√weight·has·text, √weight
    ·concepts]``, with the second copy negated on the need side. It stays one dot product
    of stored rows (``side`` is ``"need"`` or ``"offer"``; both sides must be built by
    this function with the same ``weight``).
    """
    if side not in ("need", "offer"):
        raise ValueError(f"side must be 'need' or 'offer', not {side!r}")
    counts = np.asarray(concepts.sum(axis=1)).ravel()
    has = (counts > 0).astype(np.float32)
    sign = -1.0 if side == "need" else 1.0
    unit = concepts.multiply(np.sqrt(weight / np.maximum(counts, 1))[:, None])
    vectors = np.asarray(vectors, dtype=np.float32)
    return np.hstack([vectors, vectors * (sign * np.sqrt(weight) * has)[:, None],
                      np.asarray(unit.toarray(), dtype=np.float32)])


def shared_concepts(need_concepts: sparse.csr_matrix, offer_concepts: sparse.csr_matrix,
                    need_index: np.ndarray, offer_index: np.ndarray) -> np.ndarray:
    """The first concept both sides of each pair mention (column index), -1 for none."""
    both = need_concepts[need_index].multiply(offer_concepts[offer_index]).tocsr()
    first = np.full(len(need_index), -1, dtype=np.intp)
    rows = np.flatnonzero(np.diff(both.indptr) > 0)
    both.sort_indices()
    first[rows] = both.indices[both.indptr[rows]]
    return first
