"""Text similarity for Chinese titles and descriptions: TF-IDF over character n-grams and/or
jieba words (hashed), reduced by truncated SVD (LSA) when the corpus is large.

Whitespace tokenising finds nothing in Chinese, so the analyzer cuts runs of Han characters
into n-grams (``"乡村教师培训"`` → 乡村, 村教, 教师, …) and, with ``tokens="jieba"`` or
``"both"``, into jieba words as well.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from .concepts import _trie_pattern
from .ngrams import CharNgramCounter

_HAN = "\u4e00-\u9fff"
_LATIN = re.compile(r"[A-Za-z]{2,}")
_RUNS = re.compile(f"[{_HAN}]+")
#: Dense TF-IDF rows are kept exactly while docs × used features stays below this. 0: LSA as
#: soon as the corpus has more documents and features than ``n_components``, so a few hundred
#: offers are compared as 10,000 are; on tuning data (bench/tune_v3.py) LSA also matches
#: paraphrases better than exact rows (mean NDCG@5 0.924 → 0.939).
EXACT_LIMIT = 0
HASH_FEATURES = 2**20


REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions.csv"
_PLACE_SUFFIX = re.compile(
    "(?:回族|蒙古|柯尔克孜|哈萨克|塔吉克|锡伯|维吾尔|藏族)?(?:自治区|自治州|自治县|地区|市|县|区|省)$")


@cache
def place_pattern() -> re.Pattern:
    """Names of the shipped regions (``data/regions.csv``: 江孜县, 日喀则市, 第三师, …) and
    their short forms (江孜, 日喀则), as one prefix-tree expression."""
    with REGIONS.open(encoding="utf-8") as fh:
        names = {r["name"] for r in csv.DictReader(fh)}
    terms = set(names)
    for name in names:
        short = _PLACE_SUFFIX.sub("", name)
        if len(short) >= 2:
            terms.add(short)
    return re.compile(_trie_pattern(sorted(terms)))


def _ngram_pattern(n: int) -> re.Pattern:
    """Overlapping runs of ``n`` Han characters, found in C by a look-ahead."""
    return re.compile(f"(?=([{_HAN}]{{{n}}}))")


class ChineseAnalyzer:
    """Callable analyzer: character n-grams and/or jieba words of Han text, Latin words.

    Parameters
    ----------
    tokens : {"char", "jieba", "both"}
    ngram_range : tuple of int
        Character n-gram lengths for ``"char"`` and ``"both"``.
    """

    def __init__(self, tokens: str = "char", ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.tokens = tokens
        self.ngram_range = ngram_range
        self._patterns = [_ngram_pattern(n) for n in range(ngram_range[0], ngram_range[1] + 1)]

    def __call__(self, text: str) -> list[str]:
        out = [w.lower() for w in _LATIN.findall(text)]
        if self.tokens in ("char", "both"):
            for pattern in self._patterns:
                out += pattern.findall(text)
        if self.tokens in ("jieba", "both"):
            import jieba  # loaded on first use: its dictionary takes a second

            jieba.setLogLevel(60)
            out += ["w:" + w for run in _RUNS.findall(text) for w in jieba.lcut(run)
                    if len(w) > 1]
        return out


def _normalize_rows_l2(matrix: sparse.csr_matrix) -> None:
    """Scale each row of ``matrix`` to unit length in place (all-zero rows stay zero), as
    scikit-learn's ``inplace_csr_row_normalize_l2`` does, up to the order of the float64
    sums (values agree to a float32 ulp). Here so that transforming with a loaded model never
    imports scikit-learn (~0.7 s of every process's start); fitting and transforming both
    use it, so a text has one vector whichever way it was computed."""
    data, indptr = matrix.data, matrix.indptr
    lengths = np.diff(indptr)
    filled = lengths > 0
    if not filled.any():
        return
    squares = np.square(data, dtype=np.float64)
    sums = np.zeros(len(lengths))
    sums[filled] = np.add.reduceat(squares, indptr[:-1][filled])
    norms = np.sqrt(sums)
    norms[norms == 0.0] = 1.0
    data[:] = data / np.repeat(norms, lengths)  # in float64, stored as float32


class TextEmbedder:
    """Unit-length text vectors whose dot products are TF-IDF cosine similarities.

    Parameters
    ----------
    tokens : {"char", "jieba", "both"}, default "char"
        What the TF-IDF counts; see :class:`ChineseAnalyzer`.
    ngram_range : tuple of int, default (1, 2)
        Character n-gram lengths.
    n_components : int, default 128
        LSA dimensions used when the corpus is too large to keep TF-IDF rows dense.
    max_svd_docs : int, default 4000
        The LSA projection is learned on at most this many documents (a random sample).
    title_weight : int, default 2
        How many times a title counts against its description.
    exact_limit : int, default ``EXACT_LIMIT``
        TF-IDF rows are kept exact (no LSA) while documents × used features stay below this.
    drop_places : bool, default True
        Remove region names (``place_pattern``) before counting: where a project is, is the
        region factor's business; left in, a need and an offer that name the same county look
        alike whatever the project.
    random_state : int, default 0

    Attributes
    ----------
    counter_ : CharNgramCounter or None
        Character n-gram counts (``"char"`` and ``"both"``).
    hasher_ : HashingVectorizer or None
        Hashed jieba word counts (``"jieba"`` and ``"both"``); ``columns_`` keeps the hashed
        features the fitted corpus uses.
    tfidf_ : TfidfTransformer
    svd_ : TruncatedSVD or None
        None when the TF-IDF rows are used exactly.
    n_features_out_ : int
    """

    def __init__(self, tokens: str = "char", ngram_range: tuple[int, int] = (1, 2),
                 n_components: int = 128, max_svd_docs: int = 4000, title_weight: int = 2,
                 exact_limit: int = EXACT_LIMIT, drop_places: bool = True,
                 random_state: int = 0) -> None:
        self.tokens = tokens
        self.ngram_range = ngram_range
        self.n_components = n_components
        self.max_svd_docs = max_svd_docs
        self.title_weight = title_weight
        self.exact_limit = exact_limit
        self.drop_places = drop_places
        self.random_state = random_state

    def documents(self, titles: Sequence[str], descriptions: Sequence[str]) -> list[str]:
        """Join each title (repeated ``title_weight`` times) with its description (region
        names removed when ``drop_places``)."""
        docs = [" ".join([t or ""] * self.title_weight + [d or ""])
                for t, d in zip(titles, descriptions, strict=True)]
        if getattr(self, "drop_places", False):
            pattern = place_pattern()
            docs = [pattern.sub(" ", d) for d in docs]
        return docs

    def fit(self, docs: Sequence[str]) -> TextEmbedder:
        """Learn the IDF and (for a large corpus) the LSA projection."""
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[str]) -> np.ndarray:
        """Fit on ``docs`` and return their vectors (tokenising them once).

        Raises ``ValueError`` for an empty corpus.
        """
        if len(docs) == 0:
            raise ValueError("cannot fit a text model on no documents")
        # scikit-learn is imported on first fit, not when the package is imported.
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        self.counter_ = None
        self.hasher_ = None
        if self.tokens in ("char", "both"):
            self.counter_ = CharNgramCounter(self.ngram_range)
        if self.tokens in ("jieba", "both"):
            self.hasher_ = HashingVectorizer(
                analyzer=ChineseAnalyzer("jieba"), n_features=HASH_FEATURES,
                alternate_sign=False, norm=None, dtype=np.float32,
            )
        counts = self._counts(docs, fit=True)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        tfidf = self._tfidf(counts)  # as every later transform computes it
        self.svd_ = None
        n_docs, n_used = tfidf.shape
        limit = getattr(self, "exact_limit", EXACT_LIMIT)
        if n_docs * n_used > limit and min(n_docs, n_used) > self.n_components:
            rng = np.random.default_rng(self.random_state)
            sample = tfidf
            if n_docs > self.max_svd_docs:
                sample = tfidf[np.sort(rng.choice(n_docs, self.max_svd_docs, replace=False))]
            self.svd_ = TruncatedSVD(self.n_components, n_iter=2,
                                     random_state=self.random_state).fit(sample)
        self.n_features_out_ = self.n_components if self.svd_ is not None else n_used
        return self._embed(tfidf)

    def transform(self, docs: Sequence[str]) -> np.ndarray:
        """Dense float32 rows of unit length (all zeros for a text with no known terms)."""
        if len(docs) == 0:
            return np.zeros((0, self.n_features_out_), dtype=np.float32)
        return self._embed(self._tfidf(self._counts(docs, fit=False)))

    def _tfidf(self, counts: sparse.csr_matrix):
        """``tfidf_.transform(counts)``, the same operations without scikit-learn's input
        checks, which cost more than the arithmetic for the one document an index refresh
        transforms. ``counts`` (built here, never shared) is changed in place."""
        tfidf = self.tfidf_
        if not (tfidf.sublinear_tf and tfidf.use_idf and tfidf.norm == "l2"
                and sparse.isspmatrix_csr(counts) and counts.dtype.kind == "f"):
            return tfidf.transform(counts)
        np.log(counts.data, counts.data)
        counts.data += 1.0
        counts.data *= tfidf.idf_[counts.indices]
        _normalize_rows_l2(counts)
        return counts

    def _counts(self, docs: Sequence[str], fit: bool) -> sparse.csr_matrix:
        parts = []
        if self.counter_ is not None:
            counter = self.counter_
            parts.append(counter.fit_transform(docs) if fit else counter.transform(docs))
        if self.hasher_ is not None:
            hashed = self.hasher_.transform(docs)
            if fit:  # only hashed features the corpus uses
                self.columns_ = np.unique(hashed.indices)
            parts.append(hashed[:, self.columns_])
        return parts[0].tocsr() if len(parts) == 1 else sparse.hstack(parts, format="csr")

    def _embed(self, tfidf) -> np.ndarray:
        if self.svd_ is None:
            return np.ascontiguousarray(tfidf.toarray(), dtype=np.float32)
        # normalize(svd_.transform(tfidf)), the same operations without input checks
        reduced = np.asarray(tfidf @ self.svd_.components_.T)
        norms = np.sqrt(np.einsum("ij,ij->i", reduced, reduced))
        norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
        reduced /= norms[:, None]
        return reduced.astype(np.float32)
