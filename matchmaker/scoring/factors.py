"""Factor tables: sector and region as (category × offer) look-ups, budget as a block function.

Sector and region depend only on the need's sector or region, so they are computed once per
category against all offers (a few hundred rows) and gathered per block of needs.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .data import RECIPIENT_PROVINCES, OfferTable, Reference

#: Sector levels: 3 same sector, 2 one covers the other (parent/child), 1 same parent, 0 none.
SECTOR_VALUES = np.array([0.0, 0.7, 0.8, 1.0], dtype=np.float32)
#: Region levels: 5 targets the need's county or prefecture (or a county inside the need's
#: prefecture), 4 对口支援 province (offer open or aimed at the whole province), 3 targets
#: another county of the need's prefecture, 2 same recipient province, 1 offer open to any
#: region, 0 nothing in common. Values by class as a coordinator grades (evalset v3 README):
#: explicit = paired (1.0) > open, in the province or not (0.95) > a neighbouring county
#: (0.5); the region gates (gates.py) widen the gap. From bench/tune_v3.py (tuning data).
REGION_VALUES = np.array([0.0, 0.95, 0.95, 0.5, 1.0, 1.0], dtype=np.float32)
#: Budget: an offer this many times the need loses OVERSIZE_PENALTY (linearly up to it).
OVERSIZE_RATIO = 20.0
OVERSIZE_PENALTY = 0.1


def _multi_hot(
    lists: list[tuple[str, ...]], index: dict[str, int], width: int
) -> sparse.csr_matrix:
    """Rows of 0/1 for the codes each row lists (unknown codes are dropped)."""
    rows, cols = [], []
    for i, codes in enumerate(lists):
        for code in codes:
            j = index.get(code)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(lists), width))
    matrix.data[:] = 1.0  # duplicates summed: back to 0/1
    return matrix


def _hits(relation: np.ndarray, members: sparse.csr_matrix) -> np.ndarray:
    """``relation`` (C × K) times ``members.T`` (K × m) > 0, as a dense bool (C × m)."""
    if not sparse.issparse(relation):
        relation = sparse.csr_matrix(relation.astype(np.float32))
    product = relation @ members.T
    return product.toarray() > 0


def _sector_relations(reference: Reference) -> tuple[dict[str, int], list[tuple[int, np.ndarray]]]:
    """Sector code → row, and (level, sector × sector relation) pairs; built once per
    ``reference`` (kept on it), as they depend on the taxonomy only."""
    cached = reference.__dict__.get("_sector_relations")
    if cached is not None:
        return cached
    codes = [s.code for s in reference.sectors]
    index = {c: i for i, c in enumerate(codes)}
    parent = {s.code: s.parent_code for s in reference.sectors}
    k = len(codes)
    exact, covers, sibling = (np.zeros((k + 1, k), dtype=bool) for _ in range(3))
    for a in codes:
        for b in codes:
            i, j = index[a], index[b]
            exact[i, j] = a == b
            covers[i, j] = parent[a] == b or parent[b] == a
            sibling[i, j] = a != b and parent[a] is not None and parent[a] == parent[b]
    relations = [(level, sparse.csr_matrix(r.astype(np.float32)))
                 for level, r in ((1, sibling), (2, covers), (3, exact))]
    reference.__dict__["_sector_relations"] = (index, relations)
    return index, relations


def sector_levels(reference: Reference, offers: OfferTable) -> tuple[dict[str, int], np.ndarray]:
    """Sector level of every (sector, offer); the last row is for unknown sector codes.

    Returns
    -------
    index : dict
        Sector code → row.
    levels : ndarray of int8, shape (n_sectors + 1, n_offers)
    """
    index, relations = _sector_relations(reference)
    members = _multi_hot(offers.sector_codes, index, len(index))
    levels = np.zeros((len(index) + 1, len(offers)), dtype=np.int8)
    for level, relation in relations:
        levels[_hits(relation, members)] = level
    return index, levels


def _region_relations(reference: Reference) -> tuple[dict[str, int], dict[str, object]]:
    """Region code → row, and the need-region × region relations the levels are read from;
    built once per ``reference`` (kept on it), as they depend on regions and pairings only."""
    cached = reference.__dict__.get("_region_relations")
    if cached is not None:
        return cached
    regions = list(reference.regions)
    index = {r.code: i for i, r in enumerate(regions)}
    k = len(regions)

    def idx(code: str | None) -> int:
        return index.get(code, -2) if code else -2  # -2 never equals a row or column

    me = np.arange(k + 1)[:, None]  # need-region rows (k = unknown)
    col = np.arange(k)[None, :]
    pref = np.array([idx(reference.prefecture_of(r.code)) for r in regions] + [-2])[:, None]
    prov = np.array([idx(r.province_code) for r in regions] + [-2])[:, None]
    recipient = np.array([r.province_code in RECIPIENT_PROVINCES for r in regions] + [False])
    t_parent = np.array([idx(r.parent_code) for r in regions])[None, :]
    t_prov = np.array([idx(r.province_code) for r in regions])[None, :]
    t_county = np.array([r.level == "county" for r in regions])[None, :]

    # The offer targets the need's region or its prefecture, or — the need sitting at a
    # prefecture or 兵团 division — a county inside it.
    cover = (col == me) | (col == pref) | ((pref == me) & (t_parent == me))
    sibling = (pref >= 0) & t_county & (t_parent == pref) & (col != me)
    province = recipient[:, None] & (t_prov == prov)
    paired = np.zeros((k + 1, k), dtype=bool)
    paired_prov = np.zeros((k + 1, k), dtype=bool)
    for p in reference.pairings:
        j, t = idx(p.supporter_region_code), idx(p.recipient_region_code)
        if j < 0 or t < 0:
            continue
        rows = (me[:, 0] == t) | (pref[:, 0] == t) | (me[:, 0] == t_parent[0, t])
        paired[rows, j] = True
        paired_prov[recipient & (prov[:, 0] == t_prov[0, t]), j] = True
    relations = {name: sparse.csr_matrix(r.astype(np.float32)) for name, r in (
        ("cover", cover), ("sibling", sibling), ("province", province),
        ("broad", col == prov), ("filter", cover | (col == prov)), ("paired", paired),
        ("paired_prov", paired_prov))}
    reference.__dict__["_region_relations"] = (index, relations)
    return index, relations


def region_levels(
    reference: Reference, offers: OfferTable, widen: bool = False
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Region level of every (need region, offer), and whether the offer is a candidate there.

    Returns
    -------
    index : dict
        Region code → row (the last row is for unknown codes).
    levels : ndarray of int8, shape (n_regions + 1, n_offers)
    candidate : ndarray of bool, same shape
        False where the offer's target regions include neither the need's region, its
        prefecture nor its province (all True when ``widen``).
    """
    index, rel = _region_relations(reference)
    k, m = len(index), len(offers)
    targets = _multi_hot(offers.target_region_codes, index, k)
    org_province = [(reference.province_of(c),) if c else () for c in offers.org_region_codes]
    org = _multi_hot(org_province, index, k)

    open_ = np.asarray(targets.sum(axis=1)).ravel() == 0  # (m,)
    broad = _hits(rel["broad"], targets)  # the offer targets the need's whole province
    levels = np.zeros((k + 1, m), dtype=np.int8)
    levels[:, open_] = 1
    same_prov = _hits(rel["province"], targets) | (_hits(rel["paired_prov"], org) & open_)
    levels[same_prov] = 2
    levels[_hits(rel["sibling"], targets)] = 3
    via_pairing = _hits(rel["paired"], org) & (open_ | broad)
    levels[via_pairing] = np.maximum(levels[via_pairing], 4)
    levels[_hits(rel["cover"], targets)] = 5
    candidate = (np.ones((k + 1, m), dtype=bool) if widen
                 else _hits(rel["filter"], targets) | open_)
    return index, levels, candidate


def budget_factor(uncommitted: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """Budget factor, broadcasting ``uncommitted`` against ``remaining``.

    Parameters
    ----------
    uncommitted : ndarray
        The needs' uncommitted money (yuan), e.g. shape (n, 1) for a block.
    remaining : ndarray
        The offers' remaining money (yuan), e.g. shape (1, m).

    Returns
    -------
    ndarray of float32
        ``min(remaining / uncommitted, 1)``, less up to ``OVERSIZE_PENALTY`` for an offer
        ``OVERSIZE_RATIO`` or more times the need; 0 when either side has no money.
    """
    u = np.asarray(uncommitted, dtype=np.float64)
    inv = np.divide(1.0, u, out=np.zeros(u.shape), where=u > 0).astype(np.float32)
    rem = np.maximum(np.asarray(remaining), 0).astype(np.float32)
    ratio = inv * rem
    cover = np.minimum(ratio, 1.0)
    ratio -= 1.0
    np.clip(ratio, 0.0, OVERSIZE_RATIO - 1.0, out=ratio)
    ratio *= OVERSIZE_PENALTY / (OVERSIZE_RATIO - 1.0)
    cover -= ratio
    return cover
