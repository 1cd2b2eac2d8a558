"""BM25 pieces that work on whole sparse matrices at once (no per-pair loops).

The index stores *term-frequency saturation* weights per (document, term)
cell and applies IDF to the query vector at search time, so document
frequencies can change with every add/remove without touching stored rows:

    score(q, d) = sum_t  idf(t) * qtf(t) * tf(t,d)*(k1+1) / (tf(t,d) + k1*(1-b+b*|d|/avgdl))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class BM25Params:
    # Robertson/Lucene defaults; not tuned to any evaluation file.
    k1: float = 1.2
    b: float = 0.75


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Lucene's BM25 IDF: always positive, so tiny pools still rank sensibly."""
    df = df.astype(np.float64)
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def saturate(
    tf: np.ndarray, doc_len: np.ndarray, avgdl: "float | np.ndarray", params: BM25Params
) -> np.ndarray:
    """Per-cell BM25 term weight from raw counts ``tf`` and each cell's doc length."""
    avgdl = np.maximum(avgdl, 1e-9)
    norm = params.k1 * (1.0 - params.b + params.b * doc_len / avgdl)
    return (tf * (params.k1 + 1.0) / (tf + norm)).astype(np.float32)


def weigh_rows(tf_rows: sp.csr_matrix, row_avgdl: np.ndarray, params: BM25Params) -> sp.csr_matrix:
    """Saturation weights for every stored cell of a CSR count matrix.

    ``row_avgdl`` gives the average length each row is normalised against
    (rows of different kinds, e.g. single texts vs whole profiles, differ).
    """
    lengths = np.asarray(tf_rows.sum(axis=1)).ravel()
    per_cell_row = np.repeat(np.arange(tf_rows.shape[0]), np.diff(tf_rows.indptr))
    data = saturate(tf_rows.data, lengths[per_cell_row], row_avgdl[per_cell_row], params)
    return sp.csr_matrix((data, tf_rows.indices, tf_rows.indptr), shape=tf_rows.shape)


class Vocabulary:
    """Growing term <-> column id map."""

    def __init__(self, terms: Iterable[str] = ()):
        self.terms: list[str] = []
        self.ids: dict[str, int] = {}
        for term in terms:
            self.add(term)

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, term: str) -> int:
        term_id = self.ids.get(term)
        if term_id is None:
            term_id = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return term_id

    def count(self, tokens: Iterable[str], grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, counts) of ``tokens``; unknown terms are added or skipped."""
        counts = Counter(tokens)
        ids, values = [], []
        for term, n in counts.items():
            term_id = self.add(term) if grow else self.ids.get(term)
            if term_id is not None:
                ids.append(term_id)
                values.append(n)
        order = np.argsort(ids)
        return (np.asarray(ids, dtype=np.int32)[order], np.asarray(values, dtype=np.float32)[order])
