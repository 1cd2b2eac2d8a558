"""Tests of the pure-Python matching engine (no Django, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine import Index, add_terms, embed_passages, embed_query, score, tokenize
from matching.engine.embeddings import DIM, EmbeddingCache

AEROSPACE = (
    "采用修正的Rodrigues参数建立飞行器姿态控制系统的数学模型，"
    "设计镇定控制器并用Lyapunov函数证明收敛性。"
)
WATERWAY = (
    "水运工程项目施工过程中存在管理制度不完善、材料损耗大等问题，"
    "采用全过程管理模式进行成本与进度管理。"
)
BATTERY = (
    "Lithium-ion battery cathode materials: we synthesised nickel-rich layered oxides "
    "to improve cycling stability."
)


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


# ------------------------------------------------------------- tokenisation
def test_chinese_is_segmented_into_words():
    tokens = tokenize("飞行器姿态控制系统的数学模型")
    assert "飞行器" in tokens and "数学模型" in tokens
    assert "的" not in tokens  # function word dropped


def test_english_is_lowercased_stemmed_and_stop_words_dropped():
    tokens = tokenize("The Matching Engines of Universities")
    assert tokens == ["match", "engin", "universiti"]


def test_mixed_digits_emoji_and_blank_text():
    tokens = tokenize("基于5G的matching系统🚀🚀 2024年 C++")
    assert "5g" in tokens and "match" in tokens and "系统" in tokens and "c++" in tokens
    assert not any("🚀" in t for t in tokens)
    assert tokenize("") == [] and tokenize("   \n\t") == [] and tokenize(None) == []
    assert tokenize("😀🎉!!!") == []


def test_one_megabyte_text_does_not_crash():
    text = ("石墨烯电极 graphene electrode 😀 123，" * 40_000)[:1_000_000]
    tokens = tokenize(text)
    assert len(tokens) > 100_000


def test_domain_terms_can_be_added():
    assert "钙钛矿叠层电池" not in tokenize("钙钛矿叠层电池的效率")
    add_terms(["钙钛矿叠层电池"])
    assert "钙钛矿叠层电池" in tokenize("钙钛矿叠层电池的效率")


# -------------------------------------------------------------------- score
def test_score_ranks_relevant_chinese_profile_first():
    scores = score("飞行器姿态控制器设计", [[WATERWAY], [AEROSPACE], [BATTERY]])
    assert len(scores) == 3 and all(isinstance(s, float) for s in scores)
    assert int(np.argmax(scores)) == 1


def test_score_ranks_relevant_english_profile_first():
    scores = score("cycling stability of battery cathodes", [[AEROSPACE], [BATTERY], [WATERWAY]])
    assert int(np.argmax(scores)) == 1


def test_score_matches_across_languages_through_dense_vectors():
    # no shared tokens at all: only the multilingual embedding can tell
    profiles = [[WATERWAY], ["锂离子电池正极材料的循环稳定性研究"], ["中国古代诗歌的意象与审美"]]
    scores = score("lithium battery cathode cycling stability", profiles)
    assert int(np.argmax(scores)) == 1


def test_score_multi_text_profiles_and_edge_cases():
    assert score("任何查询", []) == []
    assert len(score("飞行器", [[AEROSPACE]])) == 1
    assert len(score("", [[AEROSPACE], [WATERWAY]])) == 2
    scores = score("姿态控制", [[], [""], ["   ", AEROSPACE], [WATERWAY, BATTERY]])
    assert len(scores) == 4 and all(np.isfinite(scores))
    assert int(np.argmax(scores)) == 2


# -------------------------------------------------------------------- index
@pytest.fixture()
def small_index() -> Index:
    profiles = {
        "res-1": [AEROSPACE, "基于平方和优化的非线性控制器设计"],
        "res-2": [WATERWAY],
        "ach-3": [BATTERY],
    }
    vectors = {
        cid: np.stack([unit(hash((cid, i)) % 1000) for i in range(len(texts))])
        for cid, texts in profiles.items()
    }
    return Index.build(profiles, vectors=vectors, embed=False)


def test_index_search_add_update_remove(small_index: Index):
    assert small_index.search("姿态控制器", 1)[0][0] == "res-1"
    compactions = small_index.compactions
    small_index.add("ach-4", ["一种固态电解质锂电池及其制备方法"], unit(4)[None, :])
    assert small_index.compactions == compactions  # incremental: no rebuild
    assert small_index.search("固态电解质", 1)[0][0] == "ach-4"
    small_index.update("ach-4", ["港口航道疏浚工程"], unit(5)[None, :])
    assert small_index.search("固态电解质", 1)[0][0] != "ach-4"
    assert small_index.search("航道疏浚", 1)[0][0] == "ach-4"
    small_index.remove("res-1")
    assert "res-1" not in small_index and len(small_index) == 3
    assert all(cid != "res-1" for cid, _ in small_index.search("姿态控制器", 10))
    small_index.remove("missing")  # no-op


def test_index_uses_precomputed_query_embedding(small_index: Index):
    results = small_index.search("", 3, query_embedding=unit(hash(("ach-3", 0)) % 1000))
    assert results[0][0] == "ach-3"  # dense only: the identical vector wins
    assert small_index.search_many(["姿态控制器", "航道"], k=2)[0][0][0] == "res-1"


def test_index_save_load_round_trip(small_index: Index, tmp_path):
    small_index.add("ach-4", ["一种固态电解质锂电池及其制备方法"], unit(4)[None, :])
    small_index.remove("res-2")
    small_index.save(tmp_path / "ix")
    loaded = Index.load(tmp_path / "ix", embed=False)
    for query in ("姿态控制器", "固态电解质", "battery cathode"):
        assert loaded.search(query, 3) == small_index.search(query, 3)
    loaded.add("ach-5", ["港口航道疏浚工程"], unit(6)[None, :])
    loaded.save(tmp_path / "ix")
    assert Index.load(tmp_path / "ix", embed=False).search("航道疏浚", 1)[0][0] == "ach-5"


def test_compaction_keeps_results(small_index: Index):
    small_index.add("ach-4", ["一种固态电解质锂电池及其制备方法"], unit(4)[None, :])
    small_index.remove("res-2")
    before = [cid for cid, _ in small_index.search("电池 控制器", 4)]
    small_index.compact()
    assert [cid for cid, _ in small_index.search("电池 控制器", 4)] == before


def test_explain_returns_shared_terms(small_index: Index):
    explanation = small_index.explain("飞行器姿态控制器的设计", "res-1")
    terms = [t["term"] for t in explanation["shared_terms"]]
    assert "飞行器" in terms and "设计" in terms
    weights = [t["weight"] for t in explanation["shared_terms"]]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    assert small_index.explain("无关的查询", "res-2")["shared_terms"] == []


# --------------------------------------------------------------- embeddings
def test_embedding_cache_persists_by_text_hash(tmp_path):
    cache = EmbeddingCache(tmp_path / "emb.npz")
    vectors = embed_passages(["锂电池正极材料", ""], cache=cache)
    assert vectors.shape == (2, DIM) and not vectors[1].any()
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-3
    cache.save()
    reloaded = EmbeddingCache(tmp_path / "emb.npz")
    again = reloaded.get(["锂电池正极材料"], "passage", compute=False)
    assert np.allclose(again[0], vectors[0])
    query = embed_query("lithium battery cathode", cache=reloaded)
    assert float(query @ vectors[0]) > 0.7


def test_batch_search_matches_single_searches(small_index: Index):
    small_index.add("ach-4", ["一种固态电解质锂电池及其制备方法"], unit(4)[None, :])  # in the delta
    queries = ["姿态控制器", "固态电解质 电池", "航道 管理", "", "cathode"]
    vectors = np.stack([unit(40 + i) for i in range(len(queries))])
    batch = small_index.search_many(queries, k=3, query_embeddings=vectors, chunk_size=2)
    single = [
        small_index.search(q, 3, query_embedding=v) for q, v in zip(queries, vectors, strict=True)
    ]
    for got, expected in zip(batch, single, strict=True):
        assert [cid for cid, _ in got] == [cid for cid, _ in expected]
        assert np.allclose([s for _, s in got], [s for _, s in expected], rtol=1e-4, atol=1e-5)  # float32 paths
