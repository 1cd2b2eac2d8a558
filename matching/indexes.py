"""The three persisted candidate indexes and their incremental updates.

=============  =========================================  ===========================
index          candidates (keys)                          searched by
=============  =========================================  ===========================
experts        user accounts with research evidence       challenges
achievements   public achievements, stand-alone patents   challenges
organisations  enterprises and active joint centers       achievements, talent
=============  =========================================  ===========================

Files live in ``settings.MATCHING_INDEX_DIR/<name>/`` next to a ``version`` file; the
database row `IndexState` names the version that belongs to this database.  When the
files are missing or belong to another database the index is rebuilt from the
database, its candidates' profiles read in bulk (``load_profiles``: a few queries per
thousand candidates).  Writers (and loads) take an exclusive file lock: the engine's
index is not safe for concurrent writers, and several Celery workers may run at once.
Each process keeps the loaded index and reloads it when another process saved a newer
one.
"""
from __future__ import annotations

import fcntl
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import profiles as P
from .embeddings import dense_enabled, vectors_for
from .engine import Index, add_terms
from .models import IndexState


def _achievements(achievements):
    return [P.achievement_profile(a) for a in achievements.prefetch_related("patents").iterator(P.BULK_CHUNK)]


def _patents(patents):
    return [P.patent_profile(p) for p in patents]


def _enterprises(organisations):
    return P.enterprise_profiles(organisations.prefetch_related("industry_nodes", "fields").iterator(P.BULK_CHUNK))


def _centers(centers):
    return [P.center_profile(c) for c in centers.select_related("enterprise", "university")
            .prefetch_related("industry_nodes", "fields").iterator(P.BULK_CHUNK)]


# candidate kind -> (its candidates, their profiles from a queryset of them)
KINDS: dict[str, tuple[Callable, Callable]] = {
    "user": (P.expert_queryset, P.expert_profiles),
    "achievement": (P.achievement_candidates, _achievements),
    "patent": (P.patent_candidates, _patents),
    "organisation": (P.enterprise_candidates, _enterprises),
    "center": (P.center_candidates, _centers),
}
INDEXES: dict[str, tuple[str, ...]] = {  # index -> candidate kinds
    "experts": ("user",),
    "achievements": ("achievement", "patent"),
    "organisations": ("organisation", "center"),
}


def load_profiles(name: str) -> dict[str, P.Profile]:
    """Every candidate of one index that has text, by key, read in bulk."""
    profiles = {}
    for kind in INDEXES[name]:
        candidates, build = KINDS[kind]
        profiles.update((p.key, p) for p in build(candidates()) if p.has_text)
    return profiles


def candidate_profiles(keys: Iterable[str]) -> dict[str, P.Profile]:
    """The current profiles of these candidates; a key that is gone or no longer a candidate is left out."""
    ids: dict[str, list[int]] = {}
    for key in keys:
        kind, pk = P.split_key(key)
        if kind in KINDS:
            ids.setdefault(kind, []).append(pk)
    profiles = {}
    for kind, pks in ids.items():
        candidates, build = KINDS[kind]
        for start in range(0, len(pks), P.BULK_CHUNK):
            profiles.update((p.key, p) for p in build(candidates().filter(pk__in=pks[start:start + P.BULK_CHUNK])))
    return profiles


def index_dir(name: str) -> Path:
    return Path(settings.MATCHING_INDEX_DIR) / name


# ------------------------------------------------------------------ locking

_held = threading.local()


@contextmanager
def _locked(name: str):
    """Exclusive lock on one index directory, re-entrant within a thread."""
    depth = getattr(_held, name, 0)
    if depth:
        setattr(_held, name, depth + 1)
        try:
            yield
        finally:
            setattr(_held, name, depth)
        return
    path = index_dir(name)
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        setattr(_held, name, 1)
        try:
            yield
        finally:
            setattr(_held, name, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------ dictionary

_dictionary_loaded = False


def ensure_dictionary(refresh: bool = False) -> None:
    """Teach the tokenizer the platform's terms once per process (again on a full rebuild)."""
    global _dictionary_loaded
    if refresh or not _dictionary_loaded:
        add_terms(P.domain_terms())
        _dictionary_loaded = True


# ------------------------------------------------------------------ load / build

_loaded: dict[str, tuple[str, int, Index]] = {}  # name -> (version, meta mtime, index)


def _stamp(name: str) -> int:
    meta = index_dir(name) / "meta.json"
    return meta.stat().st_mtime_ns if meta.exists() else -1


def get_index(name: str, *, compute: bool = False) -> Index:
    """The current index, loaded from disk or rebuilt from the database."""
    ensure_dictionary()
    with _locked(name):
        state = IndexState.objects.filter(name=name).first()
        version_file = index_dir(name) / "version"
        if state and version_file.exists() and version_file.read_text().strip() == state.version:
            stamp = _stamp(name)
            cached = _loaded.get(name)
            if cached and cached[0] == state.version and cached[1] == stamp:
                return cached[2]
            index = Index.load(index_dir(name), embed=False)
            _loaded[name] = (state.version, stamp, index)
            return index
        return rebuild(name, compute=compute)


def _profile_vectors(profiles: list[P.Profile], compute: bool) -> dict | None:
    if not dense_enabled():
        return None
    texts = [t for p in profiles for t in p.texts]
    rows, _complete = vectors_for(texts, "passage", compute=compute)
    vectors, start = {}, 0
    for profile in profiles:
        vectors[profile.key] = rows[start:start + len(profile.texts)]
        start += len(profile.texts)
    return vectors


def rebuild(name: str, *, compute: bool = False, profiles: dict[str, P.Profile] | None = None) -> Index:
    """Build one index from the database and persist it (the nightly pass and first use).

    ``profiles``: the candidates of ``load_profiles(name)`` when the caller already has them."""
    ensure_dictionary()
    profiles = list((load_profiles(name) if profiles is None else profiles).values())
    index = Index.build({p.key: p.texts for p in profiles}, vectors=_profile_vectors(profiles, compute),
                        embed=False)
    version = uuid.uuid4().hex
    with _locked(name):
        _save(name, index, version)
    return index


def _save(name: str, index: Index, version: str) -> None:
    path = index_dir(name)
    index.save(path)
    (path / "version").write_text(version)
    IndexState.objects.update_or_create(name=name, defaults={
        "version": version, "size": len(index), "dense_coverage": index.dense_coverage(),
        "built_at": timezone.now()})
    _loaded[name] = (version, _stamp(name), index)


def update_candidate(name: str, key: str, *, compute: bool = False) -> None:
    """Add, replace or remove one candidate without a rebuild."""
    with _locked(name):
        index = get_index(name, compute=compute)
        profile = candidate_profiles([key]).get(key)
        if profile is None or not profile.has_text:
            index.remove(key)
        else:
            vectors = _profile_vectors([profile], compute)
            index.add(key, profile.texts, vectors[key] if vectors else None)
        _save(name, index, IndexState.objects.get(name=name).version)
