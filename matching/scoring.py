"""The final score: the engine's text score combined with structured features.

    score = (0.6·text + 0.15·node + 0.15·field + 0.1·TRL) / (sum of the weights present)
            + feedback boost,  capped at 1

* text: the engine's fused BM25 + E5 score for this query, a z-score over the candidate
  pool, mapped to 0–1 by the logistic function (0.5 = an average candidate);
* node: 1 on the same industry-chain node, 0.5 on another node of the same chain;
* field: 1 in the same technology field, 0.5 in the same category (parent field);
* TRL fit: 1 when the candidate has reached the target TRL, 0.5–1 between the current
  and the target, falling by 0.15 per level below the current one;
* a part is left out (and its weight with it) when the query has nothing to compare,
  e.g. a challenge without an industry node: the explanation says so;
* feedback: +0.08 when users accepted this candidate for another source on the same
  industry-chain node, +0.04 when they accepted it for any other source.

None of the constants were fitted to data; they state an order of importance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from platform_core.models import IndustryNode, TechField

from .profiles import Profile

WEIGHTS = {"text": 0.6, "node": 0.15, "field": 0.15, "trl": 0.1}
BOOST_SAME_NODE = 0.08
BOOST_ELSEWHERE = 0.04
MIN_TEXT_WITHOUT_TERMS = 0.62  # a candidate sharing no key term must stand out on the dense side


@dataclass
class Taxonomy:
    """Node → chain and field → parent lookups, loaded once per scoring run."""

    chain_of: dict[int, int]
    node_name: dict[int, str]
    parent_of: dict[int, int | None]
    field_name: dict[int, str]

    @classmethod
    def load(cls) -> "Taxonomy":
        nodes = IndustryNode.objects.values_list("pk", "chain_id", "name_zh")
        fields = TechField.objects.values_list("pk", "parent_id", "name_zh")
        return cls({n: c for n, c, _ in nodes}, {n: name for n, _, name in nodes},
                   {f: p for f, p, _ in fields}, {f: name for f, _, name in fields})


def text_part(fused: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(fused, 30.0), -30.0)))


def node_part(query: Profile, candidate: Profile, taxonomy: Taxonomy) -> dict:
    if not query.nodes:
        return {"score": None, "relation": "query_missing"}
    if not candidate.nodes:
        return {"score": 0.0, "relation": "candidate_missing"}
    same = query.nodes & candidate.nodes
    if same:
        return {"score": 1.0, "relation": "same_node", "label": taxonomy.node_name.get(min(same), "")}
    query_chains = {taxonomy.chain_of.get(n) for n in query.nodes}
    shared = [n for n in candidate.nodes if taxonomy.chain_of.get(n) in query_chains]
    if shared:
        return {"score": 0.5, "relation": "same_chain", "label": taxonomy.node_name.get(min(shared), "")}
    return {"score": 0.0, "relation": "different"}


def field_part(query: Profile, candidate: Profile, taxonomy: Taxonomy) -> dict:
    if not query.fields:
        return {"score": None, "relation": "query_missing"}
    if not candidate.fields:
        return {"score": 0.0, "relation": "candidate_missing"}
    same = query.fields & candidate.fields
    if same:
        return {"score": 1.0, "relation": "same_field", "label": taxonomy.field_name.get(min(same), "")}

    def family(ids):
        return {taxonomy.parent_of.get(f) or f for f in ids}

    shared = family(query.fields) & family(candidate.fields)
    if shared:
        return {"score": 0.5, "relation": "same_category", "label": taxonomy.field_name.get(min(shared), "")}
    return {"score": 0.0, "relation": "different"}


def trl_fit(level: int, lowest: int, highest: int) -> float:
    """How well an achievement at TRL ``level`` serves a need from ``lowest`` to ``highest``."""
    if level >= highest:
        return 1.0
    if level >= lowest:
        return 0.5 + 0.5 * (level - lowest) / max(highest - lowest, 1)
    return max(0.0, 0.5 - 0.15 * (lowest - level))


def trl_part(need: tuple[int, int] | None, offer: tuple[int, int] | None) -> dict:
    """``need``: the (current, target) range sought; ``offer``: the achievement's TRL."""
    if need is None or offer is None:
        return {"score": None, "relation": "not_applicable"}
    level = offer[1]
    return {"score": round(trl_fit(level, *need), 3), "relation": "fit", "level": level, "need": list(need)}


def combine(parts: dict[str, dict], boost: float) -> float:
    present = {name: part["score"] for name, part in parts.items() if part.get("score") is not None}
    weight = sum(WEIGHTS[name] for name in present)
    base = sum(WEIGHTS[name] * value for name, value in present.items()) / weight if weight else 0.0
    return round(min(1.0, base + boost), 4)


def qualifies(text: dict) -> bool:
    """A match needs evidence in the texts: a shared key term, or a clear dense lead."""
    return bool(text["shared_terms"]) or (text["dense"] is not None and text["score"] >= MIN_TEXT_WITHOUT_TERMS)
