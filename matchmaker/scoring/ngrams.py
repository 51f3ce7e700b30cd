"""Character n-gram counts of Chinese text, vectorised over a whole corpus at once.

Every character is mapped to a small integer (Han characters and ASCII letters/digits; the rest
separate n-grams), n-grams become integers in base ``ALPHABET``, and counting is a sort plus a
sparse matrix build. No Python loop runs per token.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

_HAN_FIRST, _HAN_LAST = 0x4E00, 0x9FFF
ALPHABET = 128 + (_HAN_LAST - _HAN_FIRST + 1)


def _codes(docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Character codes (-1 for separators) and the document of each position."""
    text = "\x00".join(d.replace("\x00", " ") for d in docs)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)
    doc = np.cumsum(points == 0, dtype=np.int32)
    codes = np.full(points.shape, -1, dtype=np.int32)
    han = (points >= _HAN_FIRST) & (points <= _HAN_LAST)
    codes[han] = points[han] - (_HAN_FIRST - 128)
    upper = (points >= 65) & (points <= 90)
    ascii_ok = upper | ((points >= 97) & (points <= 122)) | ((points >= 48) & (points <= 57))
    codes[ascii_ok] = points[ascii_ok] | (upper[ascii_ok] * 32)  # lower-case letters
    return codes, doc


def ngram_ids(codes: np.ndarray, doc: np.ndarray, base: int,
              ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(token ids, document index) of every character n-gram; ``codes`` in ``[0, base)``."""
    valid = codes >= 0
    ids, owners = [], []
    offset = 0
    for n in range(1, ngram_range[1] + 1):
        size = len(codes) - n + 1
        if size <= 0:
            break
        ok = np.ones(size, dtype=bool)
        value = np.zeros(size, dtype=np.int64)
        for k in range(n):
            ok &= valid[k:k + size]
            value *= base
            value += codes[k:k + size]
        if n >= ngram_range[0]:
            ids.append(value[ok] + offset)
            owners.append(doc[:size][ok])
        offset += base**n
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ids), np.concatenate(owners)


class CharNgramCounter:
    """Counts of character n-grams per document, vocabulary learned in ``fit_transform``.

    Parameters
    ----------
    ngram_range : tuple of int, default (1, 2)

    Attributes
    ----------
    char_index_ : ndarray of int64, shape (ALPHABET,)
        Character code → dense index among the characters seen (-1: unseen).
    vocabulary_ : ndarray of int64
        Sorted n-gram ids seen while fitting; column j counts ``vocabulary_[j]``.
    """

    #: Up to this many possible ids, counting uses a look-up table instead of a sort.
    TABLE_LIMIT = 2**26

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = ngram_range

    def _ids(self, docs: Sequence[str], coded=None) -> tuple[np.ndarray, np.ndarray]:
        codes, doc = coded if coded is not None else _codes(docs)
        mapped = np.where(codes >= 0, self.char_index_[np.maximum(codes, 0)], -1)
        return ngram_ids(mapped, doc, self.base_, self.ngram_range)

    def fit_transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """Learn the characters and n-grams of ``docs``; return their counts."""
        coded = _codes(docs)
        present = np.bincount(coded[0][coded[0] >= 0], minlength=ALPHABET) > 0
        self.char_index_ = np.where(present, np.cumsum(present) - 1, -1)
        self.base_ = max(int(present.sum()), 1)
        ids, owners = self._ids(docs, coded)
        size = sum(self.base_**n for n in range(1, self.ngram_range[1] + 1))
        if size <= self.TABLE_LIMIT:
            self.vocabulary_ = np.flatnonzero(np.bincount(ids, minlength=size))
            lookup = np.zeros(size, dtype=np.int64)
            lookup[self.vocabulary_] = np.arange(len(self.vocabulary_))
            columns = lookup[ids]
        else:
            self.vocabulary_, columns = np.unique(ids, return_inverse=True)
        return self._matrix(owners, columns, len(docs))

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """Counts of the n-grams learned in ``fit_transform`` (others are dropped)."""
        ids, owners = self._ids(docs)
        if len(self.vocabulary_) == 0:
            return sparse.csr_matrix((len(docs), 0), dtype=np.float32)
        columns = np.minimum(np.searchsorted(self.vocabulary_, ids), len(self.vocabulary_) - 1)
        known = self.vocabulary_[columns] == ids
        return self._matrix(owners[known], columns[known], len(docs))

    def _matrix(self, owners: np.ndarray, columns: np.ndarray, n_docs: int) -> sparse.csr_matrix:
        data = np.ones(len(owners), dtype=np.float32)
        matrix = sparse.csr_matrix((data, (owners, columns)),
                                   shape=(n_docs, len(self.vocabulary_)))
        matrix.sum_duplicates()
        return matrix
