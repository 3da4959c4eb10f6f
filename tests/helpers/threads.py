"""Tests leave no thread behind: every loop, node and server they start ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

THREAD_GRACE_S = 10.0
"""How long a stopping thread may take to end after its test (a sentence, a socket close)."""


@contextmanager
def no_new_threads_left() -> Iterator[None]:
    """Fail if threads started inside the block are still running a grace period after it."""
    before = set(threading.enumerate())
    yield
    extra = [t for t in threading.enumerate() if t not in before]
    for thread in extra:
        thread.join(THREAD_GRACE_S)
    leaked = [t.name for t in extra if t.is_alive()]
    assert not leaked, f"threads still running after the test: {leaked}"
