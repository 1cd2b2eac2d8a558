from celery import shared_task

from . import services


@shared_task(name="projects.remind_milestones", acks_late=True, time_limit=600)
def remind_milestones() -> int:
    """Daily: flag overdue milestones and remind of those due soon (idempotent per day)."""
    return services.milestones_remind()
