"""`--verify asr` beside the uploads: units awaiting the recogniser, heard one at a time.

A recogniser costs about three times what Piper spends speaking (PocketSphinx: 0.29 CPU s
per audio second). Heard inside the upload check, every upload waited for it and the
coordinator's CPU went to hearing while nodes waited for their answers. Here an upload is
answered on the quick checks (format, length, the judge, the pace) and its unit waits in
this queue, heard by one thread at low priority: the farm's event loop and the chapters'
encoders keep their CPU, and the recogniser can never take more than one core. Each
verdict goes back to the farm, which keeps the unit or puts it back to be spoken again.

Why on the coordinator and not on nodes with spare time: a node has spare time only at
the book's end, while the queue fills from the first unit; a unit's audio would travel
back out, and a node's verdict is a peer's word the coordinator would have to trust.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from e2a_node.runner import lower_thread_priority

from ..store import UnitRecord
from .uploads import CheckedAudio, UploadRejected, read_wav

log = logging.getLogger(__name__)

HEARING_NICE = 10
"""As nice as the built-in node's speech: hearing waits for the farm's own work."""

Verify = Callable[[np.ndarray, int, Sequence[str]], str | None]


@dataclass(frozen=True)
class Awaiting:
    """A unit whose audio passed the quick checks and awaits the recogniser."""

    node_id: str
    unit: UnitRecord
    tmp: Path
    checked: CheckedAudio


class HearingQueue:
    """One low-priority thread hears queued units in order and reports each verdict.

    ``on_verdict(item, reason)``: ``reason`` None keeps the unit; a string says what the
    recogniser found wrong. A recogniser that fails (a bug, an unreadable file) passes the
    unit, logged: a check must never lose the book its audio.
    """

    def __init__(self, verify: Verify, on_verdict: Callable[[Awaiting, str | None], None],
                 nice: int = HEARING_NICE,
                 on_unheard: Callable[[Awaiting], None] | None = None) -> None:
        self._verify = verify
        self._on_verdict = on_verdict
        self._on_unheard = on_unheard
        self._nice = nice
        self._queue: queue.Queue[Awaiting | None] = queue.Queue()
        self._idle = threading.Condition()
        self._waiting = 0  # queued or being heard
        self._go = threading.Event()  # cleared while the farm is paused
        self._go.set()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="e2a-hearing", daemon=True)
        self._thread.start()

    def submit(self, item: Awaiting) -> None:
        with self._idle:
            self._waiting += 1
        self._queue.put(item)

    def hold(self) -> None:
        """The farm is paused: hear nothing more after the unit being heard (Pause means
        this PC stops spending CPU on the book)."""
        self._go.clear()

    def carry_on(self) -> None:
        self._go.set()

    @property
    def waiting(self) -> int:
        """Units queued or being heard now."""
        with self._idle:
            return self._waiting

    def drain(self, timeout: float | None = None, left: int = 0) -> bool:
        """Wait until no more than ``left`` units await their verdict; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._waiting <= left, timeout)

    def stop(self) -> None:
        """Hear no more (the job is over or stopped): what is queued, and the unit being
        heard, go to ``on_unheard``, which keeps their audio: spoken work is never thrown
        away for a check that did not get to it (Cancel or Keep for later with a backlog
        of units awaiting the recogniser re-spoke them all)."""
        self._stopped = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self._unheard(item)
                with self._idle:
                    self._waiting -= 1
                    self._idle.notify_all()
        self._queue.put(None)
        self._go.set()

    def join(self, timeout: float = 10.0) -> None:
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def close(self, timeout: float = 10.0) -> None:
        self.stop()
        self.join(timeout)

    def _run(self) -> None:
        lower_thread_priority(self._nice)
        while True:
            item = self._queue.get()
            if item is None:
                return
            self._go.wait()  # (stop() sets it: a paused queue still ends)
            try:
                if self._stopped:
                    self._unheard(item)
                    continue
                reason = self._hear(item)
                if self._stopped:  # (its recogniser was ended mid-unit: no verdict)
                    self._unheard(item)
                    continue
                self._on_verdict(item, reason)
            except Exception:  # never kill the thread: the next unit still needs hearing
                log.exception("hearing unit %d failed", item.unit.id)
            finally:
                with self._idle:
                    self._waiting -= 1
                    self._idle.notify_all()

    def _unheard(self, item: Awaiting) -> None:
        if self._on_unheard is None:
            item.tmp.unlink(missing_ok=True)
            return
        try:
            self._on_unheard(item)
        except Exception:  # (stopping: the unit is spoken again next run at worst)
            log.exception("unit %d could not be kept unheard", item.unit.id)
            item.tmp.unlink(missing_ok=True)

    def _hear(self, item: Awaiting) -> str | None:
        try:
            _channels, _width, rate, data = read_wav(item.tmp)
            return self._verify(np.frombuffer(data, dtype="<i2"), rate, item.unit.sentences)
        except (UploadRejected, OSError, ValueError, RuntimeError) as exc:
            if self._stopped:
                return None  # ended by stop(): kept unheard, not "could not be heard"
            log.warning("unit %d could not be heard (%s); kept without hearing it",
                        item.unit.id, exc)
            return None
