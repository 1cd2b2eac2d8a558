"""Where the on-save refreshes run: a Celery worker, or one background thread of the embedded default.

With eager Celery (no broker) `task.delay()` runs the task in the caller: on commit of
a challenge edit, that is inside the web request.  With ``MATCHING_ON_SAVE = "thread"``
(the default) the request only queues the task; a single daemon thread runs the
queue in order, after the response.  A task already waiting with the same arguments
is not queued twice (several saves of one record make one refresh).  The thread
closes its database connection after each job, so it holds none while idle.  Jobs
are lost if the process exits first: the nightly pass recomputes everything anyway.
"""
from __future__ import annotations

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_jobs: queue.Queue = queue.Queue()
_waiting: set[tuple[str, object]] = set()  # queued and not started yet
_lock = threading.Lock()
_worker: tuple[int, threading.Thread] | None = None  # (process id, thread): a forked process starts its own


def enqueue(task, *args) -> None:
    """Send ``task`` to the worker, or, with eager Celery and MATCHING_ON_SAVE "thread", to the thread.

    ``"inline"`` (the test setting) keeps eager tasks in the caller: deterministic, and
    on the caller's database connection (an in-memory test database is not shared)."""
    if settings.MATCHING_ON_SAVE == "thread" and task.app.conf.task_always_eager:
        submit(task, *args)
    else:
        task.delay(*args)


def submit(task, *args) -> None:
    """Run ``task(*args)`` in the background thread, unless it is already waiting there."""
    global _worker
    key = (task.name, args)
    with _lock:
        if key in _waiting:
            return
        _waiting.add(key)
        _jobs.put((task, args))
        if _worker is None or _worker[0] != os.getpid() or not _worker[1].is_alive():
            thread = threading.Thread(target=_run, name="matching-on-save", daemon=True)
            thread.start()
            _worker = (os.getpid(), thread)


def _run() -> None:
    while True:
        task, args = _jobs.get()
        with _lock:
            _waiting.discard((task.name, args))  # a save from now on queues a new run
        try:
            task.apply(args=args, throw=True)  # eager: never runs the embedding model (tasks.py)
        except Exception:  # one failed refresh must not stop the thread; the nightly pass repairs it
            logger.exception("matching: background %s%r failed", task.name, args)
        finally:
            connections.close_all()
            _jobs.task_done()


def drain() -> None:
    """Wait until every queued job has run (tests, and a clean shutdown)."""
    _jobs.join()
