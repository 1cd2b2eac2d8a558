"""Make a race certain instead of lucky.

Threads released together by `run_at_the_same_moment` still drift apart by tens of milliseconds (each opens
its own database connection on a loaded machine), and a short transaction often commits before the next
one reads: without help a missing row lock is caught only now and then. `meet_after` holds every racer
right after a step of the code under test, inside its transaction, until all racers got there (or until
`timeout` passes): when the step is guarded by a row lock only one racer can be inside and it goes on
after the timeout, the others follow one by one; without the lock they all leave the meeting point
together with the others' work uncommitted, so each decides without seeing it, every run.
"""
import functools
import threading

MEETING_TIMEOUT = 2.0  # seconds a racer waits for the others at the meeting point


def meet_after(monkeypatch, module, name: str, racers: int, timeout: float = MEETING_TIMEOUT) -> None:
    """Replace `module.name` by a version that does the original's work, then waits for the other racers."""
    original = getattr(module, name)
    barrier = threading.Barrier(racers)

    @functools.wraps(original)
    def then_meet(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            barrier.wait(timeout)
        except threading.BrokenBarrierError:  # someone is held by a lock (or failed): go on alone
            pass
        return result

    monkeypatch.setattr(module, name, then_meet)
