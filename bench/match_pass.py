"""The nightly matching pass at scale: time, queries, notifications; incremental and full embedding.

    python bench/match_pass.py [--db PATH | --synthetic 30000,2000,4000] [--timeout SECONDS]
                               [--embed] [--incremental 200] [--sample 100]

Data: ``--db`` (a sqlite file), else DATABASE_URL, else /tmp/scale1.sqlite3 (made by
``manage.py seed_scale --scale 1``) when it exists, else a synthetic data set built
once with bulk_create (see match_data.py; sizes = achievements, enterprises,
challenges).  A sqlite data set is copied first, so every run starts from the same
rows (no matches yet).  Figures are printed, not asserted.

(a) the full lexical pass (``services.refresh_all``, MATCHING_DENSE off): total time
    (wall clock, and the CPU time of this process: the machine is shared), queries,
    notifications and e-mails, and the pass's own report (per direction);
    ``--timeout`` stops a pass that runs too long and prints how far it got (the
    sources with stored matches per direction);
(b) with ``--embed`` and the model loading: the incremental embedding of
    ``--incremental`` new texts on top of a database whose texts already have vectors
    (random unit vectors stored under the texts' keys stand in for the hours a full
    first embedding takes), through the pass with MATCHING_DENSE on;
(c) the full first embedding: the number of texts the pass would embed on an empty
    table, and the time estimated from ``--sample`` texts embedded by the model.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_data import build_synthetic, dataset_path, setup_django, working_copy  # noqa: E402


class PassTimeout(Exception):
    pass


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def full_pass(timeout: int | None) -> dict:
    from django.core import mail
    from django.db import connection
    from django.db.models import Count

    from matching import services
    from matching.models import Match
    from platform_core.models import Notification

    mail.outbox = []
    counter = QueryCounter()
    notified_before = Notification.objects.filter(event="matching.new_match").count()

    def stop(signum, frame):
        raise PassTimeout

    if timeout:
        signal.signal(signal.SIGALRM, stop)
        signal.alarm(timeout)
    started, cpu = time.monotonic(), time.process_time()
    report, finished = None, True
    try:
        with connection.execute_wrapper(counter):
            report = services.refresh_all(compute=False)
    except PassTimeout:
        finished = False
    finally:
        signal.alarm(0)
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    progress = dict(Match.objects.values("direction").annotate(n=Count("source_id", distinct=True))
                    .values_list("direction", "n"))
    return {
        "finished": finished, "seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1), "queries": counter.count,
        "matches": Match.objects.count(), "sources_with_matches": progress,
        "notifications": Notification.objects.filter(event="matching.new_match").count() - notified_before,
        "emails": len(mail.outbox), "report": report,
    }


def live_source_counts() -> dict:
    from matching import profiles as P

    return {"challenges": P.live_challenges().count(), "achievements": P.live_achievements().count(),
            "talent": P.live_talent().count()}


def texts_of_the_pass() -> dict[str, list[str]]:
    from matching import indexes, services

    return services.pass_texts({name: indexes.load_profiles(name) for name in indexes.INDEXES})


def store_random_vectors(texts: dict[str, list[str]]) -> int:
    """Stand-in vectors for every text the pass would embed (as if a first embedding had run)."""
    import numpy as np

    from matching import embeddings
    from matching.engine.embeddings import DIM
    from matching.models import TextEmbedding

    rng = np.random.default_rng(1121)
    keys = sorted({key for kind, batch in texts.items() for key in embeddings.missing_keys(batch, kind)})
    for start in range(0, len(keys), 5000):
        chunk = keys[start:start + 5000]
        vectors = rng.standard_normal((len(chunk), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        TextEmbedding.objects.bulk_create(
            [TextEmbedding(key=k, vector=v.tobytes()) for k, v in zip(chunk, vectors, strict=True)],
            batch_size=1000)
    return len(keys)


def add_achievements(n: int) -> None:
    """``n`` new stock achievements (bulk, no signal): ``n`` new query texts for the pass."""
    from match_data import World

    from transfer.models import Achievement

    world = World(30, 1, 1)
    template = Achievement.objects.order_by("pk").first()
    rows = []
    for _ in range(n):
        p = world.paper()
        rows.append(Achievement(title=f"新增成果{world.title(p)}", owner_id=template.owner_id,
                                school_id=template.school_id, industry_node_id=template.industry_node_id,
                                field_id=template.field_id, trl=4, abstract=world.abstract(p),
                                keywords=world.papers[p]["keywords"][:5], status="stock", source="manual"))
    Achievement.objects.bulk_create(rows)


def embedding_figures(incremental: int, sample: int) -> dict:
    from django.conf import settings

    from matching import embeddings, services
    from matching.engine.embeddings import embed_texts, get_model

    settings.MATCHING_DENSE = True
    try:
        started = time.monotonic()
        get_model()
        figures = {"model_load_s": round(time.monotonic() - started, 2)}
    except Exception as exc:  # the figure to report is that it did not load, and why
        return {"model": f"did not load: {type(exc).__name__}: {exc}"}

    # (c) how many texts an empty table needs, and the model's speed on a sample of them
    texts = texts_of_the_pass()
    distinct = {embeddings.text_key(t, kind): (t, kind) for kind, batch in texts.items() for t in batch
                if embeddings.prepare_text(t)}
    figures["texts_to_embed_first_time"] = len(distinct)
    chosen = list(distinct.values())[:: max(1, len(distinct) // sample)][:sample]
    started = time.monotonic()
    for kind in ("passage", "query"):
        embed_texts([t for t, k in chosen if k == kind], kind)
    per_text = (time.monotonic() - started) / max(len(chosen), 1)
    figures["model_s_per_text"] = round(per_text, 3)
    figures["first_embedding_estimated_h"] = round(per_text * len(distinct) / 3600, 1)

    # (b) every text has a vector; add new ones and let the pass embed just those
    figures["stand_in_vectors"] = store_random_vectors(texts)
    add_achievements(incremental)
    started, cpu = time.monotonic(), time.process_time()
    report = services.refresh_all(compute=True)
    figures["dense_pass_s"] = round(time.monotonic() - started, 1)
    figures["dense_pass_cpu_s"] = round(time.process_time() - cpu, 1)
    figures["dense_pass_report"] = report
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="sqlite file of the data set")
    parser.add_argument("--synthetic", help="achievements,enterprises,challenges (default 30000,2000,4000)")
    parser.add_argument("--timeout", type=int, default=None, help="stop the lexical pass after this many seconds")
    parser.add_argument("--embed", action="store_true", help="also (b) incremental and (c) full embedding")
    parser.add_argument("--incremental", type=int, default=200)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="write the worked-on copy here and keep it (else deleted)")
    args = parser.parse_args()

    source, label = dataset_path(args.db, args.synthetic)
    if source is not None and not source.exists():
        build_synthetic(source, args.synthetic or "30000,2000,4000")
        source, label = dataset_path(args.db, args.synthetic)
    workdir = Path(tempfile.mkdtemp(prefix="match-pass-"))
    copy = working_copy(source, args.keep or workdir / "data.sqlite3")
    setup_django(copy, MATCHING_DENSE="0", MATCHING_INDEX_DIR=str(workdir / "index"))

    from django.db import connection

    print(f"data set: {label} ({connection.vendor}), live sources {live_source_counts()}", flush=True)
    figures = {"data": label, "pass": full_pass(args.timeout)}
    print(json.dumps(figures["pass"], ensure_ascii=False, indent=1), flush=True)
    if args.embed:
        figures["embedding"] = embedding_figures(args.incremental, args.sample)
        print(json.dumps(figures["embedding"], ensure_ascii=False, indent=1), flush=True)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, ensure_ascii=False))
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
