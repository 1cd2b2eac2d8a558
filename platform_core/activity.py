"""Generated activity is not news: a switch that bulk generators (seed_scale, demo) turn on.

While `generating()` is active in a thread, `notify()` stores and sends nothing and
reactions that would recompute derived data per saved row (matching's on-save refresh)
stay quiet; the generator runs whatever bulk pass it needs once at the end.
"""
import threading
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def generating():
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        yield
    finally:
        _state.depth = depth


def is_generating() -> bool:
    return getattr(_state, "depth", 0) > 0
