"""The nightly pass as chunk tasks keyed by a run id (issue 12 §10): the same matches as the one-process
pass; a chunk or the whole start delivered again recomputes nothing and sends no second digest; a chunk that
fails leaves nothing of its work and is done by its next delivery."""
import pytest
from django.core import mail

from matching import services, tasks
from matching.models import Match
from platform_core.models import ChunkedRun, Notification, RunChunk
from tests.matching_tests.test_full_pass import stored_matches

pytestmark = pytest.mark.django_db


def broker_scene(scene):
    for title in ["钙钛矿叠层组件封装稳定性工艺", "钙钛矿光伏组件湿热老化封装"]:
        achievement = scene.achievement(title, f"{title}：提升钙钛矿叠层光伏组件湿热稳定性的封装方法。",
                                        scene.pv, scene.materials, trl=5, keywords=["钙钛矿", "封装"])
        achievement.broker = scene.broker
        achievement.save()


def test_the_chunked_pass_stores_what_the_one_process_pass_stores(scene, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)  # a chunk task per source
    scene.compute()
    expected = stored_matches()
    Match.objects.all().delete()
    run_id = tasks.refresh_all.apply().get()
    run = ChunkedRun.objects.get(pk=run_id)
    assert stored_matches() == expected and expected
    assert run.finished_at and RunChunk.objects.filter(run=run).count() == len(run.plan) > 3
    assert sum(d["sources"] for d in run.report["directions"].values()) == len(run.plan)


def test_chunks_and_the_start_delivered_twice_do_nothing_again(scene, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "CHUNK", 1)
    broker_scene(scene)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.refresh_all.apply(task_id="5f1e6a52-0000-4000-8000-000000000001").get()
    computed = dict(Match.objects.values_list("pk", "computed_at"))
    notifications = list(Notification.objects.values_list("pk", "count"))
    sent = len(mail.outbox)
    assert sent and notifications
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_chunk.apply(args=[first, 0]).get() is False  # a redelivered chunk
        again = tasks.refresh_all.apply(task_id="5f1e6a52-0000-4000-8000-000000000001").get()  # a redelivered start
    assert again == first and ChunkedRun.objects.count() == 1
    assert dict(Match.objects.values_list("pk", "computed_at")) == computed  # nothing recomputed
    assert list(Notification.objects.values_list("pk", "count")) == notifications and len(mail.outbox) == sent


def test_a_chunk_that_fails_leaves_nothing_and_its_next_delivery_does_it(scene, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)
    real = services._refresh_chunk
    failing = {"left": 1}

    def crash_after_writing(pool, ids, news):
        stored = real(pool, ids, news)
        if failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("worker lost")
        return stored

    monkeypatch.setattr(services, "_refresh_chunk", crash_after_writing)
    with pytest.raises(RuntimeError):
        tasks.refresh_all.apply(task_id="5f1e6a52-0000-4000-8000-000000000002").get()
    run = ChunkedRun.objects.get()
    assert run.finished_at is None and not RunChunk.objects.exists()
    assert not Match.objects.exists()  # the failed chunk's writes were rolled back with it
    for index in range(len(run.plan)):
        tasks.refresh_chunk.apply(args=[str(run.pk), index]).get()
    run.refresh_from_db()
    assert run.finished_at and RunChunk.objects.count() == len(run.plan)
    monkeypatch.setattr(services, "_refresh_chunk", real)
    done = stored_matches()
    Match.objects.all().delete()
    scene.compute()
    assert stored_matches() == done
