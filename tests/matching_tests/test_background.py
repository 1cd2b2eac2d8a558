"""The embedded default runs the refresh after a save in one background thread, not in the request."""
import threading

import pytest

from matching import background, services, signals
from matching.models import Direction, Match
from platform_core.activity import generating
from projects.services import challenge_update


class FakeTask:
    def __init__(self, name, gate=None):
        self.name, self.gate, self.ran, self.started = name, gate, [], threading.Event()

    def apply(self, args, throw):
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        self.ran.append(args)


def test_jobs_run_in_order_and_a_job_already_waiting_is_not_queued_twice():
    gate = threading.Event()
    blocker, refresh = FakeTask("blocker", gate), FakeTask("refresh")
    background.submit(blocker, 0)
    assert blocker.started.wait(10)  # the thread is busy: the next jobs wait
    for pk in (1, 1, 2, 1):
        background.submit(refresh, pk)
    gate.set()
    background.drain()
    assert refresh.ran == [(1,), (2,)]
    background.submit(refresh, 1)  # it ran: a new change queues it again
    background.drain()
    assert refresh.ran == [(1,), (2,), (1,)]


def test_a_failing_job_does_not_stop_the_thread():
    class Broken(FakeTask):
        def apply(self, args, throw):
            raise RuntimeError("index file locked by a dead process")

    after = FakeTask("after")
    background.submit(Broken("broken"), 1)
    background.submit(after, 1)
    background.drain()
    assert after.ran == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_a_challenge_edit_returns_before_its_refresh_runs(matching_env, on_save_thread, monkeypatch):
    from tests.matching_tests.factories import Scene

    with generating():  # no refresh per saved row while the scene is built
        scene = Scene()
    services.refresh_all()
    before = Match.objects.get(direction=Direction.CHALLENGE_EXPERT, source_id=scene.challenge.pk, rank=1)
    gate, started = threading.Event(), threading.Event()
    changed = services.challenge_changed

    def held_refresh(**kwargs):
        started.set()
        assert gate.wait(10)
        return changed(**kwargs)

    monkeypatch.setattr(services, "challenge_changed", held_refresh)
    challenge_update(actor=scene.rd, challenge=scene.challenge, title_zh="钙钛矿叠层组件湿热稳定性与界面钝化")
    assert started.wait(10)  # the save has returned; the refresh waits in the background thread
    assert Match.objects.get(pk=before.pk).computed_at == before.computed_at
    gate.set()
    on_save_thread.drain()
    after = Match.objects.get(direction=Direction.CHALLENGE_EXPERT, source_id=scene.challenge.pk, rank=1)
    assert after.candidate_id == scene.li.pk and after.computed_at > before.computed_at


def test_while_generating_a_save_enqueues_nothing(scene, django_capture_on_commit_callbacks):
    signals.discard_pending()
    with django_capture_on_commit_callbacks() as callbacks, generating():
        scene.challenge.save()
        scene.pv_achievement.save()
    assert not [c for c in callbacks if hasattr(c, "matching_key")]
