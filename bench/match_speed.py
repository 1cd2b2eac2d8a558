"""Speed of the matching engine on a synthetic pool, vs a naive rank_bm25 loop.

    python bench/match_speed.py [--data PATH] [--pool 100000] [--achievements 30000]
                                [--enterprises 2000]

Synthetic texts are made from the eval abstracts: each synthetic achievement
takes a paper's clauses, drops some, shuffles them and splices in clauses of
another paper of the same discipline, plus a serial number so no two are alike.

Dense vectors: computing 100k real E5 embeddings takes hours on this machine,
so the dense side uses random unit vectors of the real dimension (384).  Dense
scoring is a matrix-vector product either way, so the timing is the same.

Prints (1) Index.search latency on a 100k pool, (2) a full pass of 30k
achievements against 2k enterprise profiles, (3) the cost of adding one
achievement to a persisted 100k index; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from match_quality import default_data_path, load_papers  # noqa: E402

from matching.engine import Index, tokenize  # noqa: E402
from matching.engine.embeddings import DIM  # noqa: E402

OUT = REPO / "bench" / "out"
SEED = 1121


class Synth:
    """Deterministic generator of achievement / challenge texts from papers."""

    def __init__(self, papers: list[dict], seed: int = SEED):
        self.rng = np.random.default_rng(seed)
        self.papers = papers
        self.clauses = [
            [c for c in re.split(r"[,，;；。.]", p["abstract"]) if c.strip()] for p in papers
        ]
        by_field = defaultdict(list)
        for i, p in enumerate(papers):
            by_field[p["discipline"]].append(i)
        self.same_field = [by_field[p["discipline"]] for p in papers]
        self.serial = 0

    def achievement(self) -> str:
        i = int(self.rng.integers(len(self.papers)))
        own = [c for c in self.clauses[i] if self.rng.random() > 0.2] or self.clauses[i][:1]
        other = self.clauses[int(self.rng.choice(self.same_field[i]))]
        own += list(self.rng.choice(other, size=min(2, len(other)), replace=False))
        self.rng.shuffle(own)
        self.serial += 1
        return f"{self.papers[i]['title']}。" + "，".join(own) + f"。成果编号 A{self.serial:07d}"

    def challenge(self) -> str:
        i = int(self.rng.integers(len(self.papers)))
        return f"{self.papers[i]['title']}：" + "，".join(self.clauses[i][:2])


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentile_ms(seconds: list[float], q: float) -> float:
    return round(1000 * float(np.percentile(seconds, q)), 1)


def naive_bm25(token_lists):
    from rank_bm25 import BM25Okapi

    return BM25Okapi(token_lists)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--achievements", type=int, default=30_000)
    parser.add_argument("--enterprises", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    papers = load_papers(args.data or default_data_path())
    synth = Synth(papers)
    rng = np.random.default_rng(SEED)
    figures: dict[str, float] = {}
    print(
        "dense part uses random unit vectors (dim 384) in place of E5 embeddings; "
        "timing of the dense product is the same",
        flush=True,
    )

    # ---------------------------------------------------------------- (1)
    t = time.perf_counter()
    pool = {f"ach-{i}": [synth.achievement()] for i in range(args.pool)}
    vectors = unit_vectors(rng, args.pool)
    print(f"generated {args.pool} achievements in {time.perf_counter() - t:.1f}s", flush=True)
    t = time.perf_counter()
    index = Index.build(
        pool, vectors={cid: vectors[i : i + 1] for i, cid in enumerate(pool)}, embed=False
    )
    figures["build_pool_s"] = round(time.perf_counter() - t, 2)
    print(f"Index.build on {args.pool} achievements: {figures['build_pool_s']}s", flush=True)

    challenges = [synth.challenge() for _ in range(args.queries)]
    challenge_vectors = unit_vectors(rng, args.queries)  # precomputed in Celery in production
    index.search(challenges[0], 10, challenge_vectors[0])  # warm-up
    latencies = []
    for text, vector in zip(challenges, challenge_vectors, strict=True):
        t = time.perf_counter()
        index.search(text, 10, query_embedding=vector)
        latencies.append(time.perf_counter() - t)
    figures["search_p50_ms"] = percentile_ms(latencies, 50)
    figures["search_p95_ms"] = percentile_ms(latencies, 95)

    naive_queries = challenges[: max(5, args.queries // 5)]
    t = time.perf_counter()
    naive = naive_bm25([tokenize(texts[0]) for texts in pool.values()])
    naive_build = time.perf_counter() - t
    naive_latencies = []
    for text in naive_queries:
        t = time.perf_counter()
        scores = naive.get_scores(tokenize(text))
        np.argpartition(-scores, 10)[:10]
        naive_latencies.append(time.perf_counter() - t)
    del naive
    figures["naive_search_p50_ms"] = percentile_ms(naive_latencies, 50)
    figures["naive_search_p95_ms"] = percentile_ms(naive_latencies, 95)
    fig = figures
    print(
        f"(1) search 1 challenge vs {args.pool} achievements, {len(latencies)} queries: "
        f"p50 {fig['search_p50_ms']} ms, p95 {fig['search_p95_ms']} ms (target p95 <= 300 ms)"
        f" | naive rank_bm25 get_scores ({len(naive_queries)} queries, lexical only, "
        f"build {naive_build:.0f}s): p50 {fig['naive_search_p50_ms']} ms, "
        f"p95 {fig['naive_search_p95_ms']} ms"
        f" | speed-up at p50 x{fig['naive_search_p50_ms'] / fig['search_p50_ms']:.0f}",
        flush=True,
    )

    # ---------------------------------------------------------------- (3)
    path = OUT / "speed_index"
    shutil.rmtree(path, ignore_errors=True)
    t = time.perf_counter()
    index.save(path)
    figures["save_full_s"] = round(time.perf_counter() - t, 2)
    del index
    t = time.perf_counter()
    index = Index.load(path, embed=False)
    figures["load_s"] = round(time.perf_counter() - t, 2)
    compactions = index.compactions
    new_text = "一种基于石墨烯复合电极的柔性超级电容器及其制备方法。" + synth.achievement()
    new_vector = unit_vectors(rng, 1)
    t = time.perf_counter()
    index.add("ach-new", [new_text], new_vector)
    hits = index.search("石墨烯复合电极柔性超级电容器", 10, query_embedding=new_vector[0])
    figures["incremental_add_search_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    index.save(path)
    figures["incremental_save_s"] = round(time.perf_counter() - t, 3)
    found = any(cid == "ach-new" for cid, _ in hits)
    rebuilt = index.compactions != compactions
    t = time.perf_counter()
    reloaded = Index.load(path, embed=False)
    found_after_reload = "ach-new" in reloaded
    del reloaded

    # naive: rank_bm25 has no incremental add, so a new document means rebuilding it
    naive_rebuild_s = naive_build
    print(
        f"(3) add 1 achievement to the persisted {args.pool}-index (loaded in {fig['load_s']}s): "
        f"add+search {fig['incremental_add_search_s']}s (target <= 1 s), found in top 10: "
        f"{found}, rebuilt: {rebuilt}; save after the add {fig['incremental_save_s']}s "
        f"(full save {fig['save_full_s']}s), in index after reload: {found_after_reload}"
        f" | naive rank_bm25 cannot add incrementally: rebuild {naive_rebuild_s:.1f}s",
        flush=True,
    )
    figures["naive_rebuild_s"] = round(naive_rebuild_s, 2)
    del index

    # ---------------------------------------------------------------- (2)
    enterprises = {
        f"ent-{e}": [synth.challenge() for _ in range(int(rng.integers(2, 7)))]
        for e in range(args.enterprises)
    }
    enterprise_vectors = {cid: unit_vectors(rng, len(texts)) for cid, texts in enterprises.items()}
    achievements = [synth.achievement() for _ in range(args.achievements)]
    achievement_vectors = unit_vectors(rng, args.achievements)
    t = time.perf_counter()
    ent_index = Index.build(enterprises, vectors=enterprise_vectors, embed=False)
    top = ent_index.search_many(achievements, k=10, query_embeddings=achievement_vectors)
    figures["full_pass_s"] = round(time.perf_counter() - t, 2)
    assert len(top) == args.achievements and all(len(r) == 10 for r in top)

    sample = achievements[:300]
    t = time.perf_counter()
    naive = naive_bm25([tokenize(" ".join(texts)) for texts in enterprises.values()])
    for text in sample:
        scores = naive.get_scores(tokenize(text))
        np.argpartition(-scores, 10)[:10]
    naive_sample_s = time.perf_counter() - t
    figures["naive_full_pass_s_extrapolated"] = round(
        naive_sample_s * args.achievements / len(sample), 1
    )
    naive_total = fig["naive_full_pass_s_extrapolated"]
    print(
        f"(2) full pass {args.achievements} achievements x {args.enterprises} enterprise profiles "
        f"({sum(map(len, enterprises.values()))} texts), top 10 each, index build included: "
        f"{fig['full_pass_s']}s (target <= 60 s) | naive rank_bm25 per achievement, timed on "
        f"{len(sample)} and extrapolated: {naive_total}s"
        f" | speed-up x{naive_total / fig['full_pass_s']:.0f}",
        flush=True,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
