"""Keep the computer awake while a book renders (wakepy), and let it sleep again after.

Plain Python, no Qt. Where no inhibitor works (a headless box, a desktop without a
session D-Bus) it says so in one log line per run and carries on: rendering still
works, sleep is just not held off. wakepy's own account of each method it tried
(three INFO records, one a paragraph long, printed on stderr by the window's logging)
is kept out of the log; so is its ThreadSafetyWarning, by holding and releasing on one
thread of our own, which also keeps wakepy's import (a quarter second) and its D-Bus
calls off the caller's thread (the window's GUI thread).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger("e2a.keepawake")

_said_unavailable = threading.Event()  # one line per run, not one per book


class KeepAwake:
    """``hold()`` while work runs, ``release()`` when it ends or pauses; both idempotent,
    neither waits (``settle`` does); ``close`` releases and ends the helper thread."""

    def __init__(self) -> None:
        self._mode: Any = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e2a-keepawake")
        self._last: Future[None] | None = None

    @property
    def held(self) -> bool:
        """Whether sleep is being held off now (after ``settle``)."""
        return self._mode is not None

    def hold(self) -> None:
        self._submit(self._hold)

    def release(self) -> None:
        self._submit(self._release)

    def settle(self, timeout: float | None = 10.0) -> None:
        """Wait until the last hold or release has been done."""
        last = self._last
        if last is not None:
            with contextlib.suppress(Exception):
                last.result(timeout)

    def close(self) -> None:
        self.release()
        self._thread.shutdown(wait=True)

    def _submit(self, work: Any) -> None:
        with contextlib.suppress(RuntimeError):  # closed: nothing is held any more
            self._last = self._thread.submit(work)

    def _hold(self) -> None:  # on the helper thread, as is every wakepy call
        if self._mode is not None:
            return
        logging.getLogger("wakepy").setLevel(logging.WARNING)
        try:
            from wakepy import keep

            mode = keep.running(on_fail="pass")
            mode.__enter__()
        except Exception as exc:  # no inhibitor here: say so, go on
            self._unavailable(f"cannot keep this computer awake while converting ({exc})")
            return
        if not mode.active:
            self._unavailable("no way to keep this computer awake was found; it may sleep "
                              "mid-book")
        self._mode = mode

    def _release(self) -> None:
        mode, self._mode = self._mode, None
        if mode is not None:
            with contextlib.suppress(Exception):
                mode.__exit__(None, None, None)

    @staticmethod
    def _unavailable(why: str) -> None:
        if not _said_unavailable.is_set():
            _said_unavailable.set()
            log.info("%s", why)
