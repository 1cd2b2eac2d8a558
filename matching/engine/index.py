"""Incrementally updatable hybrid (BM25 + dense) index over candidate profiles.

A candidate (researcher, enterprise, achievement...) is a *profile*: a list of
texts.  Each profile is stored as rows of a sparse term matrix:

* one **whole** row (all its texts together), and
* when it has several texts, one **text** row per text.

A profile's score is the mean of its whole-row score and its best text-row
score (for a one-text profile both are the same row): the whole row rewards
breadth of expertise, the best text rewards one paper/patent that fits the
challenge closely.  The same aggregation is applied to dense cosines (the
whole-profile vector is the normalised mean of the text vectors).

Storage is a log-structured pair of segments so updates never rebuild:

* the **main** segment: a CSC matrix (term-major, i.e. an inverted index) of
  BM25 saturation weights, built at the last compaction;
* the **delta** segment: rows added since, kept as a small CSR matrix.

Removal only marks rows dead (and decrements document frequencies);
:meth:`Index.compact` merges the delta, drops dead rows and re-normalises
lengths.  It runs automatically when the delta or the dead rows grow past a
fraction of the index.  Document frequencies are maintained on every change
and IDF is applied on the query side, so scores stay exact between
compactions except for the average-length term of BM25 (which drifts slowly).

Not thread-safe for writers: guard add/remove/compact with a lock (or do them
in one Celery worker) if searches run concurrently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Hashable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from . import embeddings as emb
from .bm25 import BM25Params, Vocabulary, idf, saturate, weigh_rows
from .fusion import fuse
from .tokenize import tokenize, tokenize_with_surface

WHOLE, TEXT = 0, 1
DENSE_WEIGHT = 0.5  # equal say for lexical and semantic evidence
FORMAT_VERSION = 1
DEFAULT_PARAMS = BM25Params()


def _grow(array: np.ndarray, size: int, fill=0) -> np.ndarray:
    """Return ``array`` with room for ``size`` entries along axis 0 (+25 % steps)."""
    if size <= len(array):
        return array
    capacity = max(size, len(array) + len(array) // 4, 64)
    grown = np.full((capacity,) + array.shape[1:], fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _with_room(array: np.ndarray) -> np.ndarray:
    """A loaded array plus spare capacity, so the first add after a load does
    not copy the whole (100k x 384) vector block."""
    return _grow(array, len(array) + 1)


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-12 else np.zeros_like(vector)


class Index:
    """Hybrid search index: ``{candidate_id: [text, ...]}`` -> ranked candidates.

    Candidate ids must be JSON-serialisable (int or str) for :meth:`save`.
    """

    def __init__(
        self,
        *,
        params: BM25Params = DEFAULT_PARAMS,
        dense_weight: float = DENSE_WEIGHT,
        embed: bool = True,
        embedding_cache: emb.EmbeddingCache | None = None,
        compact_fraction: float = 0.2,
        profile_mix: float = 0.5,
    ):
        """``embed``: compute missing passage/query embeddings with the model
        (through the cache).  With ``embed=False`` only embeddings passed in
        are used, and the request path never touches the model."""
        self.params = params
        self.dense_weight = dense_weight
        self.embed = embed
        self.cache = embedding_cache
        self.compact_fraction = compact_fraction
        self.profile_mix = profile_mix  # weight of the best text vs the whole profile
        self.vocab = Vocabulary()
        self._df = np.zeros(0, dtype=np.float64)  # per live candidate
        # candidates ("slots")
        self._slot_ids: list[Hashable] = []
        self._slot_of: dict[Hashable, int] = {}
        self._slot_alive = np.zeros(0, dtype=bool)
        self._slot_whole_row = np.zeros(0, dtype=np.int64)
        self._n_live = 0
        # rows (main rows first, then delta rows)
        self._n_rows = 0
        self._row_owner = np.zeros(0, dtype=np.int64)
        self._row_kind = np.zeros(0, dtype=np.int8)
        self._row_alive = np.zeros(0, dtype=bool)
        self._row_len = np.zeros(0, dtype=np.float64)
        self._vectors = np.zeros((0, emb.DIM), dtype=np.float32)
        self._n_dense = 0  # rows with a non-zero embedding
        # live length statistics, per row kind, for BM25's avgdl
        self._len_sum = np.zeros(2)
        self._len_count = np.zeros(2)
        # main segment
        self._n_main = 0
        self._main_tf = sp.csr_matrix((0, 0), dtype=np.float32)
        self._main_w = sp.csc_matrix((0, 0), dtype=np.float32)
        # delta segment
        self._delta_ids: list[np.ndarray] = []
        self._delta_tf: list[np.ndarray] = []
        self._delta_w: list[np.ndarray] = []
        self._delta_matrix: sp.csr_matrix | None = None
        self._n_dead_rows = 0
        self.compactions = 0  # observable: tests check adds do not rebuild
        self._layout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._saved_main: tuple[str, int] | None = None

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        profiles: Mapping[Hashable, Sequence[str]],
        vectors: Mapping[Hashable, np.ndarray] | None = None,
        **options,
    ) -> "Index":
        """Index many profiles at once (embeddings computed in one batch)."""
        index = cls(**options)
        vectors = dict(vectors or {})
        if index.embed:
            missing = [cid for cid in profiles if cid not in vectors]
            texts = [t for cid in missing for t in profiles[cid]]
            computed = index._passage_vectors(texts)
            start = 0
            for cid in missing:
                vectors[cid] = computed[start : start + len(profiles[cid])]
                start += len(profiles[cid])
        for cid, texts in profiles.items():
            index._add(cid, texts, vectors.get(cid), allow_compact=False)
        index.compact()
        return index

    def __len__(self) -> int:
        return self._n_live

    def __contains__(self, candidate_id: Hashable) -> bool:
        slot = self._slot_of.get(candidate_id)
        return slot is not None and bool(self._slot_alive[slot])

    def dense_coverage(self) -> float:
        """Share of live candidates that have an embedding (1.0 for an empty index).

        Candidates without a vector score 0 on the dense side, far below real
        cosines, so callers should use the dense part only at full coverage."""
        if self._n_live == 0:
            return 1.0
        slots = np.flatnonzero(self._slot_alive[: len(self._slot_ids)])
        whole = self._slot_whole_row[slots]
        return float(self._vectors[whole].any(axis=1).sum()) / self._n_live

    @property
    def candidate_ids(self) -> list[Hashable]:
        """Ids by slot, aligned with :meth:`score_candidates` (dead slots included)."""
        return list(self._slot_ids)

    # ---------------------------------------------------------------- updates
    def add(
        self, candidate_id: Hashable, texts: Sequence[str], vectors: np.ndarray | None = None
    ) -> None:
        """Add or replace a profile.  ``vectors``: optional precomputed passage
        embeddings, one row per text (e.g. from the Celery task)."""
        self._add(candidate_id, texts, vectors, allow_compact=True)

    update = add

    def remove(self, candidate_id: Hashable) -> None:
        """Forget a profile (no-op if absent).  Rows are tombstoned until compaction."""
        slot = self._slot_of.get(candidate_id)
        if slot is None or not self._slot_alive[slot]:
            return
        rows = self._rows_of(slot)
        whole = int(self._slot_whole_row[slot])
        self._df[self._row_terms(whole)[0]] -= 1
        for row in rows:
            kind = self._row_kind[row]
            self._len_sum[kind] -= self._row_len[row]
            self._len_count[kind] -= 1
            if self._vectors[row].any():
                self._n_dense -= 1
        self._row_alive[rows] = False
        self._slot_alive[slot] = False
        self._layout = None
        self._n_live -= 1
        self._n_dead_rows += len(rows)
        if self._n_dead_rows > self.compact_fraction * max(self._n_rows, 1000):
            self.compact()

    def _add(self, candidate_id, texts, vectors, allow_compact: bool) -> None:
        if candidate_id in self:
            self.remove(candidate_id)
        texts = list(texts or [])
        if vectors is None:
            vectors = self._passage_vectors(texts) if self.embed else None
        if vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), emb.DIM)
        kept = [i for i, t in enumerate(texts) if t and not t.isspace()]
        counted = [self.vocab.count(tokenize(texts[i]), grow=True) for i in kept]
        self._df = _grow(self._df, len(self.vocab))

        rows: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []  # kind, ids, tf, vector
        text_vectors = [
            vectors[i] if vectors is not None else np.zeros(emb.DIM, np.float32) for i in kept
        ]
        if len(kept) > 1:
            for (ids, tf), vector in zip(counted, text_vectors, strict=True):
                rows.append((TEXT, ids, tf, vector))
            all_ids = np.concatenate([ids for ids, _ in counted])
            all_tf = np.concatenate([tf for _, tf in counted])
            whole_ids, inverse = np.unique(all_ids, return_inverse=True)
            whole_tf = np.bincount(inverse, weights=all_tf).astype(np.float32)
            whole_vector = _unit(np.mean(text_vectors, axis=0)).astype(np.float32)
        elif kept:
            (whole_ids, whole_tf), whole_vector = counted[0], text_vectors[0]
        else:
            whole_ids, whole_tf = np.zeros(0, np.int32), np.zeros(0, np.float32)
            whole_vector = np.zeros(emb.DIM, np.float32)
        rows.insert(0, (WHOLE, whole_ids, whole_tf, whole_vector))

        slot = len(self._slot_ids)
        self._slot_ids.append(candidate_id)
        self._slot_of[candidate_id] = slot
        self._slot_alive = _grow(self._slot_alive, slot + 1)
        self._slot_whole_row = _grow(self._slot_whole_row, slot + 1)
        self._slot_alive[slot] = True
        self._slot_whole_row[slot] = self._n_rows
        self._n_live += 1
        self._df[whole_ids] += 1

        for kind, _, tf, _ in rows:
            self._len_sum[kind] += float(tf.sum())
            self._len_count[kind] += 1
        for kind, ids, tf, vector in rows:
            self._append_row(slot, kind, ids, tf, vector)
        self._delta_matrix = None
        self._layout = None
        if allow_compact and len(self._delta_ids) > self.compact_fraction * max(self._n_main, 5000):
            self.compact()

    def _append_row(self, slot: int, kind: int, ids, tf, vector) -> None:
        row = self._n_rows
        size = row + 1
        self._row_owner = _grow(self._row_owner, size)
        self._row_kind = _grow(self._row_kind, size)
        self._row_alive = _grow(self._row_alive, size)
        self._row_len = _grow(self._row_len, size)
        self._vectors = _grow(self._vectors, size)
        self._row_owner[row], self._row_kind[row] = slot, kind
        self._row_alive[row], self._row_len[row] = True, float(tf.sum())
        self._vectors[row] = vector
        if vector.any():
            self._n_dense += 1
        lengths = np.full(len(tf), self._row_len[row])
        self._delta_ids.append(ids)
        self._delta_tf.append(tf)
        self._delta_w.append(saturate(tf, lengths, self._avgdl(kind), self.params))
        self._n_rows = size

    def _avgdl(self, kind: int) -> float:
        count = self._len_count[kind]
        return float(self._len_sum[kind] / count) if count else 1.0

    def _cache(self) -> emb.EmbeddingCache:
        return emb.default_cache() if self.cache is None else self.cache

    def _passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        cache = self._cache()
        return cache.get(list(texts), "passage")

    def _rows_of(self, slot: int) -> np.ndarray:
        start = int(self._slot_whole_row[slot])
        end = start + 1
        while end < self._n_rows and self._row_owner[end] == slot and self._row_kind[end] == TEXT:
            end += 1
        return np.arange(start, end)

    def _row_terms(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, raw counts) of one stored row."""
        if row < self._n_main:
            lo, hi = self._main_tf.indptr[row], self._main_tf.indptr[row + 1]
            return self._main_tf.indices[lo:hi], self._main_tf.data[lo:hi]
        return self._delta_ids[row - self._n_main], self._delta_tf[row - self._n_main]

    # ------------------------------------------------------------- compaction
    def compact(self) -> None:
        """Merge the delta into the main segment, drop dead rows and slots,
        and recompute length normalisation.  O(size of the index)."""
        n_vocab = len(self.vocab)
        delta_tf = self._delta_rows(self._delta_tf, n_vocab)
        main_tf = self._main_tf
        main_tf = sp.csr_matrix(
            (main_tf.data, main_tf.indices, main_tf.indptr), shape=(self._n_main, n_vocab)
        )
        all_tf = sp.vstack([main_tf, delta_tf], format="csr")
        live_rows = np.flatnonzero(self._row_alive[: self._n_rows])
        live_slots = np.flatnonzero(self._slot_alive[: len(self._slot_ids)])
        new_slot = np.full(len(self._slot_ids), -1, dtype=np.int64)
        new_slot[live_slots] = np.arange(len(live_slots))

        tf = all_tf[live_rows]
        kinds = self._row_kind[live_rows]
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        avgdl = np.ones(2)
        for kind in (WHOLE, TEXT):
            if (kinds == kind).any():
                avgdl[kind] = max(lengths[kinds == kind].mean(), 1e-9)
        self._main_w = weigh_rows(tf, avgdl[kinds], self.params).tocsc()
        self._main_tf = tf
        self._n_main = self._n_rows = len(live_rows)

        self._row_owner = new_slot[self._row_owner[live_rows]]
        self._row_kind = kinds.copy()
        self._row_alive = np.ones(len(live_rows), dtype=bool)
        self._row_len = lengths.astype(np.float64)
        self._vectors = self._vectors[live_rows].copy()
        self._n_dense = int(self._vectors.any(axis=1).sum())
        self._slot_ids = [self._slot_ids[s] for s in live_slots]
        self._slot_of = {cid: i for i, cid in enumerate(self._slot_ids)}
        self._slot_alive = np.ones(len(live_slots), dtype=bool)
        whole_rows = np.flatnonzero(kinds == WHOLE)
        self._slot_whole_row = np.empty(len(live_slots), dtype=np.int64)
        self._slot_whole_row[self._row_owner[whole_rows]] = whole_rows
        self._n_live = len(live_slots)
        # exact recount (guards against any drift of the incremental counts)
        self._df = np.bincount(tf[whole_rows].indices, minlength=n_vocab).astype(np.float64)
        for kind in (WHOLE, TEXT):
            self._len_sum[kind] = lengths[kinds == kind].sum()
            self._len_count[kind] = (kinds == kind).sum()
        self._delta_ids, self._delta_tf, self._delta_w = [], [], []
        self._delta_matrix = None
        self._layout = None
        self._n_dead_rows = 0
        self.compactions += 1

    def _delta_rows(self, values: list[np.ndarray], n_vocab: int) -> sp.csr_matrix:
        indptr = np.zeros(len(values) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(v) for v in values])
        if values:
            indices = np.concatenate(self._delta_ids).astype(np.int32)
            data = np.concatenate(values).astype(np.float32)
        else:
            indices, data = np.zeros(0, np.int32), np.zeros(0, np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(values), n_vocab))

    # ---------------------------------------------------------------- scoring
    def query_terms(self, query_text: str) -> tuple[np.ndarray, np.ndarray]:
        """Known query term ids and their weights (query count x IDF)."""
        ids, counts = self.vocab.count(tokenize(query_text), grow=False)
        return ids, counts * idf(self._df[ids], self._n_live)

    def _query_matrix(self, query_texts: Sequence[str]) -> sp.csr_matrix:
        """One row of (query count x IDF) weights per query."""
        indptr, indices, data = [0], [], []
        for text in query_texts:
            ids, weights = self.query_terms(text)
            indices.append(ids)
            data.append(weights)
            indptr.append(indptr[-1] + len(ids))
        return sp.csr_matrix(
            (_concat(data, np.float64), _concat(indices, np.int32), np.asarray(indptr)),
            shape=(len(query_texts), len(self.vocab)),
        )

    def _row_lexical(self, queries: sp.csr_matrix) -> np.ndarray:
        """BM25 of every stored row against every query: (n_rows, n_queries).

        Only the posting lists (CSC columns) of terms that occur in the
        queries are touched.  One query: sparse matrix x dense vector.  A batch:
        sparse x sparse, whose cost follows the postings each query term hits
        rather than rows x queries.
        """
        scores = np.zeros((self._n_rows, queries.shape[0]), dtype=np.float64)
        if queries.nnz == 0:
            return scores
        terms = np.unique(queries.indices)
        query_block = queries[:, terms].T.tocsr()  # (n_terms, n_queries)

        def product(postings: sp.spmatrix, block: sp.csr_matrix) -> np.ndarray:
            if block.shape[1] == 1:
                return postings @ block.toarray()
            return (postings.tocsr() @ block).toarray()

        if self._n_main:
            known = terms < self._main_w.shape[1]
            if known.any():
                scores[: self._n_main] = product(self._main_w[:, terms[known]], query_block[known])
        if self._delta_w:
            if self._delta_matrix is None:
                self._delta_matrix = self._delta_rows(self._delta_w, len(self.vocab))
            scores[self._n_main :] = product(self._delta_matrix[:, terms], query_block)
        return scores

    def _text_layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Profiles with several texts, most texts first: (slots, first text
        row, number of texts).  Cached until the next change."""
        if self._layout is None:
            n = self._n_rows
            text_rows = np.flatnonzero((self._row_kind[:n] == TEXT) & self._row_alive[:n])
            slots, counts = np.unique(self._row_owner[text_rows], return_counts=True)
            order = np.argsort(-counts, kind="stable")
            slots, counts = slots[order], counts[order]
            self._layout = (slots, self._slot_whole_row[slots] + 1, counts)
        return self._layout

    def _aggregate(self, row_scores: np.ndarray) -> np.ndarray:
        """Rows -> candidates (first axis): mix of the whole-profile score and
        the best single-text score.  A profile's text rows follow its whole
        row, so the j-th texts of all profiles are one gather: the max over
        texts takes (most texts per profile) vectorised steps."""
        whole = row_scores[self._slot_whole_row[: len(self._slot_ids)]]
        slots, first_rows, counts = self._text_layout()
        if self.profile_mix == 0.0 or len(slots) == 0:
            return whole
        best_text = row_scores[first_rows]
        for j in range(1, int(counts[0])):
            n_with = int(np.searchsorted(-counts, -j, side="left"))  # profiles with > j texts
            np.maximum(
                best_text[:n_with], row_scores[first_rows[:n_with] + j], out=best_text[:n_with]
            )
        mixed = whole.copy()
        mixed[slots] = (1.0 - self.profile_mix) * whole[slots] + self.profile_mix * best_text
        return mixed

    def _dense_ready(self) -> bool:
        return self._n_dense > 0 and self.dense_weight > 0

    def score_components(
        self, query_text: str, query_embedding: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """(lexical, dense or None, live mask), one entry per slot."""
        live = self._slot_alive[: len(self._slot_ids)].copy()
        lexical = self._aggregate(self._row_lexical(self._query_matrix([query_text])))[:, 0]
        dense = None
        if self._dense_ready():
            if query_embedding is None and self.embed and query_text and not query_text.isspace():
                query_embedding = self._cache().get([query_text], "query")[0]
            if query_embedding is not None and np.any(query_embedding):
                query_vector = np.asarray(query_embedding, dtype=np.float32).ravel()
                dense = self._aggregate(self._vectors[: self._n_rows] @ query_vector)
        return lexical, dense, live

    def score_candidates(
        self, query_text: str, query_embedding: np.ndarray | None = None
    ) -> np.ndarray:
        """Fused score per slot (aligned with :attr:`candidate_ids`; dead = -inf)."""
        lexical, dense, live = self.score_components(query_text, query_embedding)
        return fuse(lexical, dense, live, self.dense_weight)

    def search(
        self, query_text: str, k: int = 10, query_embedding: np.ndarray | None = None
    ) -> list[tuple[Hashable, float]]:
        """Top ``k`` candidates as ``(candidate_id, score)``, best first.

        Pass the challenge's precomputed ``query_embedding`` (from
        :func:`matching.engine.embed_query`) to keep the model off the request path.
        """
        if self._n_live == 0 or k <= 0:
            return []
        return self._top_k(self.score_candidates(query_text, query_embedding)[None, :], k)[0]

    def search_many(
        self,
        query_texts: Sequence[str],
        k: int = 10,
        query_embeddings: np.ndarray | None = None,
        chunk_size: int = 500,
    ) -> list[list[tuple[Hashable, float]]]:
        """:meth:`search` for many queries at once, as sparse matrix products in
        chunks (e.g. every new achievement against all enterprise profiles).
        Without ``query_embeddings`` the dense part is skipped unless ``embed``."""
        results: list[list[tuple[Hashable, float]]] = []
        if query_embeddings is None and self.embed and self._dense_ready():
            query_embeddings = self._cache().get(list(query_texts), "query")
        live = self._slot_alive[: len(self._slot_ids)].copy()
        for start in range(0, len(query_texts), chunk_size):
            texts = query_texts[start : start + chunk_size]
            if self._n_live == 0 or k <= 0:
                results.extend([] for _ in texts)
                continue
            # scores are computed rows x queries (aggregation runs down columns)
            lexical = self._aggregate(self._row_lexical(self._query_matrix(texts))).T
            dense = None
            if query_embeddings is not None and self._dense_ready():
                chunk = np.asarray(query_embeddings[start : start + chunk_size], dtype=np.float32)
                dense = self._aggregate(self._vectors[: self._n_rows] @ chunk.T).T
            results.extend(self._top_k(fuse(lexical, dense, live, self.dense_weight), k))
        return results

    def _top_k(self, scores: np.ndarray, k: int) -> list[list[tuple[Hashable, float]]]:
        k = min(k, self._n_live)
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        out = []
        for row, candidates in zip(scores, top, strict=True):
            candidates = candidates[np.argsort(-row[candidates], kind="stable")]
            out.append([(self._slot_ids[i], float(row[i])) for i in candidates])
        return out

    # ---------------------------------------------------------------- explain
    def explain(
        self,
        query_text: str,
        candidate_id: Hashable,
        top_n: int = 10,
        query_embedding: np.ndarray | None = None,
    ) -> dict:
        """Why ``candidate_id`` matches: the shared key terms, by BM25 contribution.

        Returns ``{"candidate_id", "lexical", "dense", "shared_terms": [{"term",
        "token", "weight"}]}`` where ``term`` is the word as written in the query.
        """
        return self.explainer(query_text, top_n, query_embedding)(candidate_id)

    def explainer(
        self,
        query_text: str,
        top_n: int = 10,
        query_embedding: np.ndarray | None = None,
    ) -> Callable[[Hashable], dict]:
        """:meth:`explain` for several candidates of one query: the query is
        tokenised once (it is the costly part)."""
        surface: dict[str, str] = {}
        for token, word in tokenize_with_surface(query_text):
            surface.setdefault(token, word)
        q_ids, q_weights = self.query_terms(query_text)
        query_vector = (
            None if query_embedding is None
            else np.asarray(query_embedding, dtype=np.float32).ravel()
        )

        def explain(candidate_id: Hashable) -> dict:
            if candidate_id not in self:
                raise KeyError(candidate_id)
            whole = int(self._slot_whole_row[self._slot_of[candidate_id]])
            row_ids, row_tf = self._row_terms(whole)
            shared, q_pos, r_pos = np.intersect1d(q_ids, row_ids, return_indices=True)
            lengths = np.full(len(shared), self._row_len[whole])
            contribution = q_weights[q_pos] * saturate(
                row_tf[r_pos], lengths, self._avgdl(WHOLE), self.params
            )
            order = np.argsort(-contribution)[:top_n]
            terms = []
            for i in order:
                token = self.vocab.terms[shared[i]]
                terms.append(
                    {
                        "term": surface.get(token, token),
                        "token": token,
                        "weight": round(float(contribution[i]), 4),
                    }
                )
            dense = None
            if query_vector is not None and self._vectors[whole].any():
                dense = float(self._vectors[whole] @ query_vector)
            return {
                "candidate_id": candidate_id,
                "lexical": round(float(contribution.sum()), 4),
                "dense": dense,
                "shared_terms": terms,
            }

        return explain

    # ------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> None:
        """Persist to directory ``path``.  The big main segment is rewritten only
        when it changed (after a compaction); otherwise only the small delta
        and the bookkeeping are written, so saving after an add is cheap."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        main_file = path / "main.npz"
        stamp = self.compactions  # the main segment changes only on compaction
        if self._saved_main != (str(path.resolve()), stamp) or not main_file.exists():
            tmp = path / "main.tmp.npz"
            np.savez(
                tmp,
                tf_data=self._main_tf.data,
                tf_indices=self._main_tf.indices,
                tf_indptr=self._main_tf.indptr,
                w_data=self._main_w.data,
                w_indices=self._main_w.indices,
                w_indptr=self._main_w.indptr,
                shape=np.array(self._main_tf.shape),
                vectors=self._vectors[: self._n_main],
            )
            os.replace(tmp, main_file)
            self._saved_main = (str(path.resolve()), stamp)
        n = self._n_rows
        delta_lengths = np.array([len(v) for v in self._delta_ids], dtype=np.int64)
        tmp = path / "state.tmp.npz"
        np.savez(
            tmp,
            df=self._df[: len(self.vocab)],
            slot_alive=self._slot_alive[: len(self._slot_ids)],
            slot_whole_row=self._slot_whole_row[: len(self._slot_ids)],
            row_owner=self._row_owner[:n],
            row_kind=self._row_kind[:n],
            row_alive=self._row_alive[:n],
            row_len=self._row_len[:n],
            len_sum=self._len_sum,
            len_count=self._len_count,
            delta_lengths=delta_lengths,
            delta_ids=_concat(self._delta_ids, np.int32),
            delta_tf=_concat(self._delta_tf, np.float32),
            delta_w=_concat(self._delta_w, np.float32),
            delta_vectors=self._vectors[self._n_main : n],
        )
        meta = {
            "format": FORMAT_VERSION,
            "main_stamp": int(stamp),
            "n_main": int(self._n_main),
            "n_dead_rows": int(self._n_dead_rows),
            "compactions": int(self.compactions),
            "params": {"k1": self.params.k1, "b": self.params.b},
            "dense_weight": self.dense_weight,
            "profile_mix": self.profile_mix,
            "terms": self.vocab.terms,
            "candidate_ids": self._slot_ids,
        }
        (path / "meta.tmp.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path / "state.npz")
        os.replace(path / "meta.tmp.json", path / "meta.json")

    @classmethod
    def load(cls, path: str | os.PathLike, **options) -> "Index":
        """Load an index saved with :meth:`save` (``options`` as for the constructor)."""
        path = Path(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta["format"] != FORMAT_VERSION:
            raise ValueError(f"unsupported index format {meta['format']}")
        options.setdefault("params", BM25Params(**meta["params"]))
        options.setdefault("dense_weight", meta["dense_weight"])
        options.setdefault("profile_mix", meta["profile_mix"])
        index = cls(**options)
        index.vocab = Vocabulary(meta["terms"])
        index._slot_ids = list(meta["candidate_ids"])
        with np.load(path / "main.npz") as main, np.load(path / "state.npz") as state:
            shape = tuple(main["shape"])
            index._main_tf = sp.csr_matrix(
                (main["tf_data"], main["tf_indices"], main["tf_indptr"]), shape=shape
            )
            index._main_w = sp.csc_matrix(
                (main["w_data"], main["w_indices"], main["w_indptr"]), shape=shape
            )
            index._n_main = shape[0]
            index._df = state["df"].astype(np.float64)
            index._slot_alive = _with_room(state["slot_alive"])
            index._slot_whole_row = _with_room(state["slot_whole_row"])
            state_rows = state["row_owner"]
            index._row_owner = _with_room(state_rows)
            index._row_kind = _with_room(state["row_kind"])
            index._row_alive = _with_room(state["row_alive"])
            index._row_len = _with_room(state["row_len"])
            index._len_sum, index._len_count = state["len_sum"].copy(), state["len_count"].copy()
            index._vectors = _with_room(
                np.concatenate([main["vectors"], state["delta_vectors"]]).astype(np.float32)
            )
            bounds = np.concatenate([[0], np.cumsum(state["delta_lengths"])])
            for name, target in (
                ("delta_ids", index._delta_ids),
                ("delta_tf", index._delta_tf),
                ("delta_w", index._delta_w),
            ):
                values = state[name]
                target.extend(values[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1))
        index._n_rows = len(state_rows)
        index._n_live = int(index._slot_alive[: len(index._slot_ids)].sum())
        index._n_dense = int(index._vectors[: index._n_rows].any(axis=1).sum())
        index._n_dead_rows = meta["n_dead_rows"]
        index.compactions = meta["compactions"]
        index._slot_of = {cid: i for i, cid in enumerate(index._slot_ids) if index._slot_alive[i]}
        index._saved_main = (str(path.resolve()), meta["main_stamp"])
        return index
