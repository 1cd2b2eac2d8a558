"""Faults on a real worker: SIGKILL mid-task then a restart, and a Redis restart mid-run. Each task is done
once: no duplicate rows, no duplicate e-mails (PostgreSQL and redis-server; .ci/run)."""
import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from platform_core.models import AuditEvent, Notification
from projects.models import Milestone, Project
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.funds_tests import factories as f

from .conftest import broker_drained, waiting_on_a_lock
from .mailbox import sent_to

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

REDELIVERY = 120  # seconds: the visibility timeout of the worker settings plus kombu's restore cycle, loaded CI


def _notification(n: int = 0) -> Notification:
    user = UserFactory(email=f"fault{n}@example.com")
    return Notification.objects.create(recipient=user, event="platform.membership_added", title=f"故障测试 {n}")


def test_worker_killed_while_sending_an_email_sends_it_once_after_restart(worker, private_redis, mailbox):
    notification = _notification()
    (mailbox / "pause").touch()
    worker.send("platform.send_notification_email", notification.pk)
    wait_for(lambda: (mailbox / "paused").exists(), timeout=60)
    worker.kill()  # the message was delivered, never acknowledged
    (mailbox / "pause").unlink()
    assert not broker_drained(private_redis)
    worker.start()
    wait_for(lambda: broker_drained(private_redis), timeout=REDELIVERY)  # delivered again and acknowledged
    assert sent_to(mailbox) == ["fault0@example.com"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_worker_killed_in_the_middle_of_the_reminder_run_reminds_each_milestone_once(
        worker, private_redis, mailbox, enterprise, university, researcher):
    project = f.make_project(enterprise, university, lead=researcher)
    assert project.status == Project.Status.IN_PROGRESS
    for title in ("小试", "中试", "验收"):
        milestone = f.make_milestone(project, title=title)
        Milestone.objects.filter(pk=milestone.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    order = list(Milestone.objects.filter(project=project, status=Milestone.Status.PLANNED).values_list("pk", flat=True))
    with transaction.atomic():
        Milestone.objects.select_for_update().get(pk=order[1])  # the run stops at the second milestone
        worker.send("projects.remind_milestones")
        wait_for(lambda: waiting_on_a_lock() >= 1, timeout=60)
        assert AuditEvent.objects.filter(action="milestone.overdue").count() == 1  # the first one is committed
        worker.kill()
    worker.start()
    wait_for(lambda: broker_drained(private_redis)
             and AuditEvent.objects.filter(action="milestone.overdue").count() >= 3, timeout=REDELIVERY)
    wait_for(lambda: broker_drained(private_redis), timeout=REDELIVERY)  # the e-mails it enqueued
    reminded = AuditEvent.objects.filter(action="milestone.overdue").values_list("data__milestone", flat=True)
    assert sorted(reminded) == sorted(order)
    assert set(Milestone.objects.values_list("reminded_on", flat=True)) == {timezone.localdate()}
    due = Notification.objects.filter(event="projects.milestone_due")
    assert due.exists() and not due.filter(emailed_at__isnull=True).exists()
    assert len(sent_to(mailbox)) == due.count()  # one e-mail per notification, none sent twice


def test_redis_restarted_mid_run_every_email_sent_exactly_once(worker, private_redis, mailbox):
    notifications = [_notification(n) for n in range(30)]
    (mailbox / "delay").write_text("0.2")
    for notification in notifications:
        worker.send("platform.send_notification_email", notification.pk)
    wait_for(lambda: len(sent_to(mailbox)) >= 5, timeout=90)
    private_redis.restart()
    assert len(sent_to(mailbox)) < len(notifications)  # the restart happened mid-run
    wait_for(lambda: Notification.objects.filter(emailed_at__isnull=True).count() == 0, timeout=REDELIVERY * 2)
    wait_for(lambda: broker_drained(private_redis), timeout=REDELIVERY)
    assert sorted(sent_to(mailbox)) == sorted(n.recipient.email for n in notifications)
