"""Celery tasks: ids in, one service call, idempotent.

Dense embeddings are computed only on a real worker (the model costs 0.15–0.5 s per
text); when Celery runs eagerly — the embedded default, inside a web request — the
incremental tasks use the vectors already stored and otherwise rank lexically until
the nightly pass.
"""
import uuid

from celery import shared_task

from . import full_pass, services
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
def refresh_all(self) -> str:
    """The nightly full pass (beat): rebuild the indexes (embedding what is missing) and send one chunk task
    per CHUNK sources. The run is keyed by this task's id: delivered again, it plans nothing new and sends
    the chunks again, which skip themselves when done (matching/full_pass.py)."""
    run_id, chunks, _planned = full_pass.plan(run_id=self.request.id or str(uuid.uuid4()),
                                              compute=dense_enabled())
    for index in range(len(chunks)):
        refresh_chunk.delay(run_id, index)
    return run_id


@shared_task(name="matching.refresh_chunk", acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def refresh_chunk(run_id: str, index: int) -> bool:
    """One chunk of a full pass; a chunk already done does nothing."""
    return full_pass.refresh_chunk(run_id=run_id, index=index)
