"""Dense vectors stored in the database (TextEmbedding), so every worker shares them.

The model costs 0.15–0.5 s per text: vectors are computed only in Celery tasks that
run on a worker or in the nightly pass (``compute=True``), never on a request path.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.conf import settings

from .engine.embeddings import DIM, embed_texts, prepare_text, text_key
from .models import TextEmbedding


def dense_enabled() -> bool:
    return bool(getattr(settings, "MATCHING_DENSE", True))


def vectors_for(texts: Sequence[str], kind: str, *, compute: bool) -> tuple[np.ndarray, bool]:
    """(one row per text, complete?).  Missing vectors are computed and stored when
    ``compute``; otherwise they stay zero and ``complete`` is False.  Empty texts
    have a zero vector by definition."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    wanted = {i: text_key(t, kind) for i, t in enumerate(texts) if prepare_text(t)}
    if not wanted:
        return out, True
    stored = dict(TextEmbedding.objects.filter(key__in=set(wanted.values())).values_list("key", "vector"))
    missing = [i for i, key in wanted.items() if key not in stored]
    if missing and compute:
        unique = {wanted[i]: texts[i] for i in missing}
        computed = embed_texts(list(unique.values()), kind)
        rows = [TextEmbedding(key=key, vector=vector.astype(np.float32).tobytes())
                for key, vector in zip(unique, computed, strict=True)]
        TextEmbedding.objects.bulk_create(rows, ignore_conflicts=True)  # another worker may have stored them
        stored.update({row.key: row.vector for row in rows})
        missing = []
    for i, key in wanted.items():
        if key in stored:
            out[i] = np.frombuffer(bytes(stored[key]), dtype=np.float32)
    return out, not missing
