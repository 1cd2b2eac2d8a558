"""Match quality on CSL-style data: our engine vs the README's BM25 baseline.

    python bench/match_quality.py [--data PATH]

Tasks (see shared/eval/README.md):
  T1 known item: title -> its abstract among all abstracts (MRR@10, R@1, R@10)
  T2 related work: abstract -> other papers (title+abstract), gain 2^shared_keywords - 1,
     nDCG@10 over queries with >= 1 relevant paper
  T3 field tagging: leave-one-out discipline accuracy@1 from the other papers

"ours" goes through ``Index.score_components`` + ``fusion.fuse``, i.e. exactly
what ``matching.engine.score`` and ``Index.search`` run.  Embeddings are cached
in bench/out/embeddings.npz (a cold run computes them: ~8 minutes on 2 cores).
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matching.engine import EmbeddingCache, Index  # noqa: E402
from matching.engine.fusion import fuse, rrf  # noqa: E402

DATA_NAME = Path("shared") / "eval" / "csl-dev.jsonl"
K = 10


def default_data_path() -> Path:
    """../shared/eval/csl-dev.jsonl from the repo root, also from a git worktree
    (which sits deeper): look in every ancestor of the repo for shared/eval."""
    if os.environ.get("MATCHING_EVAL_DATA"):
        return Path(os.environ["MATCHING_EVAL_DATA"])
    for parent in [REPO, *REPO.parents]:
        candidate = parent / DATA_NAME
        if candidate.exists():
            return candidate
    return REPO.parent / DATA_NAME


def load_papers(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# ------------------------------------------------------------------ metrics
def rank_of(scores: np.ndarray, target: int) -> int:
    """1-based rank of ``target``; ties broken by position (stable order)."""
    own = scores[target]
    return int((scores > own).sum() + (scores[:target] == own).sum() + 1)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    return order[:k]


def t1_metrics(score_rows) -> dict:
    ranks = np.array([rank_of(scores, i) for i, scores in enumerate(score_rows)])
    return {
        "T1_mrr10": float(np.mean(np.where(ranks <= K, 1.0 / ranks, 0.0))),
        "T1_r1": float(np.mean(ranks == 1)),
        "T1_r10": float(np.mean(ranks <= K)),
    }


def keyword_relevance(papers: list[dict]) -> np.ndarray:
    """rel[q, d] = number of author keywords shared by papers q and d (0 on the
    diagonal).  Keywords are compared case-insensitively (this gives the README's
    471 T2 queries; exact case gives 468)."""
    sets = [{k.strip().lower() for k in p["keywords"]} for p in papers]
    rel = np.array([[len(a & b) for b in sets] for a in sets], dtype=np.float64)
    np.fill_diagonal(rel, 0)
    return rel


def t2_ndcg(score_rows, rel: np.ndarray) -> tuple[float, int]:
    discounts = 1.0 / np.log2(np.arange(2, K + 2))
    values = []
    for q, scores in enumerate(score_rows):
        if rel[q].max() <= 0:
            continue
        scores = scores.astype(np.float64).copy()
        scores[q] = -np.inf  # pool = all *other* papers
        gains = 2.0 ** rel[q] - 1.0
        dcg = (gains[top_k(scores, K)] * discounts).sum()
        ideal = (np.sort(gains)[::-1][:K] * discounts).sum()
        values.append(dcg / ideal)
    return float(np.mean(values)), len(values)


def t3_accuracy(score_rows, labels: list[str], vote) -> float:
    hits = 0
    for q, scores in enumerate(score_rows):
        scores = scores.astype(np.float64).copy()
        scores[q] = -np.inf  # leave one out
        neighbours = top_k(scores, K)
        tally: dict[str, float] = defaultdict(float)
        for n, weight in zip(neighbours, vote(scores[neighbours]), strict=True):
            tally[labels[n]] += weight
        hits += max(tally, key=tally.get) == labels[q]
    return hits / len(score_rows)


def linear_vote(scores: np.ndarray) -> np.ndarray:
    """Baseline: each neighbour votes with its raw score."""
    return scores


def positive_vote(scores: np.ndarray) -> np.ndarray:
    """Ours: fused scores are z-scores (similarity above the pool average, in
    units of its spread), so a neighbour votes with how far it stands out;
    neighbours no closer than an average paper get no vote."""
    return np.maximum(scores, 0.0)


def softmax_vote(scores: np.ndarray) -> np.ndarray:
    """exp(z): lets the nearest neighbour dominate (compared in the ablations)."""
    return np.exp(scores - scores.max())


# ----------------------------------------------------------------- baseline
def baseline_tokens(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text.lower()) if w.strip() and any(c.isalnum() for c in w)]


def baseline_rows(queries: list[str], docs: list[str]) -> list[np.ndarray]:
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([baseline_tokens(d) for d in docs])
    return [bm25.get_scores(baseline_tokens(q)) for q in queries]


# --------------------------------------------------------------------- ours
def ours_components(index: Index, queries: list[str], query_vectors: np.ndarray):
    """Per query: (lexical, dense, live) exactly as the engine computes them."""
    return [index.score_components(q, v) for q, v in zip(queries, query_vectors, strict=True)]


def fused(components, dense_weight: float) -> list[np.ndarray]:
    return [fuse(lex, dense, live, dense_weight) for lex, dense, live in components]


def profile_task(papers: list[dict], cache: EmbeddingCache, group_size: int = 8) -> dict:
    """How to aggregate multi-text profiles.  Pseudo-researchers hold
    ``group_size`` papers of one discipline (so profiles are topically close);
    a query is one paper's title, or its author keywords joined (an
    expertise-style query); the relevant candidate is the profile holding that
    paper.  MRR@10 for: the whole profile as one document, the best single
    text, and their mean (the engine's default), lexical-only and hybrid."""
    by_discipline: dict[str, list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        by_discipline[paper["discipline"]].append(i)
    groups = []
    for members in by_discipline.values():
        groups += [members[s : s + group_size] for s in range(0, len(members), group_size)]
    owner = {i: g for g, members in enumerate(groups) for i in members}
    abstracts = [p["abstract"] for p in papers]
    vectors = cache.get(abstracts, "passage")
    queries = {
        "title": ([p["title"] for p in papers], None),
        "keywords": ([" ".join(p["keywords"]) for p in papers], None),
    }
    queries = {name: (texts, cache.get(texts, "query")) for name, (texts, _) in queries.items()}
    results = {}
    for name, mix in (("whole", 0.0), ("mean", 0.5), ("best_text", 1.0)):
        index = Index.build(
            {g: [abstracts[i] for i in members] for g, members in enumerate(groups)},
            vectors={g: vectors[members] for g, members in enumerate(groups)},
            embed=False,
            profile_mix=mix,
        )
        slot = {cid: s for s, cid in enumerate(index.candidate_ids)}
        for query_name, (texts, query_vectors) in queries.items():
            comps = ours_components(index, texts, query_vectors)
            for label, dw in (("lex", 0.0), ("hybrid", index.dense_weight)):
                rr = []
                for i, scores in enumerate(fused(comps, dw)):
                    rank = rank_of(scores, slot[owner[i]])
                    rr.append(1.0 / rank if rank <= K else 0.0)
                results[f"{query_name}/{name}/{label}"] = round(float(np.mean(rr)), 4)
    return results, len(groups)


# --------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="JSONL in the csl-dev format")
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / "out" / "embeddings.npz")
    args = parser.parse_args()
    path = args.data or default_data_path()
    papers = load_papers(path)
    print(f"data: {path} ({len(papers)} papers)")
    started = time.time()

    titles = [p["title"] for p in papers]
    abstracts = [p["abstract"] for p in papers]
    full = [p["title"] + "\n" + p["abstract"] for p in papers]
    labels = [p["discipline"] for p in papers]
    rel = keyword_relevance(papers)

    cache = EmbeddingCache(args.cache)
    print(f"embeddings: {len(cache)} cached in {args.cache}", flush=True)
    title_q = cache.get(titles, "query")
    abstract_q = cache.get(abstracts, "query")
    abstract_p = cache.get(abstracts, "passage")
    full_p = cache.get(full, "passage")
    cache.save()
    print(f"embeddings ready after {time.time() - started:.0f}s", flush=True)

    # T1: one index of abstracts; T2/T3: one index of title+abstract
    t1_index = Index.build(
        {i: [a] for i, a in enumerate(abstracts)},
        vectors={i: abstract_p[i : i + 1] for i in range(len(papers))},
        embed=False,
    )
    t23_index = Index.build(
        {i: [f] for i, f in enumerate(full)},
        vectors={i: full_p[i : i + 1] for i in range(len(papers))},
        embed=False,
    )
    assert t1_index.candidate_ids == list(range(len(papers)))  # slots align with paper order
    t1_comp = ours_components(t1_index, titles, title_q)
    t23_comp = ours_components(t23_index, abstracts, abstract_q)
    dw = t1_index.dense_weight

    variants = {
        "ours": (fused(t1_comp, dw), fused(t23_comp, dw), positive_vote),
        "ours_lexical_only": (fused(t1_comp, 0.0), fused(t23_comp, 0.0), positive_vote),
        "ours_dense_only": (fused(t1_comp, 1.0), fused(t23_comp, 1.0), positive_vote),
        "ours_rrf": (
            [rrf([lex, dense], live) for lex, dense, live in t1_comp],
            [rrf([lex, dense], live) for lex, dense, live in t23_comp],
            linear_vote,
        ),
        "ours_softmax_vote": (fused(t1_comp, dw), fused(t23_comp, dw), softmax_vote),
    }
    results = {}
    for name, (t1_rows, t23_rows, vote) in variants.items():
        figures = t1_metrics(t1_rows)
        figures["T2_ndcg10"], n_t2 = t2_ndcg(t23_rows, rel)
        figures["T3_acc"] = t3_accuracy(t23_rows, labels, vote)
        results[name] = figures

    base_t1 = baseline_rows(titles, abstracts)
    base_t23 = baseline_rows(abstracts, full)
    baseline = t1_metrics(base_t1)
    baseline["T2_ndcg10"], _ = t2_ndcg(base_t23, rel)
    baseline["T3_acc"] = t3_accuracy(base_t23, labels, linear_vote)
    results["baseline"] = baseline

    ours = results["ours"]

    def pair(key: str) -> str:
        return f"ours {ours[key]:.3f} baseline {baseline[key]:.3f}"

    def gain(key: str) -> str:
        return f"({100 * (ours[key] / baseline[key] - 1):+.1f}%)"

    print(f"T1 known item: MRR@10 {pair('T1_mrr10')} | R@1 {pair('T1_r1')} | R@10 {pair('T1_r10')}")
    print(f"T2 related work ({n_t2} queries): nDCG@10 {pair('T2_ndcg10')} {gain('T2_ndcg10')}")
    print(f"T3 field tagging: accuracy@1 {pair('T3_acc')} {gain('T3_acc')}")
    print(
        "  README baseline for csl-dev: T1 0.978/0.971/0.991, T2 0.275, T3 0.394 "
        "(this run's baseline is computed above the same way)"
    )
    for name, figures in results.items():
        if name.startswith("ours_"):
            values = " ".join(f"{k}={v:.3f}" for k, v in figures.items())
            print(f"  ablation {name:18s} {values}")
    profiles, n_groups = profile_task(papers, cache)
    print(
        f"  profile aggregation ({n_groups} pseudo-researchers of <= 8 papers; "
        "query -> profile MRR@10):"
    )
    for query_name in ("title", "keywords"):
        print(
            f"    {query_name:8s} "
            + " ".join(
                f"{k.split('/', 1)[1]}={v:.4f}"
                for k, v in profiles.items()
                if k.startswith(query_name + "/")
            )
        )
    cache.save()
    print(f"elapsed {time.time() - started:.0f}s")
    rounded = {
        name: {k: round(v, 4) for k, v in results[name].items()} for name in ("ours", "baseline")
    }
    print(json.dumps(rounded))


if __name__ == "__main__":
    main()
