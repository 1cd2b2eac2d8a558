"""The nightly full pass as idempotent chunk tasks (issue 12 §10): `plan` rebuilds the indexes (embedding
what is missing) and lists the live sources in chunks of `services.CHUNK`; each chunk is recomputed by its
own task and recorded done in the same transaction (platform_core.runs), so a chunk delivered twice is
computed once; after the last chunk one digest per person is sent, once. `services.refresh_all` stays the
one-process pass of `manage.py matching_recompute`, the demo and the benchmarks."""
import time

from django.apps import apps
from django.db.models import Model

from platform_core.runs import run_chunk_once, run_finish_when_complete, run_plan

from . import indexes, services
from .embeddings import dense_enabled, embed_missing

RUN_NAME = "matching.full_pass"


def plan(*, run_id: str, compute: bool) -> tuple[str, list, bool]:
    """Prepare the pass once per run id; returns the id, the chunks ([direction, ids]) and whether it was new."""
    def prepare() -> list:
        indexes.ensure_dictionary(refresh=True)
        profiles = {name: indexes.load_profiles(name) for name in indexes.INDEXES}
        if compute and dense_enabled():
            for kind, texts in services.pass_texts(profiles).items():
                embed_missing(texts, kind)
        for name in indexes.INDEXES:
            indexes.rebuild(name, profiles=profiles[name])
        chunks = []
        for direction, spec in services.DIRECTIONS.items():
            services._forget_closed(direction)
            ids = services._live_ids(spec.source_model)
            chunks += [[direction, ids[start:start + services.CHUNK]]
                       for start in range(0, len(ids), services.CHUNK)]
        return chunks

    run, planned = run_plan(run_id=run_id, name=RUN_NAME, plan=prepare)
    return str(run.pk), run.plan, planned


def _label(obj: Model) -> str:
    return obj._meta.label_lower


def refresh_chunk(*, run_id: str, index: int) -> bool:
    """Recompute chunk `index` of the run unless it is done; finish the run after its last chunk."""
    from platform_core.models import ChunkedRun

    direction, ids = ChunkedRun.objects.values_list("plan", flat=True).get(pk=run_id)[index]

    def work() -> dict:
        news = services.News()
        started = time.monotonic()
        pool = services._single_pool(direction, compute=False)  # the indexes the plan rebuilt, embedded there
        stored = services._refresh_chunk(pool, ids, news)
        return {"direction": direction, "sources": len(ids), "stored": stored,
                "seconds": round(time.monotonic() - started, 1),
                "news": [[d, _label(source), source.pk, count] for d, source, count in news.found]}

    ran = run_chunk_once(run_id=run_id, key=f"{index:06d}", work=work)
    run_finish_when_complete(run_id=run_id, finish=_finish)
    return ran


def _finish(results: list[dict]) -> dict:
    """One digest per person for the strong new matches of the whole run, and the run's figures."""
    wanted: dict[str, set[int]] = {}
    for result in results:
        for _direction, label, pk, _count in result["news"]:
            wanted.setdefault(label, set()).add(pk)
    objects = {(label, pk): obj for label, pks in wanted.items()
               for pk, obj in apps.get_model(label).objects.in_bulk(pks).items()}
    news = services.News()
    for result in results:
        for direction, label, pk, count in result["news"]:
            if (label, pk) in objects:
                news.add(direction, objects[label, pk], count)
    directions: dict[str, dict] = {}
    for result in results:
        figures = directions.setdefault(result["direction"], {"sources": 0, "stored": 0, "seconds": 0.0})
        for name in figures:
            figures[name] += result[name]
    return {"directions": directions, "notifications": news.send_digest()}
