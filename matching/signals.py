"""The one reaction of matching to the domain apps: recompute after a change commits.

Matching depends on projects, transfer and talent, never the reverse, so instead of
those apps calling us, these receivers (connected in MatchingConfig.ready) enqueue a
task after the surrounding transaction commits (on a worker, or in the background
thread of the embedded default: see background.py).  A record saved several times in
one transaction (create, then screen, then push) is enqueued once.  Nothing is
enqueued while bulk data is being generated (`platform_core.activity`): the generator
runs the full pass once at the end.  Nothing here reads or writes match rows: the
tasks do, with ids, idempotently.
"""
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from platform_core.activity import is_generating
from projects.models import Challenge
from talent.models import TalentEvidence, TalentProfile
from transfer.models import Achievement

from . import background


def _enqueue_once(task, pk) -> None:
    if is_generating():
        return
    key = (task.name, pk)
    # The callbacks waiting for this transaction's commit (dropped with it on rollback).
    if any(getattr(entry[1], "matching_key", None) == key for entry in connection.run_on_commit):
        return

    def send():
        background.enqueue(task, pk)

    send.matching_key = key
    transaction.on_commit(send)


def discard_pending() -> int:
    """Drop this transaction's queued refreshes (a full pass in the same transaction supersedes them)."""
    pending = connection.run_on_commit
    kept = [entry for entry in pending if getattr(entry[1], "matching_key", None) is None]
    dropped = len(pending) - len(kept)
    pending[:] = kept
    return dropped


def _challenge_changed(sender, instance, **kwargs):
    from .tasks import refresh_challenge

    _enqueue_once(refresh_challenge, instance.pk)


def _achievement_changed(sender, instance, **kwargs):
    from .tasks import refresh_achievement

    _enqueue_once(refresh_achievement, instance.pk)


def _talent_changed(sender, instance, **kwargs):
    from .tasks import refresh_talent

    _enqueue_once(refresh_talent, instance.pk)


def _evidence_changed(sender, instance, **kwargs):
    from .tasks import refresh_talent

    _enqueue_once(refresh_talent, instance.profile_id)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_challenge_changed, sender=Challenge, dispatch_uid=f"matching.challenge.{signal}")
        signal.connect(_achievement_changed, sender=Achievement, dispatch_uid=f"matching.achievement.{signal}")
        signal.connect(_talent_changed, sender=TalentProfile, dispatch_uid=f"matching.talent.{signal}")
        signal.connect(_evidence_changed, sender=TalentEvidence, dispatch_uid=f"matching.evidence.{signal}")
