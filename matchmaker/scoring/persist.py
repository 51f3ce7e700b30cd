"""Save a fitted :class:`~matchmaker.scoring.text.TextEmbedder` as bytes and load it back.

The bytes are an ``.npz`` archive of plain arrays written and read with
``allow_pickle=False``: loading never runs code, whoever wrote the bytes. Parameters
travel as a JSON document stored in a uint8 array.
"""

from __future__ import annotations

import io
import json

import numpy as np

from .ngrams import CharNgramCounter
from .subsectors import SubSectorGuide
from .text import HASH_FEATURES, ChineseAnalyzer, TextEmbedder

#: 2: the text settings ``exact_limit`` and ``drop_places`` travel with the model (a model of
#: format 1 predates place-name removal and is refitted, see migration c9d1e3f5a7b2).
#: 3: the sub-sector guide (``guide_``: codes and centroids) travels with it; a model of
#: format 2 loads without one (migration d6f8a0b2c4e5 drops them so that they are refitted).
FORMAT = 3
_READABLE = (2, 3)
_PARAMS = ("tokens", "ngram_range", "n_components", "max_svd_docs", "title_weight",
           "random_state", "exact_limit", "drop_places")


def dump(embedder: TextEmbedder) -> bytes:
    """The fitted state of ``embedder`` as npz bytes (no pickle)."""
    params = {p: getattr(embedder, p) for p in _PARAMS}
    params.update(format=FORMAT, n_features_out=int(embedder.n_features_out_),
                  base=int(embedder.counter_.base_) if embedder.counter_ is not None else 0)
    guide = getattr(embedder, "guide_", None)
    if not isinstance(guide, SubSectorGuide):
        guide = None
    else:
        params.update(guide_codes=guide.codes_, guide_margin=guide.margin)
    arrays = {"params": np.frombuffer(json.dumps(params).encode(), dtype=np.uint8),
              "idf": np.asarray(embedder.tfidf_.idf_, dtype=np.float64)}
    if embedder.counter_ is not None:
        arrays["char_index"] = embedder.counter_.char_index_
        arrays["vocabulary"] = embedder.counter_.vocabulary_
    if embedder.hasher_ is not None:
        arrays["columns"] = embedder.columns_
    if embedder.svd_ is not None:
        arrays["components"] = embedder.svd_.components_
    if guide is not None:
        arrays["guide_centroids"] = guide.centroids_
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()


class _Idf:
    """The fitted state ``TextEmbedder`` reads of scikit-learn's ``TfidfTransformer``
    (sublinear tf, idf weights, l2 rows): a loaded model transforms without importing
    scikit-learn."""

    sublinear_tf, use_idf, norm = True, True, "l2"

    def __init__(self, idf: np.ndarray) -> None:
        self.idf_ = idf
        self.n_features_in_ = len(idf)


class _Components:
    """The fitted state ``TextEmbedder`` reads of ``TruncatedSVD``: its components."""

    def __init__(self, components: np.ndarray) -> None:
        self.components_ = components
        self.n_features_in_ = components.shape[1]
        self.n_components = components.shape[0]


def load(data: bytes) -> TextEmbedder:
    """A fitted ``TextEmbedder`` from :func:`dump` bytes; ``ValueError`` for bad bytes.
    It transforms without scikit-learn (imported only for jieba tokens' hashing)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        params = json.loads(arrays.pop("params").tobytes().decode())
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a saved text model: {exc}") from None
    if params.get("format") not in _READABLE:
        raise ValueError(f"unknown text model format {params.get('format')!r}")
    embedder = TextEmbedder(**{p: params[p] for p in _PARAMS})
    embedder.ngram_range = tuple(embedder.ngram_range)
    embedder.counter_ = embedder.hasher_ = embedder.svd_ = None
    if "vocabulary" in arrays:
        counter = CharNgramCounter(embedder.ngram_range)
        counter.char_index_ = arrays["char_index"].astype(np.int64)
        counter.vocabulary_ = arrays["vocabulary"].astype(np.int64)
        counter.base_ = int(params["base"])
        embedder.counter_ = counter
    if "columns" in arrays:
        from sklearn.feature_extraction.text import HashingVectorizer

        embedder.hasher_ = HashingVectorizer(
            analyzer=ChineseAnalyzer("jieba"), n_features=HASH_FEATURES,
            alternate_sign=False, norm=None, dtype=np.float32)
        embedder.columns_ = arrays["columns"]
    embedder.tfidf_ = _Idf(arrays["idf"])
    if "components" in arrays:
        embedder.svd_ = _Components(arrays["components"])
    embedder.n_features_out_ = int(params["n_features_out"])
    embedder.guide_ = None
    if "guide_centroids" in arrays:
        codes, centroids = params.get("guide_codes"), arrays["guide_centroids"]
        if not isinstance(codes, list) or centroids.ndim != 2 or len(codes) != len(centroids):
            raise ValueError("not a saved text model: its sub-sector guide is inconsistent")
        guide = SubSectorGuide(float(params.get("guide_margin", 0.05)))
        guide.codes_ = [str(c) for c in codes]
        guide.centroids_ = centroids.astype(np.float32)
        embedder.guide_ = guide
    return embedder
