"""Dense vectors stored in the database (TextEmbedding), so every worker shares them.

The model costs 0.15–0.5 s per text: vectors are computed only in Celery tasks that
run on a worker or in the nightly pass (``compute=True``), never on a request path.
A vector is keyed by the hash of (model, kind, text), so a changed text is a new
key and an unchanged one is never embedded again.  New vectors are computed in
chunks, each stored in its own transaction: a pass that crashes or hits its time
limit resumes where it stopped.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from django.conf import settings
from django.db import transaction

from .engine.embeddings import DIM, embed_texts, prepare_text, text_key
from .models import TextEmbedding

EMBED_CHUNK = 256   # texts embedded and committed together
LOOKUP_CHUNK = 500  # keys per lookup query


def dense_enabled() -> bool:
    return bool(getattr(settings, "MATCHING_DENSE", True))


def _keys(texts: Iterable[str], kind: str) -> dict[str, str]:
    """key -> text, for the texts the model would see (empty ones have no vector)."""
    return {text_key(t, kind): t for t in texts if prepare_text(t)}


def _stored(keys: Sequence[str], *, vectors: bool) -> dict[str, bytes | None]:
    found: dict[str, bytes | None] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        rows = TextEmbedding.objects.filter(key__in=keys[start:start + LOOKUP_CHUNK])
        if vectors:
            found.update(rows.values_list("key", "vector"))
        else:
            found.update((key, None) for key in rows.values_list("key", flat=True))
    return found


def missing_keys(texts: Iterable[str], kind: str) -> dict[str, str]:
    """key -> text of the texts that have no stored vector yet."""
    wanted = _keys(texts, kind)
    stored = _stored(list(wanted), vectors=False)
    return {key: text for key, text in wanted.items() if key not in stored}


def embed_missing(texts: Iterable[str], kind: str) -> int:
    """Embed and store the texts that have no vector yet; returns how many were embedded.

    Nothing happens with MATCHING_DENSE off.  Each chunk of EMBED_CHUNK texts is
    committed on its own (outside an enclosing transaction), so a crash loses at
    most one chunk and the next run skips what is stored."""
    if not dense_enabled():
        return 0
    missing = list(missing_keys(texts, kind).items())
    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start:start + EMBED_CHUNK]
        computed = embed_texts([text for _, text in chunk], kind)
        with transaction.atomic():
            TextEmbedding.objects.bulk_create(  # another worker may have stored some meanwhile
                [TextEmbedding(key=key, vector=vector.astype(np.float32).tobytes())
                 for (key, _), vector in zip(chunk, computed, strict=True)], ignore_conflicts=True)
    return len(missing)


def vectors_for(texts: Sequence[str], kind: str, *, compute: bool) -> tuple[np.ndarray, bool]:
    """(one row per text, complete?).  Missing vectors are computed and stored when
    ``compute``; otherwise they stay zero and ``complete`` is False.  Empty texts
    have a zero vector by definition."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [text_key(t, kind) if prepare_text(t) else None for t in texts]
    if compute:
        embed_missing(texts, kind)
    stored = _stored(list({k for k in keys if k is not None}), vectors=True)
    complete = True
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key in stored:
            out[i] = np.frombuffer(bytes(stored[key]), dtype=np.float32)
        else:
            complete = False
    return out, complete
