"""The batched full pass: same results as the refresh after a save, one digest per person, incremental embeddings."""
import hashlib
import re

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from matching import embeddings, indexes, services
from matching.engine.embeddings import DIM
from matching.models import Direction, Match, TextEmbedding
from platform_core.models import Notification
from platform_core.notifications import render_notifications
from projects.models import Challenge
from talent.models import TalentProfile
from transfer.models import Achievement

pytestmark = pytest.mark.django_db


def stored_matches():
    return sorted(Match.objects.values_list("direction", "source_id", "candidate_type", "candidate_id", "rank",
                                            "score", "status", "explanation"), key=repr)


def refresh_each_source():
    for model, directions in services.DIRECTIONS_OF_SOURCE.items():
        for pk in model.objects.values_list("pk", flat=True):
            for direction in directions:
                services.match_refresh(direction=direction, source_id=pk)


def test_the_pass_in_chunks_and_the_refresh_of_each_source_store_the_same_matches(scene, monkeypatch):
    scene.achievement("钙钛矿光伏组件激光划线工艺", "钙钛矿组件的激光划线与串联工艺。", scene.pv, scene.materials,
                      trl=4, keywords=["钙钛矿"])
    monkeypatch.setattr(services, "CHUNK", 1)  # a transaction per source: every chunk boundary is crossed
    report = scene.compute()
    in_chunks = stored_matches()
    assert in_chunks and report["directions"][Direction.ACHIEVEMENT_ENTERPRISE]["sources"] == 3
    monkeypatch.setattr(services, "CHUNK", 500)
    scene.compute()
    assert stored_matches() == in_chunks
    Match.objects.all().delete()
    refresh_each_source()
    assert stored_matches() == in_chunks


def test_a_later_pass_rescores_new_and_accepted_matches_and_leaves_dismissed_ones(scene):
    scene.compute()
    fresh = stored_matches()
    [accepted, dismissed, *_] = Match.objects.filter(direction=Direction.CHALLENGE_EXPERT).order_by("rank")
    services.match_decide(actor=scene.rd, match=accepted, verdict="accepted")
    services.match_decide(actor=scene.rd, match=dismissed, verdict="dismissed")
    Match.objects.update(score=0.01, explanation={"stale": True})
    before = {m.pk: m.computed_at for m in Match.objects.all()}
    scene.compute()
    dismissed.refresh_from_db()
    assert dismissed.score == 0.01 and dismissed.explanation == {"stale": True}
    def without_status(rows):
        return [m[:6] + m[7:] for m in rows]

    assert without_status(m for m in stored_matches() if m[7] != {"stale": True}) == without_status(
        m for m in fresh if (m[0], m[1], m[3]) != (dismissed.direction, dismissed.source_id, dismissed.candidate_id))
    assert all(m.computed_at > before[m.pk] for m in Match.objects.exclude(pk=dismissed.pk))


def test_the_pass_applies_the_rules_to_sources_closed_or_deleted_without_their_refresh(scene):
    scene.compute()
    [accepted, *_] = Match.objects.filter(direction=Direction.CHALLENGE_EXPERT).order_by("rank")
    services.match_decide(actor=scene.rd, match=accepted, verdict="accepted")
    Challenge.objects.filter(pk=scene.challenge.pk).update(status=Challenge.Status.CLOSED)  # no signal
    TalentProfile.objects.filter(pk=scene.talent.pk).delete()  # a queryset delete sends no post_delete per row
    scene.compute()
    assert list(Match.objects.filter(source_type=ContentType.objects.get_for_model(Challenge))) == [accepted]
    assert not Match.objects.filter(direction=Direction.TALENT_ENTERPRISE).exists()


def test_a_pass_tells_a_broker_of_all_his_strong_matches_in_one_digest(scene, django_capture_on_commit_callbacks):
    titles = ["钙钛矿叠层组件封装稳定性工艺", "钙钛矿光伏组件湿热老化封装", "钙钛矿叠层电池界面钝化封装"]
    for title in titles:
        achievement = scene.achievement(title, f"{title}：提升钙钛矿叠层光伏组件湿热稳定性与转换效率的封装方法。",
                                        scene.pv, scene.materials, trl=5, keywords=["钙钛矿", "封装"])
        achievement.broker = scene.broker
        achievement.save()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        report = scene.compute()
    strong = Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE, score__gte=services.NOTIFY_SCORE,
                                  source_id__in=Achievement.objects.filter(broker=scene.broker).values("pk"))
    assert strong.values("source_id").distinct().count() == 3
    [digest] = render_notifications(Notification.objects.filter(recipient=scene.broker, event="matching.new_match"))
    assert sorted(map(int, re.findall(r"\d+", digest.rendered_title))) == sorted([strong.count(), 3])  # matches, sources
    assert all(title in digest.rendered_body for title in titles) and digest.url == "/matching/"
    assert [m.to for m in mail.outbox].count([scene.broker.email]) == 1
    assert report["notifications"] == Notification.objects.filter(event="matching.new_match").count()
    assert len(mail.outbox) == report["notifications"]  # one e-mail per person, not per match


def test_the_refresh_after_a_save_tells_the_poster_once_for_both_directions(scene):
    services.challenge_changed(challenge_id=scene.challenge.pk)
    [notification] = render_notifications(Notification.objects.filter(recipient=scene.rd, event="matching.new_match"))
    assert scene.challenge.title in notification.rendered_title
    assert notification.url == f"/projects/challenges/{scene.challenge.pk}/"
    assert str(Direction.CHALLENGE_EXPERT.label) in notification.rendered_body
    assert str(Direction.CHALLENGE_ACHIEVEMENT.label) in notification.rendered_body


# ------------------------------------------------------------------ embeddings


def fake_vectors(texts, kind):
    """Deterministic unit vectors instead of the model (which costs 0.15–0.5 s per text)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        seed = int(hashlib.sha1(f"{kind}{text}".encode()).hexdigest()[:8], 16)
        vector = np.random.default_rng(seed).standard_normal(DIM)
        out[i] = vector / np.linalg.norm(vector)
    return out


@pytest.fixture
def model(monkeypatch):
    calls = []

    def embed(texts, kind):
        calls.append(len(texts))
        return fake_vectors(texts, kind)

    monkeypatch.setattr(embeddings, "embed_texts", embed)
    return calls


def test_without_dense_nothing_is_embedded(scene, model):
    report = services.refresh_all(compute=True)
    assert report["embedded"] == 0 and not TextEmbedding.objects.exists() and model == []


def test_embeddings_are_computed_in_committed_chunks_and_a_crash_resumes(db, matching_env, monkeypatch):
    matching_env.MATCHING_DENSE = True
    monkeypatch.setattr(embeddings, "EMBED_CHUNK", 2)
    texts = [f"钙钛矿封装方案{i}" for i in range(5)] + ["   "]
    calls = []

    def crash_on_the_second_chunk(chunk, kind):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return fake_vectors(chunk, kind)

    monkeypatch.setattr(embeddings, "embed_texts", crash_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        embeddings.embed_missing(texts, "passage")
    assert TextEmbedding.objects.count() == 2
    assert embeddings.embed_missing(texts, "passage") == 3  # the stored two are skipped
    assert calls == [2, 2, 2, 1] and TextEmbedding.objects.count() == 5
    assert embeddings.embed_missing(texts, "passage") == 0


def test_the_pass_embeds_only_new_and_changed_texts(scene, matching_env, model):
    matching_env.MATCHING_DENSE = True
    first = services.refresh_all(compute=True)
    assert first["embedded"] == TextEmbedding.objects.count() > 0
    texts = services.pass_texts({name: indexes.load_profiles(name) for name in indexes.INDEXES})
    assert first["embedded"] == len({embeddings.text_key(t, kind) for kind, batch in texts.items() for t in batch})
    best = Match.objects.filter(direction=Direction.TALENT_ENTERPRISE).order_by("rank").first()
    assert best.explanation["text"]["dense"] is not None  # every pool has its vectors: the dense part is used
    model.clear()
    assert services.refresh_all(compute=True)["embedded"] == 0 and model == []
    scene.chip_achievement.abstract = "一种低温铜铜混合键合的晶圆级先进封装工艺。"
    scene.chip_achievement.save()
    # its text as a candidate (the same text is in its inventor's expert profile) and as a query
    assert services.refresh_all(compute=True)["embedded"] == 2
