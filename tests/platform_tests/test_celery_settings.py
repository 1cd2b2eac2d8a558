"""Redis never hands a task to a second worker while the first may still be running it."""
from django.conf import settings

from config.celery import app


def test_the_visibility_timeout_exceeds_every_task_time_limit():
    app.loader.import_default_modules()
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT
              for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "matching.refresh_all" in limits
    assert {name: limit for name, limit in limits.items() if limit >= timeout} == {}


def test_tasks_are_acknowledged_when_they_end():
    app.loader.import_default_modules()
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert all(task.acks_late for name, task in app.tasks.items() if not name.startswith("celery."))
