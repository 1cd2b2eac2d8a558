"""Long jobs as idempotent chunk tasks (issue 12 §10). A run is planned once (its id: the Celery id of the
task that plans it); each chunk's work and the row saying it is done commit together, so a redelivered
chunk finds itself done and does nothing; the step after the last chunk runs once, under the run's lock."""
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ChunkedRun, RunChunk


def run_plan(*, run_id: str, name: str, plan: Callable[[], list]) -> tuple[ChunkedRun, bool]:
    """The run with this id, planning it (``plan()``: the JSON arguments of each chunk) if it is new.
    Returns the run and whether it was planned now."""
    run = ChunkedRun.objects.filter(pk=run_id).first()
    if run is not None:
        return run, False
    return ChunkedRun.objects.create(pk=run_id, name=name, plan=plan()), True


def run_chunk_once(*, run_id: str, key: str, work: Callable[[], dict]) -> bool:
    """Do ``work()`` and record the chunk done in one transaction, unless it is done already."""
    if RunChunk.objects.filter(run_id=run_id, key=key).exists():
        return False
    try:
        with transaction.atomic():
            result = work()
            RunChunk.objects.create(run_id=run_id, key=key, result=result)
    except IntegrityError:
        if RunChunk.objects.filter(run_id=run_id, key=key).exists():
            return False  # a twin delivery of this chunk committed first: its work stands, ours rolled back
        raise
    return True


def run_finish_when_complete(*, run_id: str, finish: Callable[[list[dict]], dict]) -> bool:
    """After a chunk: if every planned chunk is done and the run is not finished, ``finish(results)`` once."""
    with transaction.atomic():
        run = ChunkedRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None or run.done_chunks.count() < len(run.plan):
            return False
        results = [chunk.result for chunk in run.done_chunks.order_by("key")]
        run.report = {**run.report, **finish(results)}
        run.finished_at = timezone.now()
        run.save(update_fields=["report", "finished_at"])
    return True
