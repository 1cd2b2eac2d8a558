"""Signals enqueue after commit, once per record and transaction; the tasks run the services."""
import pytest
from django.db import transaction

from matching import signals
from matching.models import Direction, Match, TextEmbedding

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(scene):
    """The scene's own saves wait in the never-committed test transaction: forget them."""
    signals.discard_pending()
    return scene


def test_saving_a_record_refreshes_its_matches_after_commit(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            scene.pv_achievement.title = "钙钛矿叠层太阳电池封装技术（改进型）"
            scene.pv_achievement.save()
            scene.pv_achievement.save()
            scene.challenge.save()
    ours = [getattr(c, "matching_key", None) for c in callbacks if hasattr(c, "matching_key")]
    assert sorted(ours) == [("matching.refresh_achievement", scene.pv_achievement.pk),
                            ("matching.refresh_challenge", scene.challenge.pk)]  # one per record, not per save
    assert Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id=scene.pv_achievement.pk,
                                candidate_id=scene.pv_company.pk).exists()
    assert Match.objects.filter(direction=Direction.CHALLENGE_EXPERT, source_id=scene.challenge.pk).exists()


def test_talent_evidence_refreshes_the_profile(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scene.talent.evidence.create(kind="patent", title="一种钙钛矿组件封装结构")
    assert Match.objects.filter(direction=Direction.TALENT_ENTERPRISE, source_id=scene.talent.pk).exists()


def test_a_rolled_back_save_enqueues_nothing(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            scene.challenge.save()
            raise RuntimeError
    assert not [c for c in callbacks if hasattr(c, "matching_key")]


def test_eager_tasks_never_run_the_model(scene, matching_env):
    """Inside a web request (eager Celery) only stored vectors are used."""
    from matching import tasks

    matching_env.MATCHING_DENSE = True
    tasks.refresh_challenge.delay(scene.challenge.pk)
    assert TextEmbedding.objects.count() == 0
    assert Match.objects.filter(direction=Direction.CHALLENGE_EXPERT).exists()
