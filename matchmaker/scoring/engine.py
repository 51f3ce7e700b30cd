"""The scorer: fitted on offers, it scores blocks of needs × offers as matrices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from .blocks import BudgetBlock, ban, exclusions, top_k_columns
from .concepts import ConceptLexicon, augment
from .data import FACTORS, NeedTable, OfferTable, Ranking, Reference, weight_vector
from .factors import REGION_VALUES, SECTOR_VALUES, budget_factor, region_levels, sector_levels
from .gates import GateBlock, gate_matrix
from .subsectors import SubSectorGuide, item_codes, sector_children
from .text import TextEmbedder


@dataclass
class _Prepared:
    sector_row: np.ndarray
    region_row: np.ndarray
    uncommitted: np.ndarray
    vectors: np.ndarray
    #: Per need, the sector code the sector factor reads (``MatchScorer.need_sector_codes``).
    sector_codes: list


class MatchScorer:
    """Score need–offer pairs from sector, budget, region and text factors.

    Parameters
    ----------
    reference : Reference
        Regions, sectors and active 对口支援 pairings.
    weights : mapping of str to float, optional
        Factor weights (normalised to sum 1); ``DEFAULT_WEIGHTS`` when None.
    widen : bool, default False
        Keep offers whose target regions miss the need's region, prefecture and province.
    tokens : {"char", "jieba", "both"}, default "char"
        Text features, see :class:`~matchmaker.scoring.text.TextEmbedder`.
    n_components : int, default 128
        LSA dimensions for large corpora.
    block_elements : int, default 2**20
        Pairs scored at once; bounds memory (a few float32 arrays of this size).
    embedder : TextEmbedder, optional
        An already fitted text model (the persisted one), used as is by ``fit``.
    concepts : bool or ConceptLexicon, default True
        Add the overlap of domain concepts to the text factor: the lexicon given, or when
        True the one the embedder carries (``embedder.lexicon_``: the persisted text model
        carries the database's lexicon), else the shipped one (``data/concepts.csv``).
    concept_weight : float, default 0.7
        Share of the concept overlap in the text factor of a pair whose two sides both
        mention a concept; a pair where either side mentions none compares by text alone.
        0: text alone for every pair (the lexicon, when given, still words the reasons).
        The app passes ``Config.SCORING_CONCEPT_WEIGHT`` (0).
    gated : bool, default True
        Multiply the weighted sum by the sector, region and budget gates (``gates.py``).
    guided : bool, default True
        Rank an offer filed under a top-level sector only, and a need filed under a
        top-level sector, as the sub-sector its text is about (``subsectors.py``), with the
        guide the embedder carries (the persisted text model's) or, when the scorer fits its
        own text model, one fitted on the same corpus.

    Attributes
    ----------
    offers_ : OfferTable
    weights_ : ndarray of shape (n_factors,)
    sector_index_, region_index_ : dict
        Code → row of the level tables.
    sector_levels_ : ndarray of int8, shape (n_sectors + 1, n_offers)
    region_levels_ : ndarray of int8, shape (n_regions + 1, n_offers)
    region_group_ : ndarray of int, shape (n_regions + 1,)
        The prefecture row each region is ranked with.
    candidate_ : ndarray of bool, shape (n_regions + 1, n_offers)
        Hard filters by need region: target regions (unless ``widen``) and remaining money.
    embedder_ : TextEmbedder
    lexicon_ : ConceptLexicon or None
    offer_sector_codes_ : list of tuple of str
        The sector codes the sector factor reads: the offers' own, or a sub-sector the
        guide read from the text (``guided``).
    offer_vectors_ : ndarray of shape (n_offers, n_text_features)
        Offer rows of ``concepts.augment`` (need rows differ: see there).
    """

    def __init__(self, reference: Reference, weights: Mapping[str, float] | None = None,
                 widen: bool = False, tokens: str = "char", n_components: int = 128,
                 block_elements: int = 2**20, embedder: TextEmbedder | None = None,
                 concepts: bool | ConceptLexicon = True, concept_weight: float = 0.7,
                 gated: bool = True, guided: bool = True) -> None:
        self.reference = reference
        self.embedder = embedder
        self.weights = weights
        self.widen = widen
        self.tokens = tokens
        self.n_components = n_components
        self.block_elements = block_elements
        self.concepts = concepts
        self.concept_weight = concept_weight
        self.gated = gated
        self.guided = guided

    def fit(self, offers: OfferTable, needs: NeedTable | None = None) -> MatchScorer:
        """Build the sector and region tables and the text model for ``offers``; ``needs``,
        when given, join the text corpus (vocabulary and IDF) but are not stored."""
        self.offers_ = offers
        self.weights_ = weight_vector(self.weights)
        self.region_index_, self.region_levels_, candidate = region_levels(
            self.reference, offers, widen=self.widen
        )
        self.candidate_ = candidate & (offers.remaining_yuan > 0)[None, :]
        self.embedder_ = self.embedder or TextEmbedder(self.tokens, n_components=self.n_components)
        docs = self.embedder_.documents(offers.titles, offers.descriptions)
        self._need_cache: tuple[NeedTable, np.ndarray] | None = None
        self._need_plain: tuple[NeedTable, np.ndarray] | None = None
        if needs is not None:
            docs += self.embedder_.documents(needs.titles, needs.descriptions)
        self.lexicon_ = self._lexicon()
        base = (self.embedder_.transform(docs) if self.embedder is not None
                else self.embedder_.fit_transform(docs))
        n = len(offers)
        self.offer_sector_codes_ = self._guided_codes(base, offers, needs)
        self.sector_index_, self.sector_levels_ = sector_levels(
            self.reference, replace(offers, sector_codes=self.offer_sector_codes_))
        self.offer_vectors_ = self._with_concepts(base[:n], docs[:n], "offer")
        if needs is not None:  # kept so rank(needs) does not tokenise them again
            self._need_cache = (needs, self._with_concepts(base[n:], docs[n:], "need"))
            self._need_plain = (needs, base[n:])
        self.region_group_ = self._region_groups()
        return self

    def _guided_codes(self, base: np.ndarray, offers: OfferTable,
                      needs: NeedTable | None) -> list[tuple[str, ...]]:
        """The offers' sector codes as the sector factor reads them (``guided``); ``base``
        holds the plain text rows of the offers, then of the needs when given."""
        if not self.guided:
            return list(offers.sector_codes)
        if self.embedder is None:  # our own text model: a guide from the same corpus
            labels = item_codes(offers.sector_codes,
                                needs.sector_codes if needs is not None else None)
            self.embedder_.guide_ = SubSectorGuide().fit(base, labels, self.reference)
        guide = self._guide()
        if guide is None:
            return list(offers.sector_codes)
        return guide.refine(base[:len(offers)], offers.sector_codes, self.reference)

    def _guide(self) -> SubSectorGuide | None:
        """The sub-sector guide the text model carries, when ``guided`` (else None)."""
        guide = getattr(self.embedder_, "guide_", None) if self.guided else None
        return guide if isinstance(guide, SubSectorGuide) else None

    def need_sector_codes(self, needs: NeedTable, plain: np.ndarray | None = None
                          ) -> list[str]:
        """The needs' sector codes as the sector factor reads them: a need filed under a
        top-level sector is ranked as the sub-sector its text is about, when the guide reads
        one clearly (``guided``; a need is one project, so "教育" with a text about teacher
        training is a 教师培训 need, as a coordinator would file it). ``plain`` passes the
        needs' text rows without concept columns, when known."""
        codes = list(needs.sector_codes)
        guide = self._guide()
        if guide is None:
            return codes
        children = sector_children(self.reference)
        todo = [k for k, c in enumerate(codes) if c in children]
        if not todo:
            return codes
        if plain is None:
            docs = self.embedder_.documents([needs.titles[k] for k in todo],
                                            [needs.descriptions[k] for k in todo])
            rows = self.embedder_.transform(docs)
        else:
            rows = plain[todo]
        read = guide.refine(rows, [(codes[k],) for k in todo], self.reference)
        for k, found in zip(todo, read, strict=True):
            codes[k] = found[0]
        return codes

    def _lexicon(self) -> ConceptLexicon | None:
        if isinstance(self.concepts, ConceptLexicon):
            return self.concepts
        if not self.concepts:
            return None
        carried = getattr(self.embedder_, "lexicon_", None)  # the persisted text model's
        return carried if isinstance(carried, ConceptLexicon) else ConceptLexicon.shipped()

    def _region_groups(self) -> np.ndarray:
        """Region row → row of its prefecture (or 兵团 division), else its own row."""
        groups = np.arange(len(self.region_index_) + 1)
        for code, row in self.region_index_.items():
            prefecture = self.reference.prefecture_of(code)
            groups[row] = self.region_index_.get(prefecture, row) if prefecture else row
        return groups

    def _with_concepts(self, vectors: np.ndarray, docs: list[str], side: str) -> np.ndarray:
        """Text rows with the concept evidence (``concepts.augment``); need and offer rows
        differ, so ``side`` says which these are. With a weight of 0 the rows are the
        text rows as they are (the lexicon still words the reasons)."""
        if self.lexicon_ is None or self.concept_weight <= 0:
            return vectors
        return augment(vectors, self.lexicon_.transform(docs), self.concept_weight, side)

    def _need_rows(self, needs: NeedTable) -> tuple[np.ndarray | None, np.ndarray]:
        """(plain text rows or None when not at hand, rows with the concept evidence)."""
        plain = None
        if self._need_plain is not None and self._need_plain[0] is needs:
            plain = self._need_plain[1]
        if self._need_cache is not None and self._need_cache[0] is needs:
            return plain, self._need_cache[1]
        docs = self.embedder_.documents(needs.titles, needs.descriptions)
        plain = self.embedder_.transform(docs)
        return plain, self._with_concepts(plain, docs, "need")

    def _prepare(self, needs: NeedTable) -> _Prepared:
        unknown_sector = len(self.sector_index_)
        unknown_region = len(self.region_index_)
        plain, vectors = self._need_rows(needs)
        codes = self.need_sector_codes(needs, plain)
        return _Prepared(
            sector_row=np.array([self.sector_index_.get(c, unknown_sector)
                                 for c in codes], dtype=np.intp),
            region_row=np.array([self.region_index_.get(c, unknown_region)
                                 for c in needs.region_codes], dtype=np.intp),
            uncommitted=np.asarray(needs.uncommitted_yuan, dtype=np.float64),
            vectors=vectors,
            sector_codes=codes,
        )

    def factor_matrices(self, needs: NeedTable) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every factor for every (need, offer), and the hard-filter mask.

        Dense (n_needs × n_offers): meant for small blocks, tests and single offers.

        Returns
        -------
        factors : dict of str to ndarray of shape (n_needs, n_offers)
        candidate : ndarray of bool, shape (n_needs, n_offers)
        """
        prep = self._prepare(needs)
        text = np.clip(prep.vectors @ self.offer_vectors_.T, 0.0, 1.0)
        factors = {
            "sector": SECTOR_VALUES[self.sector_levels_[prep.sector_row]],
            "budget": budget_factor(prep.uncommitted[:, None],
                                    self.offers_.remaining_yuan[None, :]),
            "region": REGION_VALUES[self.region_levels_[prep.region_row]],
            "text": text.astype(np.float32),
        }
        candidate = self.candidate_[prep.region_row] & (prep.uncommitted > 0)[:, None]
        return factors, candidate

    def score_matrix(self, needs: NeedTable) -> tuple[np.ndarray, dict[str, np.ndarray],
                                                      np.ndarray]:
        """Weighted score, factors and candidate mask for every (need, offer)."""
        prep = self._prepare(needs)
        factors, candidate = self.factor_matrices(needs)
        score = sum(w * factors[f] for f, w in zip(FACTORS, self.weights_, strict=True))
        if self.gated:
            score = score * gate_matrix(self.sector_levels_[prep.sector_row],
                                        self.region_levels_[prep.region_row],
                                        prep.uncommitted[:, None],
                                        self.offers_.remaining_yuan[None, :])
        return np.asarray(score, dtype=np.float32), factors, candidate

    def rank(self, needs: NeedTable, top_k: int = 20,
             exclude: tuple[np.ndarray, np.ndarray] | None = None) -> Ranking:
        """The ``top_k`` candidate offers of every need, computed block by block.

        Needs are grouped by prefecture (or 兵团 division), so each group is scored only
        against the offers that pass the region filter for one of its regions, in blocks of
        at most ``block_elements`` pairs; no all-pairs matrix is ever held.

        Parameters
        ----------
        needs : NeedTable
        top_k : int
        exclude : pair of int arrays (need ids, offer ids), optional
            Pairs never to return (a coordinator rejected them, or they are already matched).
        """
        prep = self._prepare(needs)
        w = {f: float(v) for f, v in zip(FACTORS, self.weights_, strict=True)}
        banned = exclusions(needs.ids, self.offers_.ids, exclude)
        live = np.flatnonzero(prep.uncommitted > 0)
        # Needs of one prefecture (or 兵团 division) share most candidate offers.
        group_of = self.region_group_[prep.region_row[live]]
        order = live[np.argsort(group_of, kind="stable")]
        bounds = np.flatnonzero(np.diff(np.sort(group_of, kind="stable"))) + 1
        picked: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
        for group in np.split(order, bounds):
            if group.size:
                picked.extend(self._rank_group(prep, group, w, top_k, banned))
        if not picked:
            empty = np.zeros(0, np.intp)
            return self._ranking(prep, empty, empty)
        rows = np.concatenate([p[0] for p in picked])
        cols = np.concatenate([p[1] for p in picked])
        text = None if w["text"] == 0 else np.concatenate([p[2] for p in picked])
        return self._ranking(prep, rows, cols, text)

    def _rank_group(self, prep: _Prepared, group: np.ndarray, w: dict, top_k: int,
                    banned: sparse.csr_matrix | None):
        """Top pairs of needs of one prefecture, chunk by chunk.

        Yields (need rows, offer columns, text similarities) of each chunk's best pairs.
        """
        regions, region_of = np.unique(prep.region_row[group], return_inverse=True)
        allowed = self.candidate_[regions]
        cols = np.flatnonzero(allowed.any(axis=0))
        if cols.size == 0:
            return
        sectors, sector_of = np.unique(prep.sector_row[group], return_inverse=True)
        sector_part = (w["sector"] * SECTOR_VALUES)[self.sector_levels_[np.ix_(sectors, cols)]]
        region_part = (w["region"] * REGION_VALUES)[self.region_levels_[np.ix_(regions, cols)]]
        region_part[~allowed[:, cols]] = -np.inf
        vectors = self.offer_vectors_[cols] if w["text"] > 0 else None
        budget = BudgetBlock(self.offers_.remaining_yuan[cols], w["budget"])
        gates = None
        if self.gated:
            gates = GateBlock(self.sector_levels_[np.ix_(sectors, cols)],
                              self.region_levels_[np.ix_(regions, cols)],
                              self.offers_.remaining_yuan[cols])
        pos = None
        if banned is not None:
            pos = np.full(len(self.offers_), -1, dtype=np.intp)
            pos[cols] = np.arange(cols.size)
        step = max(1, min(group.size, self.block_elements // cols.size))
        buffers = np.empty((4, step, cols.size), dtype=np.float32)
        for start in range(0, group.size, step):
            rows = group[start:start + step]
            block, text, scratch, scratch2 = (b[:rows.size] for b in buffers)
            if vectors is not None:
                np.matmul(prep.vectors[rows], vectors.T, out=text)
                np.maximum(text, 0.0, out=text)
                np.multiply(text, w["text"], out=block)
            else:
                block.fill(0.0)
            block += np.take(sector_part, sector_of[start:start + step], axis=0, out=scratch)
            block += np.take(region_part, region_of[start:start + step], axis=0, out=scratch)
            budget.add_to(block, prep.uncommitted[rows], scratch, scratch2)
            if gates is not None:
                gates.apply(block, sector_of[start:start + step], region_of[start:start + step],
                            prep.uncommitted[rows], scratch)
            if banned is not None:
                ban(block, banned[rows].tocoo(), pos)
            r, c = top_k_columns(block, top_k)
            values = text[r, c] if vectors is not None else None
            yield rows[r], cols[c], values

    def score_pairs(self, needs: NeedTable, need_index: np.ndarray, offer_index: np.ndarray,
                    text: np.ndarray | None = None, prepared: _Prepared | None = None) -> Ranking:
        """Factors and scores of chosen pairs (indices into ``needs`` and ``offers_``),
        filters aside; ``text`` passes their text similarities when already known, and
        ``prepared`` the needs already prepared."""
        prep = prepared if prepared is not None else self._prepare(needs)
        return self._ranking(prep, np.asarray(need_index, np.intp),
                             np.asarray(offer_index, np.intp), text)

    def _ranking(self, prep: _Prepared, need_index: np.ndarray, offer_index: np.ndarray,
                 text: np.ndarray | None = None) -> Ranking:
        """Exact factors and scores of the chosen pairs, sorted by need then score.

        ``text`` passes similarities already computed for these pairs."""
        sector_level = self.sector_levels_[prep.sector_row[need_index], offer_index]
        region_level = self.region_levels_[prep.region_row[need_index], offer_index]
        if text is None:
            text = np.einsum("ij,ij->i", prep.vectors[need_index],
                             self.offer_vectors_[offer_index])
        columns = {
            "sector": SECTOR_VALUES[sector_level],
            "budget": budget_factor(prep.uncommitted[need_index],
                                    self.offers_.remaining_yuan[offer_index]),
            "region": REGION_VALUES[region_level],
            "text": np.clip(text, 0.0, 1.0),
        }
        factors = np.column_stack([columns[f] for f in FACTORS]).astype(np.float32)
        score = np.clip(factors @ self.weights_.astype(np.float32), 0.0, 1.0)
        if self.gated:
            score = score * gate_matrix(sector_level, region_level,
                                        prep.uncommitted[need_index],
                                        self.offers_.remaining_yuan[offer_index])
        order = np.lexsort((-score, need_index))
        return Ranking(need_index[order], offer_index[order], score[order], factors[order],
                       sector_level[order], region_level[order], self.lexicon_,
                       self.offer_sector_codes_, prep.sector_codes)
