"""Saving a challenge in the embedded default: matching off, on-save refresh in the background thread, inline.

    python bench/challenge_save.py [--db PATH | --synthetic 30000,2000,4000] [--saves 30]

Same data sets as match_pass.py (a sqlite data set is copied first).  The indexes are
built once, then one challenge is edited ``--saves`` times through
``projects.services.challenge_update`` (SQLite, eager Celery), in three modes:

* ``off``: matching's receivers disconnected (the save alone);
* ``thread``: MATCHING_ON_SAVE = "thread", the refresh runs in the background thread
  after the save returns; the bench waits for it (``background.drain``) before the
  next save and reports how long the refresh itself took;
* ``inline``: the refresh runs in the committing thread, i.e. inside the request
  (what eager Celery did before the background thread).

Prints p50/p95 of the save and the queries it ran on the request's connection; the
target is thread p50 within 50 ms of off.  Figures, not a test.
"""
from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_data import build_synthetic, dataset_path, setup_django, working_copy  # noqa: E402
from match_pass import QueryCounter  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1) if len(values) > 1 else values[0] * 1000


def measure(challenge, actor, saves: int, mode: str) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.db.models.signals import post_delete, post_save

    from matching import signals
    from projects.models import Challenge
    from projects.services import challenge_update

    signals.connect()
    if mode == "off":
        for signal in (post_save, post_delete):
            signal.disconnect(sender=Challenge, dispatch_uid=f"matching.challenge.{signal}")
    settings.MATCHING_ON_SAVE = mode
    seconds, queries, refresh = [], [], []
    for n in range(saves + 1):  # the first save warms up (index load, jieba) and is not counted
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            challenge_update(actor=actor, challenge=challenge, title_zh=f"{challenge.title_zh[:150]}（第{n}次修订）")
        saved = time.perf_counter()
        if mode == "thread":
            from matching import background

            background.drain()
        if n:
            seconds.append(saved - started)
            queries.append(counter.count)
            refresh.append(time.perf_counter() - saved)
    figures = {"p50_ms": percentile(seconds, 50), "p95_ms": percentile(seconds, 95),
               "queries_p50": statistics.median(queries)}
    if mode == "thread":
        figures["background_refresh_p50_ms"] = percentile(refresh, 50)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--synthetic")
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--modes", default="off,thread,inline")
    args = parser.parse_args()

    source, label = dataset_path(args.db, args.synthetic)
    if source is not None and not source.exists():
        build_synthetic(source, args.synthetic or "30000,2000,4000")
    workdir = Path(tempfile.mkdtemp(prefix="challenge-save-"))
    copy = working_copy(source, workdir / "data.sqlite3")
    setup_django(copy, MATCHING_INDEX_DIR=str(workdir / "index"), CELERY_TASK_ALWAYS_EAGER="1")

    from matching import indexes
    from projects.models import Challenge

    started = time.monotonic()
    for name in indexes.INDEXES:
        indexes.rebuild(name)
    print(f"data set: {label}; indexes built in {time.monotonic() - started:.0f} s", flush=True)
    challenge = (Challenge.objects.filter(status=Challenge.Status.PUBLISHED, deadline__gt=datetime.date.today())
                 .select_related("posted_by").order_by("pk").first())
    figures = {"data": label, "challenge": challenge.pk}
    for mode in args.modes.split(","):
        figures[mode] = measure(challenge, challenge.posted_by, args.saves, mode)
        print(mode, figures[mode], flush=True)
    if "off" in figures and "thread" in figures:
        figures["thread_minus_off_p50_ms"] = round(figures["thread"]["p50_ms"] - figures["off"]["p50_ms"], 1)
    print(json.dumps(figures, ensure_ascii=False))
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
