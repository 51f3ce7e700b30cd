"""How concept evidence should enter the text factor, chosen on TUNING data only (issue 14).

On v3's held-out part concepts cost the engine (the lexicon was grown from the tuning part's
wording). This script compares ways to blend the concept overlap into the text factor, and
ways to make spurious concept hits rarer, under lexicon conditions that imitate unseen wording:

* ``full``: the shipped lexicon; ``½``, ``¼``: thinned copies (seeds 1, 2); ``none``: no lexicon.
* ``fold strict`` / ``fold real``: v3's tuning *phrasings* split into two folds (per type,
  the first tuning title of each side is fold A, the second fold B; the one tuning detail of
  each side goes to fold A for even types, B for odd ones). Scoring fold X: the lexicon loses
  every term found verbatim in a fold-X phrase (strict) or only those not also in a phrase of
  the other fold (real: a lexicon grown from the other fold would still know them); only
  needs titled in fold X are scored, and offers titled in the other fold are dropped from the
  candidates and the grades. Both directions, averaged.
* ``v2``: the whole v2 set with the full lexicon.

v3 needs are cut to the tuning part before anything is scored; offers written for held-out
needs stay candidates (as in ``tune_v3.py``) but no held-out need is ever scored, and only the
tuning entries of ``phrases.py`` are read.

Blends (``w`` the concept weight, cos the cosine of the two concept sets, "has": the
document names a concept): ``scaled`` the engine before (text rows of documents that name a
concept scaled by √(1 − w)); ``additive`` (text + w·cos)/(1 + w); ``bonus`` min(1, text + w·cos);
``shift`` text + w·(cos − c·[both have]); ``asym`` offer text rows scaled by (1 − w) when the
offer has a concept; ``either`` (adopted: ``concepts.augment``) text·(1 − w·[both have]) +
w·cos, i.e. the blend only when both sides name a concept, else text alone; ``either-kK`` the
same with the correction on the first K text columns only. Modifiers: ``fit-sub``/``fit-top`` a
document's concept counts only when its sector fits the document's sector (same sub-sector or
parent / same top-level sector); ``spec≥k`` drops terms the scan finds in v3 tuning texts of
k or more sub-sectors other than their concept's; ``len>2`` drops terms of ≤ 2 characters.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/concept_blend.py [variant prefix ...]
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tune_v3 import PART, tuning_only, v2_all  # noqa: E402

from matchmaker.scoring.concepts import ConceptLexicon, augment  # noqa: E402
from tests.scoring import evalset_v2, evalset_v3  # noqa: E402
from tests.scoring.evalset import _rows  # noqa: E402
from tests.scoring.evalset_v3 import compare  # noqa: E402
from tests.scoring.evalset_v3.phrases import TYPES, part_of  # noqa: E402
from tests.scoring.refdata import shipped_reference  # noqa: E402

CONDITIONS = ("full", "½", "¼", "none", "fold strict", "fold real", "fold none", "v2")
UNSEEN = ("½", "¼", "none", "fold strict", "fold real")


# -- lexicon copies ---------------------------------------------------------------------------

def rows_of(lexicon: ConceptLexicon, keep=lambda term, k: True) -> list:
    terms: list[list[str]] = [[] for _ in lexicon.ids]
    for term, k in lexicon._term_concept.items():
        if term != lexicon.names[k].lower() and keep(term, k):
            terms[k].append(term)
    return list(zip(lexicon.ids, lexicon.sectors, lexicon.names, terms, strict=True))


def without(lexicon: ConceptLexicon, drop: set[str]) -> ConceptLexicon:
    """A copy without the terms in ``drop`` (canonical names too: a concept whose name is
    dropped keeps its other terms under the same column)."""
    rows = []
    for (cid, sector, name, terms) in rows_of(lexicon, lambda t, k: t not in drop):
        if name.lower() in drop:  # keep the column, lose the word: a never-matching name
            name = "\x01" + cid
        rows.append((cid, sector, name, terms))
    return ConceptLexicon(rows)


def tuning_phrases_by_fold() -> tuple[dict, dict]:
    """Per fold (A, B): every tuning phrase of that fold, and per type the fold's titles."""
    phrases = {"A": [], "B": []}
    titles = {"A": {}, "B": {}}
    for n, (key, t) in enumerate(TYPES.items()):
        for side, lists in (("need", (t.need_titles, t.need_details)),
                            ("offer", (t.offer_titles, t.offer_details))):
            title_list, detail_list = lists
            tuned = [p for i, p in enumerate(title_list) if part_of(i) == PART]
            for fold, p in zip("AB", tuned, strict=True):
                phrases[fold].append(p)
                titles[fold].setdefault(key, {}).setdefault(side, []).append(p)
            details = [p for i, p in enumerate(detail_list) if part_of(i) == PART]
            phrases["A" if n % 2 == 0 else "B"].extend(details)
    return phrases, titles


def fold_lexicons(lexicon: ConceptLexicon) -> dict:
    """{(fold, mode): lexicon}: terms found verbatim in fold phrases removed."""
    phrases, _ = tuning_phrases_by_fold()
    lowered = {f: [p.lower() for p in ps] for f, ps in phrases.items()}
    terms = list(lexicon._term_concept)
    found = {f: {t for t in terms if any(t in p for p in ps)} for f, ps in lowered.items()}
    out = {}
    for fold, other in (("A", "B"), ("B", "A")):
        out[(fold, "strict")] = without(lexicon, found[fold])
        out[(fold, "real")] = without(lexicon, found[fold] - found[other])
    return out


def term_specificity(lexicon: ConceptLexicon) -> dict[str, set[str]]:
    """Per term, the sub-sectors (of the latent project type) of the v3 tuning texts in
    which the scan finds it."""
    needs = [r for r in _rows("needs.csv", evalset_v3.HERE) if r["split"] == PART]
    offers = [r for r in _rows("offers.csv", evalset_v3.HERE) if r["split"] == PART]
    seen: dict[str, set[str]] = {}
    for r in needs + offers:
        sector = TYPES[r["type"]].sector
        for m in lexicon._pattern.finditer(r["title"] + " " + r["description"]):
            seen.setdefault(m.group().lower(), set()).add(sector)
    return seen


# -- blends -----------------------------------------------------------------------------------

def unit_rows(concepts: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    counts = np.asarray(concepts.sum(axis=1)).ravel()
    has = (counts > 0).astype(np.float32)
    unit = concepts.multiply(1.0 / np.sqrt(np.maximum(counts, 1))[:, None]).toarray()
    return np.asarray(unit, np.float32), has


def blend(mode: str, w: float, text: np.ndarray, concepts, side: str) -> np.ndarray:
    """Rows whose dot products give the blended text factor (need rows for side 'need')."""
    unit, has = unit_rows(concepts)
    if mode == "scaled":  # concepts.augment before issue 14's fourth round
        scale = np.where(has > 0, np.sqrt(1 - w), 1.0).astype(np.float32)
        return np.hstack([text * scale[:, None], unit * np.sqrt(w)])
    if mode == "additive":  # (text + w·cos) / (1 + w)
        return np.hstack([text / np.sqrt(1 + w), unit * np.sqrt(w / (1 + w))])
    if mode.startswith("shift"):  # text + w·(cos − c·[both have]): one extra column
        c = float(mode.split()[1])
        sign = -1.0 if side == "need" else 1.0
        return np.hstack([text, (sign * np.sqrt(w * c) * has)[:, None], unit * np.sqrt(w)])
    if mode == "asym":  # offer rows scaled by (1 − w) when the offer names a concept
        scale = (1 - w * has) if side == "offer" else np.ones_like(has)
        return np.hstack([text * scale[:, None], unit * np.sqrt(w)])
    if mode == "bonus":  # min(1, text + w·cos) (the cap: factor_matrices clips at 1)
        return np.hstack([text, unit * np.sqrt(w)])
    if mode.startswith("either-k"):  # the correction on the first k text columns only
        k = int(mode[len("either-k"):])
        sign = -1.0 if side == "need" else 1.0
        return np.hstack([text, text[:, :k] * (sign * np.sqrt(w) * has)[:, None],
                          unit * np.sqrt(w)])
    if mode == "either":  # text·(1 − w·[both have]) + w·cos: the engine's concepts.augment
        return augment(text, concepts, w, side)
    raise ValueError(mode)


def sector_fit(concepts: sparse.csr_matrix, lexicon: ConceptLexicon, codes, level: str):
    """Keep a document's concept only when its sector fits the document's sector(s)."""
    csec = lexicon.sectors
    mask = np.zeros(concepts.shape, dtype=bool)
    for i, doc_codes in enumerate(codes):
        for k, c in enumerate(csec):
            for s in doc_codes:
                if (c[:2] == s[:2]) if level == "top" else (c == s or (len(s) == 2 and c[:2] == s)):
                    mask[i, k] = True
                    break
    return sparse.csr_matrix(concepts.multiply(mask))


# -- runs -------------------------------------------------------------------------------------

class Base:
    """One engine fit per set without concepts; variants swap its text rows."""

    def __init__(self, data, fold_masks=None) -> None:
        self.data = data
        self.scorer = compare.engine(shipped_reference(), data, concepts=False)
        self.text_n = self.scorer._need_cache[1]
        self.text_o = self.scorer.offer_vectors_
        emb = self.scorer.embedder_
        self.docs_n = emb.documents(data.needs.titles, data.needs.descriptions)
        self.docs_o = emb.documents(data.offers.titles, data.offers.descriptions)
        self.codes_n = [(c,) for c in data.needs.sector_codes]
        self.codes_o = list(data.offers.sector_codes)

    def score(self, lexicon, mode, w, fit_level=None):
        s = self.scorer
        if lexicon is None:
            vn, vo = self.text_n, self.text_o
        else:
            cn, co = lexicon.transform(self.docs_n), lexicon.transform(self.docs_o)
            if fit_level:
                cn = sector_fit(cn, lexicon, self.codes_n, fit_level)
                co = sector_fit(co, lexicon, self.codes_o, fit_level)
            vn = blend(mode, w, self.text_n, cn, "need")
            vo = blend(mode, w, self.text_o, co, "offer")
        s.offer_vectors_, s._need_cache = vo, (self.data.needs, vn)
        score, _, candidate = s.score_matrix(self.data.needs)
        return score, candidate


def fold_data(v3, fold: str):
    """v3 tuning needs titled in ``fold``; offers titled in the other fold dropped."""
    _, titles = tuning_phrases_by_fold()
    need_rows = [r for r in _rows("needs.csv", evalset_v3.HERE) if r["split"] == PART]
    offer_rows = _rows("offers.csv", evalset_v3.HERE)
    other = "B" if fold == "A" else "A"

    def fold_of(title, key, sides):
        for f in "AB":
            if any(p in title for side in sides for p in titles[f].get(key, {}).get(side, [])):
                return f
        return None

    need_fold = [fold_of(r["title"], r["type"], ("need",)) for r in need_rows]
    assert None not in need_fold
    drop = np.array([r["split"] == PART and fold_of(r["title"], r["type"], ("need", "offer"))
                     == other for r in offer_rows])
    split = np.array([PART if f == fold else "other" for f in need_fold])
    grades = [{j: g for j, g in gr.items() if not drop[j]} for gr in v3.grades]
    return replace(v3, split=split, grades=grades), ~drop


def main() -> None:
    v3 = tuning_only(evalset_v3.load())
    assert set(v3.split) == {PART}
    v2 = v2_all(evalset_v2.load())
    full = ConceptLexicon.shipped()
    folds = fold_lexicons(full)
    base3, base2 = Base(v3), Base(v2)
    fold_sets = {f: fold_data(v3, f) for f in "AB"}
    spec = term_specificity(full)
    for f in "AB":
        kept = {m: len(folds[(f, m)]._term_concept) for m in ("strict", "real")}
        print(f"fold {f}: {int((fold_sets[f][0].split == PART).sum())} needs, "
              f"{int((~fold_sets[f][1]).sum())} offers dropped, terms kept {kept} "
              f"of {len(full._term_concept)}")

    def pruned(rule):
        if rule is None:
            return lambda lex: lex
        if rule == "len>2":
            return lambda lex: without(lex, {t for t, k in lex._term_concept.items()
                                             if len(t) <= 2 and t != lex.names[k].lower()})
        k = int(rule.split("≥")[1])

        def apply(lex):
            drop = {t for t, k_ in lex._term_concept.items()
                    if len(spec.get(t, set()) - {lex.sectors[k_]}) >= k}
            return without(lex, drop)
        return apply

    lexicons = {"full": full, "½": full.thinned(0.5, seed=1), "¼": full.thinned(0.25, seed=2)}

    def run(mode, w, rule=None, fit=None):
        prune = pruned(rule)
        out = {}
        for cond in ("full", "½", "¼"):
            sc, cand = base3.score(prune(lexicons[cond]), mode, w, fit)
            out[cond] = compare.metrics(sc, cand, v3, PART)
        sc, cand = base3.score(None, mode, w)
        if mode == "additive":  # the uniform scale still applies with no lexicon
            sc, cand = base3.score(ConceptLexicon([]), mode, w)
        out["none"] = compare.metrics(sc, cand, v3, PART)
        for fmode in ("strict", "real", "none"):
            parts = []
            for f in "AB":
                data, keep = fold_sets[f]
                lex = ConceptLexicon([]) if fmode == "none" else prune(folds[(f, fmode)])
                sc, cand = base3.score(lex, mode, w, fit)
                parts.append(compare.metrics(sc, cand & keep[None, :], data, PART))
            out[f"fold {fmode}"] = {m: float(np.mean([p[m] for p in parts])) for m in parts[0]}
        sc, cand = base2.score(prune(full), mode, w, fit)
        out["v2"] = evalset_v2.metrics(sc, cand, v2, PART)
        return out

    variants = {"scaled .7 (before)": ("scaled", 0.7, None, None),
                "scaled .5": ("scaled", 0.5, None, None)}
    variants.update({f"additive {w:g}": ("additive", w, None, None) for w in (0.3, 0.5, 0.7, 1)})
    variants.update({f"bonus {w:g}": ("bonus", w, None, None)
                     for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1)})
    variants.update({f"shift {w:g} c{c:g}": (f"shift {c}", w, None, None)
                     for w, c in ((0.7, 0.2), (0.7, 0.3), (0.7, 0.4), (0.7, 0.5), (0.7, 0.6),
                                  (0.5, 0.3), (0.5, 0.5), (0.85, 0.4))})
    variants.update({f"asym {w:g}": ("asym", w, None, None) for w in (0.5, 0.7)})
    variants.update({f"either {w:g}": ("either", w, None, None)
                     for w in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9)})
    variants.update({f"either-k{k} 0.7": (f"either-k{k}", 0.7, None, None) for k in (16, 32, 64)})
    for mode, w in (("scaled", 0.7), ("additive", 0.5), ("bonus", 0.7), ("either", 0.7)):
        for rule, fit in ((None, "sub"), (None, "top"), ("spec≥1", None), ("spec≥2", None),
                          ("len>2", None), ("spec≥1", "sub"), ("spec≥2", "sub")):
            label = " ".join(x for x in (f"{mode} {w:g}", fit and f"fit-{fit}", rule) if x)
            variants[label] = (mode, w, rule, fit)
    for w in (0.5, 0.6, 0.8):
        variants[f"either {w:g} fit-sub"] = ("either", w, None, "sub")
    only = [a for a in sys.argv[1:] if not a.startswith("-")]
    print("NDCG@5/hit@1/MRR per condition; 'unseen' = mean NDCG@5 over " + ", ".join(UNSEEN))
    print(f"{'variant':<28}" + "".join(f"{c:>20}" for c in CONDITIONS) + f"{'unseen':>8}")
    for name, (mode, w, rule, fit) in variants.items():
        if only and not any(name.startswith(o) for o in only):
            continue
        m = run(mode, w, rule, fit)
        unseen = np.mean([m[c]["ndcg@5"] for c in UNSEEN])
        cells = "".join(f"{m[c]['ndcg@5']:.3f}/{m[c]['hit@1']:.3f}/{m[c]['mrr']:.3f}".rjust(20)
                        for c in CONDITIONS)
        print(f"{name:<28}{cells}{unseen:8.4f}", flush=True)


if __name__ == "__main__":
    main()
