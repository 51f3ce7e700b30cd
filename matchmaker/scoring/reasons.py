"""1–3 Chinese reasons per ranked pair: what fits, strongest first, then what is missing."""

from __future__ import annotations

import numpy as np

from .concepts import ConceptLexicon, shared_concepts
from .data import FACTORS, NeedTable, OfferTable, PairingInfo, Reference

#: A factor is worth a reason at or above this value.
REASON_THRESHOLD = {"sector": 0.7, "budget": 0.3, "region": 0.4, "text": 0.2}


_lookup: tuple[Reference | None, dict] = (None, {})


def _pairing_lookup(reference: Reference) -> dict[tuple[str, str], PairingInfo]:
    """(supporter province, recipient region) → pairing, for the region reason (kept for
    the last reference seen: an index refresh explains a few pairs with the same one)."""
    global _lookup
    if _lookup[0] is not reference:
        _lookup = (reference, {(p.supporter_region_code, p.recipient_region_code): p
                               for p in reference.pairings if p.supporter_region_code})
    return _lookup[1]


def pair_texts(titles, descriptions) -> list[str]:
    """The text project types are found in, per item (title and description)."""
    return [t + " " + d for t, d in zip(titles, descriptions, strict=True)]


def concept_rows(lexicon: ConceptLexicon, titles, descriptions) -> np.ndarray:
    """Bool matrix: item i names project type (concept column) j; what
    :func:`explain_codes` finds itself when not given ``concepts``."""
    return lexicon.transform(pair_texts(titles, descriptions)).toarray() > 0


def lexicon_of(ranking) -> ConceptLexicon:
    """The lexicon the reasons of ``ranking`` name project types from."""
    carried = getattr(ranking, "lexicon", None)
    return carried if isinstance(carried, ConceptLexicon) else ConceptLexicon.shipped()


def _paired_with(reference: Reference, lookup: dict, province: str | None,
                 need_region: str) -> PairingInfo | None:
    pref = reference.prefecture_of(need_region)
    for target in (need_region, pref):
        if target and (province, target) in lookup:
            return lookup[(province, target)]
    for (supporter, recipient), pairing in lookup.items():  # a county of the need's prefecture
        region = reference.region_by_code.get(recipient)
        if supporter == province and region is not None and region.parent_code == need_region:
            return pairing
    return None


def sector_reason(reference: Reference, level: int, need_sector: str,
                  read: bool = False) -> str:
    """``read``: the offer is filed under the parent sector and its text was read as the
    need's sector (``subsectors.py``)."""
    sector = reference.sector_by_code.get(need_sector)
    name = reference.sector_name(need_sector)
    if level == 3:
        return f"领域一致：{name}（按项目内容判断）" if read else f"领域一致：{name}"
    if level == 2:
        return f"领域涵盖：{name}"
    parent = reference.sector_name(sector.parent_code) if sector and sector.parent_code else name
    return f"同属领域：{parent}"


def region_reason(reference: Reference, level: int, need_region: str,
                  targets: tuple[str, ...], org_region: str | None, lookup: dict) -> str:
    name = reference.region_name(need_region)
    pref = reference.prefecture_of(need_region)
    if level == 5:
        hit = need_region if need_region in targets else pref
        return f"定向支持：{reference.region_name(hit)}"
    if level == 4:
        province = reference.province_of(org_region)
        pairing = _paired_with(reference, lookup, province, need_region)
        if pairing is None:
            return f"对口支援：{reference.region_name(province)} → {name}"
        label = (f"对口支援：{pairing.supporter_name} → "
                 f"{reference.region_name(pairing.recipient_region_code)}")
        return label if pairing.verified else label + "（待核实）"
    if level == 3:
        return f"支持同一地区的县：{reference.region_name(pref)}"
    if level == 2:
        return f"同一受援省区：{reference.region_name(reference.province_of(need_region))}"
    return "面向所有受援地区"


def budget_reason(value: float, uncommitted: float, remaining: float) -> str:
    if uncommitted > 0 and remaining >= uncommitted:
        return "资金可全额覆盖需求"
    share = remaining / uncommitted if uncommitted > 0 else 0.0
    return f"资金{'仅' if share < 0.5 else '可'}覆盖需求的 {share:.0%}"


def _top_sector(reference: Reference, code: str) -> str:
    sector = reference.sector_by_code.get(code)
    return reference.sector_name(sector.parent_code if sector and sector.parent_code else code)


def _first_concept(matrix) -> np.ndarray:
    """Per row of a 0/1 concept matrix, its first concept column, -1 for none."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    first = np.full(matrix.shape[0], -1, dtype=np.intp)
    rows = np.flatnonzero(np.diff(matrix.indptr) > 0)
    first[rows] = matrix.indices[matrix.indptr[rows]]
    return first


def _first_true(rows: np.ndarray) -> np.ndarray:
    """Per row of a bool matrix, its first True column, -1 for none."""
    if rows.shape[1] == 0:
        return np.full(len(rows), -1, dtype=np.intp)
    return np.where(rows.any(axis=1), rows.argmax(axis=1), -1).astype(np.intp)


def _concept_ids(needs: NeedTable, offers: OfferTable, ranking,
                 lexicon: ConceptLexicon | None = None, concepts=None):
    """Per pair: the project type (concept column) both sides name, -1 for none; the first
    project type the need names and the first the offer names (-1 for none); and the
    concept names. The lexicon is the one the scorer used unless one is given;
    ``concepts`` (:func:`concept_rows` of ``needs`` and of ``offers``, found with it)
    spares finding them again."""
    if lexicon is None:
        lexicon = lexicon_of(ranking)
    rows, need_pos = np.unique(ranking.need_index, return_inverse=True)
    cols, offer_pos = np.unique(ranking.offer_index, return_inverse=True)
    need_pos, offer_pos = need_pos.ravel(), offer_pos.ravel()
    if concepts is not None:  # few pairs (an index refresh): dense rows
        need_c, offer_c = concepts[0][rows], concepts[1][cols]
        both = need_c[need_pos] & offer_c[offer_pos]
        return (_first_true(both), _first_true(need_c)[need_pos],
                _first_true(offer_c)[offer_pos], lexicon.names)
    need_c = lexicon.transform(pair_texts([needs.titles[i] for i in rows],
                                          [needs.descriptions[i] for i in rows]))
    offer_c = lexicon.transform(pair_texts([offers.titles[j] for j in cols],
                                           [offers.descriptions[j] for j in cols]))
    shared = shared_concepts(need_c, offer_c, need_pos, offer_pos)
    return (shared, _first_concept(need_c)[need_pos], _first_concept(offer_c)[offer_pos],
            lexicon.names)


def _region_gap(reference: Reference, targets: tuple[str, ...]) -> str:
    names = "、".join(reference.region_name(c) for c in targets[:2])
    return f"地区不符：供给定向{names}{'等' if len(targets) > 2 else ''}"


class _Texts:
    """Distinct reason texts, each built once: text → id."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []

    def id(self, text: str) -> int:
        if text not in self.ids:
            self.ids[text] = len(self.texts)
            self.texts.append(text)
        return self.ids[text]

    def per_key(self, keys: np.ndarray, mask: np.ndarray, build) -> np.ndarray:
        """Text id per pair (-1 outside ``mask``), ``build(key)`` called once per distinct
        key (a row of ``keys``)."""
        out = np.full(len(mask), -1, dtype=np.int64)
        if mask.any():
            uniq, inverse = _unique_rows(keys[mask])
            out[mask] = np.array([self.id(build(key)) for key in uniq.tolist()],
                                 dtype=np.int64)[inverse.ravel()]
        return out


def _unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, axis=0, return_inverse=True)``, through one int64 per row when the
    columns are small non-negative integers (a 1-d sort instead of a row sort)."""
    if keys.dtype.kind in "iu" and len(keys) and keys.min() >= 0:
        radix = keys.max(axis=0).astype(np.float64) + 1
        if np.prod(radix) < 2.0**62:
            flat = np.zeros(len(keys), np.int64)
            for column, size in zip(keys.T, radix.astype(np.int64).tolist(), strict=True):
                flat = flat * size + column
            _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
            return keys[first], inverse.ravel()
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    return uniq, inverse.ravel()


def _codes(values: list) -> tuple[np.ndarray, list]:
    """Small integer codes of hashable ``values``, and the distinct values."""
    index: dict = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)
    return codes, list(index)


def _budget_ids(texts: _Texts, uncommitted: np.ndarray, remaining: np.ndarray,
                mask: np.ndarray) -> np.ndarray:
    """``budget_reason`` per pair, built once per distinct share of the need covered."""
    full = (uncommitted > 0) & (remaining >= uncommitted)
    share = np.divide(remaining, uncommitted, out=np.zeros(len(remaining)),
                      where=uncommitted > 0)
    key = np.where(full, -1.0, share)[:, None]
    return texts.per_key(key, mask, lambda k: "资金可全额覆盖需求" if k[0] == -1.0
                         else f"资金{'仅' if k[0] < 0.5 else '可'}覆盖需求的 {k[0]:.0%}")


def explain_codes(ranking, needs: NeedTable, offers: OfferTable, reference: Reference,
                  weights: np.ndarray, limit: int = 3,
                  lexicon: ConceptLexicon | None = None,
                  concepts: tuple[np.ndarray, np.ndarray] | None = None,
                  ) -> tuple[np.ndarray, list[list[str]]]:
    """Reasons of each ranked pair as an index into distinct reason lists (see ``explain``):
    every wording is built once per distinct combination of factor levels, codes and
    shares, and every list once per distinct combination of wordings. ``concepts``: the
    project types each need and each offer names (:func:`concept_rows`), when known.

    Returns
    -------
    codes : ndarray of int, shape (n_pairs,)
    lists : list of list of str
        ``lists[codes[k]]`` are the reasons of pair ``k``.
    """
    n = len(ranking)
    if n == 0:
        return np.zeros(0, np.int64), []
    lookup = _pairing_lookup(reference)
    texts = _Texts()
    i, j = np.asarray(ranking.need_index), np.asarray(ranking.offer_index)
    s_level = np.asarray(ranking.sector_level, np.int64)
    r_level = np.asarray(ranking.region_level, np.int64)
    uncommitted = needs.uncommitted_yuan[i]
    remaining = offers.remaining_yuan[j]
    short = remaining < uncommitted
    # Codes of the items the pairs involve only (a refresh pairs one item with a few).
    rows, i_pos = np.unique(i, return_inverse=True)
    cols, j_pos = np.unique(j, return_inverse=True)
    rows_, cols_ = rows.tolist(), cols.tolist()
    need_read = getattr(ranking, "need_sector_codes", None)  # as the sector factor read
    if need_read is None or len(need_read) != len(needs):
        need_read = needs.sector_codes
    need_sector, sectors = _codes([need_read[r] for r in rows_])
    need_was_read = np.array([need_read[r] != needs.sector_codes[r] for r in rows_], bool)
    read_codes = getattr(ranking, "offer_sector_codes", None)  # as the sector factor read
    if read_codes is None or len(read_codes) != len(offers):
        read_codes = offers.sector_codes
    offer_sector, offer_sectors = _codes([read_codes[c][0] if read_codes[c] else ""
                                          for c in cols_])
    need_region, regions = _codes([needs.region_codes[r] for r in rows_])
    offer_where, wheres = _codes([(offers.target_region_codes[c], offers.org_region_codes[c])
                                  for c in cols_])
    i, j = i_pos.ravel(), j_pos.ravel()  # positions among the involved items from here on
    targets, target_sets = _codes([offers.target_region_codes[c] for c in cols_])
    concept, need_one, offer_one, names = _concept_ids(needs, offers, ranking, lexicon,
                                                       concepts)
    sector_gap = texts.per_key(
        np.column_stack([need_sector[i], offer_sector[j]]), s_level == 0,
        lambda k: f"领域不同：{_top_sector(reference, sectors[k[0]])} vs "
                  f"{_top_sector(reference, offer_sectors[k[1]])}")
    type_gap = texts.per_key(  # same sector, each side names another project type
        np.column_stack([need_one, offer_one]),
        (s_level != 0) & (concept < 0) & (need_one >= 0) & (offer_one >= 0),
        lambda k: f"项目类型不同：{names[k[0]]} vs {names[k[1]]}")
    aimed = np.array([bool(t) for t in target_sets], dtype=bool)[targets[j]]
    region_gap = texts.per_key(  # shown when the search is widened to other regions
        targets[j][:, None], (r_level == 0) & aimed,
        lambda k: _region_gap(reference, target_sets[k[0]]))
    budget_gap = _budget_ids(texts, uncommitted, remaining, short)
    factors = np.asarray(ranking.factors)
    above = factors + 1e-6 >= np.array([REASON_THRESHOLD[f] for f in FACTORS])[None, :]
    # Same sector although one side was filed under the parent only: the guide read its
    # text as that sub-sector (the offer's, or the need's).
    read = np.zeros(n, dtype=np.int64)
    same = np.flatnonzero(s_level == 3)
    if same.size:
        filed = [offers.sector_codes[c] for c in cols_]
        read[same] = [sectors[a] not in filed[b]
                      for a, b in zip(need_sector[i[same]].tolist(), j[same].tolist(),
                                      strict=True)]
        read[same] |= need_was_read[i[same]]
    fit = {
        "sector": texts.per_key(np.column_stack([s_level, need_sector[i], read]),
                                above[:, FACTORS.index("sector")],
                                lambda k: sector_reason(reference, k[0], sectors[k[1]],
                                                        bool(k[2]))),
        "region": texts.per_key(
            np.column_stack([r_level, need_region[i], offer_where[j]]),
            above[:, FACTORS.index("region")],
            lambda k: region_reason(reference, k[0], regions[k[1]], *wheres[k[2]], lookup)),
        "budget": np.where(above[:, FACTORS.index("budget")] & ~short,
                           texts.id("资金可全额覆盖需求"), -1),
    }
    t = FACTORS.index("text")
    text_fit = above[:, t]
    # A shared project type is worth saying whatever the text similarity (paraphrases share
    # few characters, and the concept overlap may not count in the score).
    fit["text"] = np.maximum(
        texts.per_key(concept[:, None], concept >= 0, lambda k: f"同为{names[k[0]]}"),
        texts.per_key(factors[:, t:t + 1], text_fit & (concept < 0),
                      lambda k: f"项目内容相近（内容相似度 {np.float32(k[0]) * 100:.0f}）"))
    # What fits, largest weighted contribution first (stable), then the gaps.
    # A shared project type ranks as a full text match: it says what a coordinator checks.
    contribution = factors * weights[None, :]
    contribution[concept >= 0, t] = weights[t]
    order = np.argsort(-contribution, axis=1, kind="stable")
    fits = np.column_stack([fit[f] for f in FACTORS])[np.arange(n)[:, None], order]
    fits = np.take_along_axis(fits, np.argsort(fits < 0, axis=1, kind="stable"), axis=1)
    gaps = np.column_stack([np.maximum(sector_gap, type_gap), region_gap, budget_gap])
    gaps = np.take_along_axis(gaps, np.argsort(gaps < 0, axis=1, kind="stable"), axis=1)
    n_gaps = (gaps >= 0).sum(axis=1)
    room = np.maximum(limit - n_gaps, 1)
    width = len(FACTORS) + gaps.shape[1]
    slots = np.full((n, width), -1, dtype=np.int64)
    n_fits = np.minimum((fits >= 0).sum(axis=1), room)
    cols = np.arange(len(FACTORS))[None, :]
    slots[:, :len(FACTORS)] = np.where(cols < n_fits[:, None], fits, -1)
    for g in range(gaps.shape[1]):  # the gaps follow the fits kept
        has = gaps[:, g] >= 0
        slots[np.flatnonzero(has), (n_fits + g)[has]] = gaps[has, g]
    slots = slots[:, :limit]
    empty = slots[:, 0] < 0
    if empty.any():
        slots[empty, 0] = _budget_ids(texts, uncommitted, remaining, empty)[empty]
    combos, codes = _unique_rows(slots + 1)
    words = [None, *texts.texts]
    lists = [[words[c] for c in row if c] for row in combos.tolist()]
    return codes, lists


def explain(ranking, needs: NeedTable, offers: OfferTable, reference: Reference,
            weights: np.ndarray, limit: int = 3,
            lexicon: ConceptLexicon | None = None) -> list[list[str]]:
    """Reasons for each ranked pair, in a coordinator's words: what fits (factors above their
    threshold, largest weighted contribution first; the text reason names the shared project
    type, "同为先天性心脏病救治"), then what is missing ("领域不同：教育 vs 医疗卫生",
    "项目类型不同：两癌筛查 vs 先天性心脏病救治", "地区不符：供给定向和田地区",
    "资金仅覆盖需求的 40%"). At most ``limit`` reasons, at least one; gaps are kept before
    weaker fits.

    Vectorised: see :func:`explain_codes`.

    Parameters
    ----------
    ranking : Ranking
    needs, offers : the tables the ranking indexes
    reference : Reference
    weights : ndarray of shape (n_factors,)
    limit : int, default 3
    lexicon : ConceptLexicon, optional
        Names the shared concept; by default the one the scorer used (``ranking.lexicon``).
    """
    codes, lists = explain_codes(ranking, needs, offers, reference, weights, limit, lexicon)
    return [list(lists[c]) for c in codes.tolist()]
