"""The incremental task on a real Celery worker (CI: PostgreSQL and Redis)."""
import pytest

from matching.models import Direction, Match
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_new_achievement_is_matched_by_the_worker_after_commit(celery_not_eager, matching_env, tmp_path):
    from tests.matching_tests.factories import Scene

    scene = Scene()  # every save enqueues after its own commit
    match = wait_for(lambda: Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE,
                                                  source_id=scene.pv_achievement.pk,
                                                  candidate_id=scene.pv_company.pk).first(), timeout=120)
    assert match.explanation["node"]["relation"] == "same_node"
    from matching.tasks import refresh_achievement

    assert refresh_achievement.delay(scene.pv_achievement.pk).get(timeout=120) >= 1
    assert Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE,
                                source_id=scene.pv_achievement.pk, candidate_id=scene.pv_company.pk).count() == 1
