"""Celery tasks: ids in, one service call, idempotent.

Dense embeddings are computed only on a real worker (the model costs 0.15–0.5 s per
text); when Celery runs eagerly — the embedded default, inside a web request — the
incremental tasks use the vectors already stored and otherwise rank lexically until
the nightly pass.
"""
from celery import shared_task

from . import services
from .embeddings import dense_enabled


def _compute(task) -> bool:
    return dense_enabled() and not task.request.is_eager


@shared_task(name="matching.refresh_challenge", bind=True, acks_late=True, time_limit=600)
def refresh_challenge(self, challenge_id: int) -> int:
    return services.challenge_changed(challenge_id=challenge_id, compute=_compute(self))


@shared_task(name="matching.refresh_achievement", bind=True, acks_late=True, time_limit=600)
def refresh_achievement(self, achievement_id: int) -> int:
    return services.achievement_changed(achievement_id=achievement_id, compute=_compute(self))


@shared_task(name="matching.refresh_talent", bind=True, acks_late=True, time_limit=600)
def refresh_talent(self, profile_id: int) -> int:
    return services.talent_changed(profile_id=profile_id, compute=_compute(self))


@shared_task(name="matching.refresh_all", bind=True, acks_late=True, time_limit=4 * 3600,
             soft_time_limit=4 * 3600 - 60)
def refresh_all(self) -> dict:
    """The nightly full pass (beat): rebuilds the indexes and computes missing embeddings."""
    return services.refresh_all(compute=dense_enabled())
