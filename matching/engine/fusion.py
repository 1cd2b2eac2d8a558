"""Combining lexical (BM25) and dense (cosine) evidence.

The two scores live on unrelated scales (BM25 is unbounded and depends on
query length; E5 cosines sit in a narrow band around 0.8), so each is first
standardised over the candidate pool of this query, then averaged.  Z-scores
keep the *size* of a lead, which reciprocal-rank fusion throws away, and need
no per-dataset constants.  Pools too small to estimate a spread (fewer than 3
live candidates) are only divided by their largest absolute value.
"""
from __future__ import annotations

import numpy as np

MIN_POOL_FOR_STATS = 3


def standardise(scores: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Z-score over the live candidates; dead ones get -inf later anyway."""
    out = np.zeros_like(scores, dtype=np.float64)
    values = scores[live].astype(np.float64)
    if len(values) < MIN_POOL_FOR_STATS:
        peak = np.abs(values).max() if len(values) else 0.0
        out[live] = values / peak if peak > 1e-12 else 0.0
        return out
    std = values.std()
    if std < 1e-12:
        return out
    out[live] = (values - values.mean()) / std
    return out


def fuse(
    lexical: np.ndarray,
    dense: np.ndarray | None,
    live: np.ndarray,
    dense_weight: float = 0.5,
) -> np.ndarray:
    """Weighted mean of standardised lexical and dense scores (dense optional)."""
    fused = standardise(lexical, live)
    if dense is not None and dense_weight > 0:
        fused = (1.0 - dense_weight) * fused + dense_weight * standardise(dense, live)
    fused[~live] = -np.inf
    return fused


def rrf(rank_lists: list[np.ndarray], live: np.ndarray, k: float = 60.0) -> np.ndarray:
    """Reciprocal-rank fusion (kept for comparison in the benchmark)."""
    fused = np.zeros(len(live), dtype=np.float64)
    for scores in rank_lists:
        masked = np.where(live, scores, -np.inf)
        ranks = np.empty(len(masked), dtype=np.int64)
        ranks[np.argsort(-masked, kind="stable")] = np.arange(1, len(masked) + 1)
        fused += 1.0 / (k + ranks)
    fused[~live] = -np.inf
    return fused
