"""The books waiting, behind the panel: unfinished jobs from the job store, and the queue.

The queue is kept in ``queue.json`` in the data dir, written on every change, so
it survives a restart. A queued book leaves the queue when it starts; from then
on, if it is stopped, the job store lists it as unfinished.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..config import AppPaths
from ..jobs import JobSummary, list_jobs, remove_job, summarise
from ..service import CANCELLED, FINISHED
from .bridge import run_task
from .dialogs import Question
from .saved import QUEUE_NAME, SavedRequest, load_queue, save_queue, saved_request, unfinished
from .waiting import WaitingPanel

EditQueued = Callable[[SavedRequest], "SavedRequest | None"]
"""Shows a queued book's voice and output for a change; None when the person cancels."""


def queued_text(count: int) -> str:
    """What the window says when books join the queue mid-conversion, in plain English."""
    if count == 1:
        return "Queued 1 book: it starts when this one is done."
    return f"Queued {count} books: they start when this one is done."


class WaitingBooks(QObject):
    """Signals: ``run_requested(SavedRequest)`` (resume it, or the queue's next book at a
    person's click), ``moved_on(SavedRequest)`` (the queue's next book, started by itself
    after the one before ended: nobody may be there to answer a question),
    ``listed(int)`` (how many books wait, after each refresh).

    The queue goes on by itself after every book that finishes, the resumed ones
    included; a stopped book stops it (its Resume, or "Start the queue", goes on)."""

    run_requested = Signal(object)
    moved_on = Signal(object)
    listed = Signal(int)

    def __init__(self, paths: AppPaths, panel: WaitingPanel, confirm: Callable[[str], bool],
                 parent: QObject | None = None, edit: EditQueued | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.panel = panel
        self._confirm = confirm
        self._edit = edit or (lambda _saved: None)
        self.queue_path = paths.data_dir / QUEUE_NAME
        self.queue: list[SavedRequest] = load_queue(self.queue_path)
        self.queue_running = False
        self._busy: Path | None = None
        self._converting = False
        panel.resume_requested.connect(self._on_resume)
        panel.discard_requested.connect(self._on_discard)
        panel.queue_start_requested.connect(self.start_queue)
        panel.queue_edit_requested.connect(self._on_edit)
        panel.queue_remove_requested.connect(self._on_remove)
        self._show_queue()

    @property
    def busy(self) -> Path | None:
        """The job folder being converted (not listed as unfinished), or None."""
        return self._busy

    @busy.setter
    def busy(self, folder: Path | None) -> None:
        self._busy = folder
        self._show_queue()

    @property
    def converting(self) -> bool:
        """A book is being prepared or converted: "Start the queue" is not offered (the
        queue goes on by itself after it), and a Resume waits its turn."""
        return self._converting or self._busy is not None

    @converting.setter
    def converting(self, on: bool) -> None:
        self._converting = on
        self._show_queue()

    # -- unfinished jobs ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the job store off the GUI thread (it opens every job's database)."""
        paths = self.paths
        run_task(lambda: unfinished(list_jobs(paths)), self._on_listed)

    def _on_listed(self, jobs: list[JobSummary]) -> None:
        shown = [(j, saved_request(j)) for j in jobs if j.folder != self.busy]
        self.panel.show_unfinished(shown)
        self.listed.emit(self.panel.count)

    def _on_resume(self, job: JobSummary) -> None:
        saved = saved_request(job)
        if saved is not None:
            self.run_requested.emit(saved)

    def _on_discard(self, job: JobSummary) -> None:
        if self._confirm(Question("Delete what was spoken?", f"Delete what was spoken of "
                                  f"“{job.title}”? It cannot be undone.", undoable=False)):
            self.discard(job.folder)

    def discard(self, folder: Path) -> None:
        """Delete a job folder (off the GUI thread: it may hold gigabytes of audio)."""
        def remove() -> None:
            job = summarise(folder)
            if job is not None:
                remove_job(job)

        run_task(remove, lambda _none: self.refresh())

    # -- the queue ----------------------------------------------------------------------------

    def enqueue(self, items: list[SavedRequest]) -> None:
        self.queue.extend(items)
        self._save()

    def start_queue(self) -> None:
        """Render the queued books one after another, starting now."""
        self.queue_running = True
        self._run_next()

    def conversion_ended(self, state: str) -> None:
        """After each book: a stopped book stops the queue; otherwise the next one starts."""
        self.refresh()
        if state == CANCELLED:
            self.queue_running = False
            self._show_queue()
        elif self.queue_running or (state == FINISHED and self.queue):
            self.queue_running = True
            self._run_next(by_itself=True)

    def _run_next(self, by_itself: bool = False) -> None:
        if not self.queue:
            self.queue_running = False
            self._show_queue()
            return
        item = self.queue.pop(0)
        self._save()
        (self.moved_on if by_itself else self.run_requested).emit(item)

    def _on_edit(self, index: int) -> None:
        if 0 <= index < len(self.queue):
            changed = self._edit(self.queue[index])
            if changed is not None and 0 <= index < len(self.queue):
                self.queue[index] = changed
                self._save()

    def _on_remove(self, index: int) -> None:
        if 0 <= index < len(self.queue):
            del self.queue[index]
            self._save()

    def _save(self) -> None:
        save_queue(self.queue_path, self.queue)  # a few hundred bytes: fine on this thread
        self._show_queue()

    def _show_queue(self) -> None:
        self.panel.show_queue(self.queue, self.queue_running or self.converting)
        self.listed.emit(self.panel.count)
