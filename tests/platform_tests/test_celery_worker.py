"""Celery against a real worker and Redis (CI); the embedded default runs the same tasks eagerly."""
import pytest

from platform_core.models import Notification, NotificationPreference
from platform_core.notifications import notify
from platform_core.tasks import send_daily_digests
from tests.conftest import wait_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_notification_email_is_sent_by_the_worker_after_commit(celery_not_eager):
    user = UserFactory(email="worker@example.com")
    [notification] = notify(recipients=[user], event="platform.membership_added", title="来自 worker 的邮件")
    emailed = wait_for(lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists())
    assert emailed


def test_digest_task_runs_on_the_worker_and_returns_its_result(celery_not_eager):
    user = UserFactory(email="digest@example.com")
    NotificationPreference.objects.create(user=user, event="platform.signoff_requested", delivery="digest")
    notify(recipients=[user], event="platform.signoff_requested", title="待签署")
    assert send_daily_digests.delay().get(timeout=30) == 1
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=True).exists()
