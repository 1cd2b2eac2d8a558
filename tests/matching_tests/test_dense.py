"""The dense path on a few texts (the model costs 0.15–0.5 s per text)."""
import numpy as np
import pytest

from matching import services
from matching.embeddings import vectors_for
from matching.models import Direction, Match, TextEmbedding

pytestmark = pytest.mark.django_db


def test_vectors_are_stored_once_and_shared(db, matching_env):
    matching_env.MATCHING_DENSE = True
    texts = ["钙钛矿叠层电池封装", "晶圆级先进封装键合", "   "]
    vectors, complete = vectors_for(texts, "passage", compute=True)
    assert complete and TextEmbedding.objects.count() == 2
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-3) and not vectors[2].any()
    again, complete = vectors_for(texts, "passage", compute=False)
    assert complete and np.array_equal(again, vectors)
    missing, complete = vectors_for(["未计算的文本"], "query", compute=False)
    assert not complete and not missing.any()


def test_a_fully_embedded_pool_adds_meaning_to_the_explanation(scene, matching_env):
    matching_env.MATCHING_DENSE = True
    services.talent_changed(profile_id=scene.talent.pk, compute=True)  # organisations pool: 3 candidates
    best = Match.objects.filter(direction=Direction.TALENT_ENTERPRISE).order_by("rank").first()
    assert best.candidate == scene.pv_company
    assert best.explanation["text"]["dense"] is not None
