"""One conversion as the window sees it: commands in, Qt signals out.

Wraps the job service's ``Conversion``: starting it (off the GUI thread, since
opening a job may plan a long book), pausing, resuming and cancelling it, and
turning its events into what the window shows. It computes nothing itself.
"""

from __future__ import annotations

from pathlib import Path

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
    UnitRequeued,
    UnitStarted,
)
from ..farm.host import FarmHost
from ..progress import ProgressSnapshot
from ..service import Conversion, ConvertResult, Outcome
from .bridge import CoreBridge, run_task

PROGRESS_REFRESH_MS = 250


class ConversionSession(QObject):
    """Signals: ``started()``, ``start_failed(str)``, ``progressed(ProgressSnapshot)``,
    ``chapter_states_changed(dict[int, str])``, ``ended(Outcome)``."""

    started = Signal()
    start_failed = Signal(str)
    progressed = Signal(object)
    chapter_states_changed = Signal(object)
    ended = Signal(object)

    def __init__(self, prepared: PreparedBook, paths: AppPaths, bus: EventBus, host: FarmHost,
                 bridge: CoreBridge, parent: QObject | None = None,
                 render_here: bool = True, job_meta: dict[str, str] | None = None,
                 device: str = "auto", shown_before: tuple[Path, float] | None = None) -> None:
        super().__init__(parent)
        self.conversion = Conversion(prepared, paths, bus=bus, host=host, local_node=render_here,
                                     job_meta=job_meta, device=device, shown_before=shown_before)
        self._chapter_states: dict[int, str] = {}  # as last shown
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
        self._timer.start()
        self.started.emit()
        self._show(self.conversion.snapshot())

    def _on_tick(self) -> None:
        self._show(self.conversion.snapshot())

    def _show(self, snap: ProgressSnapshot) -> None:
        """The chapters' states are the progress model's (the store's truth), never
        guessed here: a chapter encoded before ``started`` arrived stays "done"."""
        changed = {chapter: state for chapter, state in snap.chapter_states
                   if self._chapter_states.get(chapter) != state}
        if changed:  # one signal for all: the job's start sets every chapter at once
            self._chapter_states.update(changed)
            self.chapter_states_changed.emit(changed)
        self.progressed.emit(snap)

    def _on_event(self, event: Event) -> None:
        if self._done:
            return
        if isinstance(event, UnitStarted | UnitFinished | UnitRequeued | ChapterEncoded):
            self._show(self.conversion.snapshot())
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
        self._show(self.conversion.snapshot())
        self.ended.emit(outcome)


def outputs_of(prepared: PreparedBook) -> list[Path]:
    """The files a conversion writes that a person may already have: the audiobook (or its
    chapter files) and, when asked for, the read-along EPUB beside it."""
    from ..readalong import readalong_path

    request = prepared.request
    extra = [readalong_path(prepared.outputs, request.split_chapters)] \
        if request.read_along else []
    return [*prepared.outputs, *extra]


def finished_extras(result: ConvertResult) -> str:
    """What was written beside the audiobook, and what could not be, as a sentence's tail
    ("" for neither): the banner and the log name the subtitles and read-along EPUB."""
    tail = ""
    if result.extras:
        tail += f"; also wrote {', '.join(p.name for p in result.extras)}"
    for warning in result.warnings:
        tail += f"; {warning}"
    return tail
