"""One conversion as the window sees it: commands in, Qt signals out.

Wraps the job service's ``Conversion``: starting it (off the GUI thread, since
opening a job may plan a long book), pausing, resuming and cancelling it, and
turning its events into what the window shows. It computes nothing itself.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..config import AppPaths
from ..convert import PreparedBook
from ..eventbus import EventBus
from ..events import (
    Cancelled,
    ChapterEncoded,
    Event,
    JobFailed,
    JobFinished,
    UnitFinished,
    UnitStarted,
)
from ..farm.host import FarmHost
from ..service import Conversion, Outcome
from .bridge import CoreBridge, run_task

PROGRESS_REFRESH_MS = 250


class ConversionSession(QObject):
    """Signals: ``started()``, ``start_failed(str)``, ``progressed(ProgressSnapshot)``,
    ``chapter_state_changed(int, str)``, ``ended(Outcome)``."""

    started = Signal()
    start_failed = Signal(str)
    progressed = Signal(object)
    chapter_state_changed = Signal(int, str)
    ended = Signal(object)

    def __init__(self, prepared: PreparedBook, paths: AppPaths, bus: EventBus, host: FarmHost,
                 bridge: CoreBridge, parent: QObject | None = None,
                 render_here: bool = True, job_meta: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.conversion = Conversion(prepared, paths, bus=bus, host=host, local_node=render_here,
                                     job_meta=job_meta)
        self._chapters = set(prepared.chapters)
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_REFRESH_MS)
        self._timer.timeout.connect(self._on_tick)
        self._done = False
        bridge.event_arrived.connect(self._on_event)

    def start(self) -> None:
        run_task(self.conversion.start, self._on_started, self.start_failed.emit)

    def pause(self) -> None:
        self.conversion.pause()

    def resume(self) -> None:
        self.conversion.resume()

    def cancel(self) -> None:
        """Asks; ``ended`` follows once the unit in hand is handed back."""
        self.conversion.cancel(timeout=0)

    @property
    def paused(self) -> bool:
        return self.conversion.paused

    def _on_started(self, _result: object) -> None:
        for chapter in self._chapters:
            self.chapter_state_changed.emit(chapter, "waiting")
        self._timer.start()
        self.started.emit()

    def _on_tick(self) -> None:
        self.progressed.emit(self.conversion.snapshot())

    def _on_event(self, event: Event) -> None:
        if self._done:
            return
        if isinstance(event, UnitStarted) and event.chapter in self._chapters:
            self.chapter_state_changed.emit(event.chapter, "speaking")
        elif isinstance(event, UnitFinished) and event.accepted:
            self.progressed.emit(self.conversion.snapshot())
        elif isinstance(event, ChapterEncoded) and event.chapter in self._chapters:
            self.chapter_state_changed.emit(event.chapter, "done")
        elif isinstance(event, JobFinished | Cancelled | JobFailed):
            self._end()

    def _end(self) -> None:
        outcome: Outcome | None = self.conversion.wait(0)
        if outcome is None:  # the terminal event is published just before the outcome is set
            run_task(lambda: self.conversion.wait(30), self._deliver)
            return
        self._deliver(outcome)

    def _deliver(self, outcome: Outcome | None) -> None:
        if self._done or outcome is None:
            return
        self._done = True
        self._timer.stop()
        self.progressed.emit(self.conversion.snapshot())
        self.ended.emit(outcome)
