"""Combining lexical (BM25) and dense (cosine) evidence.

The two scores live on unrelated scales (BM25 is unbounded and grows with
query length; E5 cosines sit in a narrow band around 0.8), so each is first
standardised over the candidate pool of this query (z-score), then averaged.
Z-scores keep the *size* of a lead, which reciprocal-rank fusion throws away,
and need no per-dataset constants.  Pools too small to estimate a spread
(fewer than 3 live candidates) are only divided by their largest magnitude.

All functions accept one query (1-D, one entry per candidate) or a batch of
queries (2-D, one row per query); ``live`` masks the candidates (last axis).
"""

from __future__ import annotations

import numpy as np

MIN_POOL_FOR_STATS = 3


def standardise(scores: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Z-score along the last axis over the live candidates (others: 0)."""
    out = np.zeros(scores.shape, dtype=np.float64)
    values = scores[..., live].astype(np.float64)
    if values.shape[-1] == 0:
        return out
    if values.shape[-1] < MIN_POOL_FOR_STATS:
        peak = np.abs(values).max(axis=-1, keepdims=True)
        out[..., live] = np.divide(values, peak, out=np.zeros_like(values), where=peak > 1e-12)
        return out
    mean = values.mean(axis=-1, keepdims=True)
    std = values.std(axis=-1, keepdims=True)
    out[..., live] = np.divide(values - mean, std, out=np.zeros_like(values), where=std > 1e-12)
    return out


def fuse(
    lexical: np.ndarray,
    dense: np.ndarray | None,
    live: np.ndarray,
    dense_weight: float = 0.5,
) -> np.ndarray:
    """Weighted mean of standardised lexical and dense scores; dead = -inf."""
    fused = standardise(lexical, live)
    if dense is not None and dense_weight > 0:
        fused = (1.0 - dense_weight) * fused + dense_weight * standardise(dense, live)
    fused[..., ~live] = -np.inf
    return fused


def rrf(rank_lists: list[np.ndarray], live: np.ndarray, k: float = 60.0) -> np.ndarray:
    """Reciprocal-rank fusion of 1-D score arrays (for comparison in the benchmark)."""
    fused = np.zeros(len(live), dtype=np.float64)
    for scores in rank_lists:
        masked = np.where(live, scores, -np.inf)
        ranks = np.empty(len(masked), dtype=np.int64)
        ranks[np.argsort(-masked, kind="stable")] = np.arange(1, len(masked) + 1)
        fused += 1.0 / (k + ranks)
    fused[~live] = -np.inf
    return fused
