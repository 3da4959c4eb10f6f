"""The Review tab: the last book's chapters, where each starts, and the parts to listen to.

What `e2a report` prints, in the window: per chapter its start in the audiobook and how
many parts it has, and every part the audio check flagged (kept only because every try
failed) with its time and text, a Play button (that part's own audio) and Redo (it goes
back in the queue; the window then converts the same book again, which speaks that one
part and binds the book again). "Redo at…" takes the time a listener heard something
wrong. Reading the job (its store, its encoded chapters) runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..config import AppPaths
from ..convert import PreparedBook, prepare
from ..ebook.model import Book
from ..errors import E2AError
from ..job import BOOK_PATH_META, STORE_NAME
from ..jobs import list_jobs
from ..review import (
    Flagged,
    JobReview,
    PlacedUnit,
    clock,
    flagged_units,
    heard_seconds,
    parse_time,
    redo,
    review_prepared,
    unit_at,
)
from .bridge import run_task
from .core import DesktopCore
from .saved import META_KEY, SavedRequest
from .window_layout import let_shrink

NOTHING_YET = ("Convert a book: its chapters, where each starts in the audiobook, and any "
               "part the audio check flagged show here.")
CONVERTING_FIRST = ("Converting: when the book is done, its chapters, where each starts in the "
                    "audiobook, and any part the audio check flagged show here.")
CONVERTING_AGAIN = "Converting; until it is done, this is the audiobook as it was: "
NO_FLAGS = "No parts were flagged: every spoken part passed the audio check."
REDO_AT_TIP = ("Speak again the part heard at this time in the audiobook, then bind the book "
               "again (nothing else is spoken again)")
REDO_TIP = "Speak this part again, then bind the book again"
TEXT_SHOWN = 90  # characters of a part's text in its row (the tooltip has it all)


@dataclass(frozen=True)
class Reviewed:
    """A job as the tab shows it, and what converting it again needs."""

    job: JobReview
    book_path: Path
    saved: SavedRequest | None  # what the window converted it with; None: not the window's


@dataclass(frozen=True)
class RedoDone:
    """A part put back in the queue: the book to convert again, and what was put back."""

    saved: SavedRequest | None
    book_path: Path
    chapter: int  # 1-based
    at: float | None
    text: str


def _one_line(text: str, limit: int = TEXT_SHOWN) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _review(prepared: PreparedBook, folder: Path, saved: SavedRequest | None) -> Reviewed:
    return Reviewed(review_prepared(folder, prepared), prepared.request.book_path, saved)


def latest_window_job(paths: AppPaths, book_path: Path, book: Book) -> Reviewed | None:
    """The newest job the window converted ``book_path`` into, reviewed (None: none)."""
    wanted = str(book_path.resolve())
    jobs = [job for job in list_jobs(paths)
            if job.meta.get(BOOK_PATH_META) == wanted and META_KEY in job.meta]
    if not jobs:
        return None
    newest = max(jobs, key=lambda job: _changed_at(job.folder / STORE_NAME))
    try:
        saved = SavedRequest.from_json(newest.meta[META_KEY])
    except ValueError:
        return None
    prepared = prepare(saved.convert_request(), saved.edited(book))
    return _review(prepared, newest.folder, saved)


def _changed_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # deleted meanwhile (`e2a jobs --clean`): the oldest, never a failure
        return 0.0


class ReviewTab(QWidget):
    """Signals: ``loaded(int)`` (a job shown; how many parts are flagged),
    ``redo_done(RedoDone)`` (a part is back in the queue), ``failed(str)`` (a sentence for
    the window's message line)."""

    loaded = Signal(int)
    redo_done = Signal(object)
    failed = Signal(str)

    def __init__(self, core: DesktopCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.shown: Reviewed | None = None
        self._converting = False
        self._summary = ""  # the shown job's summary, without the converting note
        self._asked = 0  # the newest load asked for; older answers are dropped
        self.summary = QLabel(NOTHING_YET)
        self.summary.setObjectName("reviewSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Chapters and flagged parts")
        self.tree.setHeaderLabels(["Chapter / flagged part", "Starts at", "Parts", "State", ""])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.at = QLineEdit()
        self.at.setPlaceholderText("H:MM:SS")
        self.at.setAccessibleName("Time in the audiobook")
        self.at.setMaximumWidth(110)
        # Enter plays what is there: hearing it first costs nothing, while Redo speaks it
        # again and binds the book again (a button, never a stray Enter).
        self.at.returnPressed.connect(self.play_at_time)
        self.play_at = QPushButton("Play")
        self.play_at.setToolTip("Hear the part at this time in the audiobook, to check "
                                "before Redo")
        self.play_at.clicked.connect(self.play_at_time)
        self.redo_at = QPushButton("Redo that part")
        self.redo_at.setToolTip(REDO_AT_TIP)
        self.redo_at.clicked.connect(self.redo_at_time)
        top = QHBoxLayout()  # one line above the tree: the tab sits in the window's lower third
        let_shrink(self.summary)
        top.addWidget(self.summary, 1)
        heard = QLabel("Heard a mistake at ti&me")
        heard.setBuddy(self.at)
        top.addWidget(heard)
        top.addWidget(self.at)
        top.addWidget(self.play_at)
        top.addWidget(self.redo_at)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addStretch(0)  # takes the room while the tree is hidden (nothing to review)
        self._job_widgets = (heard, self.at, self.play_at, self.redo_at, self.tree)
        self.play_buttons: dict[int, QPushButton] = {}  # unit id → its buttons, for tests
        self.redo_buttons: dict[int, QPushButton] = {}
        self._show_controls()

    # -- what is shown ----------------------------------------------------------------------

    def show_job(self, prepared: PreparedBook, folder: Path, saved: SavedRequest | None) -> None:
        """Review the job a conversion just ended (off the GUI thread)."""
        self._load(lambda: _review(prepared, folder, saved))

    def look_up(self, book_path: Path, book: Book) -> None:
        """A book was opened: show the job the window last converted it into, if any."""
        paths = self.core.paths
        self._load(lambda: latest_window_job(paths, book_path, book))

    def clear(self) -> None:
        """The book was closed: nothing of it is shown and Redo has nothing to redo (a
        review still being read is dropped)."""
        self._asked += 1
        self._show(None)

    def set_converting(self, converting: bool) -> None:
        """While a book converts, Redo waits (the job is in use; a redo starts a conversion)."""
        self._converting = converting
        if self.shown is None:  # no job of this book yet: say when there will be one
            self.summary.setText(CONVERTING_FIRST if converting else NOTHING_YET)
        else:  # the last audiobook stays shown, said to be the last one
            self._paint_summary()
        self._show_controls()

    def _paint_summary(self, text: str | None = None) -> None:
        """The summary of the job shown; while a book converts, said to be the audiobook as
        it was before (a conversion with other options, or a Redo, changes it)."""
        if text is not None:
            self._summary = text
        self.summary.setText((CONVERTING_AGAIN if self._converting else "") + self._summary)

    def _load(self, work: Callable[[], Reviewed | None]) -> None:
        self._asked += 1
        asked = self._asked

        def shown(result: Reviewed | None) -> None:
            if asked == self._asked:
                self._show(result)

        def failed(message: str) -> None:
            if asked == self._asked:
                self.summary.setText(f"Cannot review this book: {message}")
                self.loaded.emit(0)

        run_task(work, shown, failed)

    def _show(self, reviewed: Reviewed | None) -> None:
        self.shown = reviewed
        self.tree.clear()
        self.play_buttons.clear()
        self.redo_buttons.clear()
        if reviewed is None:
            self.summary.setText(CONVERTING_FIRST if self._converting else NOTHING_YET)
            self._show_controls()
            self.loaded.emit(0)
            return
        job = reviewed.job
        flagged = flagged_units(job)
        by_chapter: dict[int, list[Flagged]] = {}
        for flag in flagged:
            by_chapter.setdefault(flag.chapter.number, []).append(flag)
        for chapter in job.chapters:
            total = len(chapter.units)
            state = ("all spoken" if chapter.spoken == total else
                     f"{chapter.spoken} of {total} spoken") + \
                (f"; {chapter.redone} spoken again" if chapter.redone else "")
            item = QTreeWidgetItem([f"{chapter.number}. {chapter.title}",
                                    clock(chapter.start) if chapter.start is not None
                                    else "–", f"{total}", state])
            self.tree.addTopLevelItem(item)
            for flag in by_chapter.get(chapter.number, []):
                self._add_flagged(item, flag)
            item.setExpanded(True)
        head = f"{len(job.chapters)} chapters, {clock(heard_seconds(job))} spoken. "
        self._paint_summary(head + (NO_FLAGS if not flagged else (
            f"{len(flagged)} part{'s' if len(flagged) != 1 else ''} flagged by the audio "
            "check: play it, and Redo it if it sounds wrong.")))
        self.summary.setToolTip(job.title + ("" if not flagged else
                                             "\nA flagged part was kept only because every "
                                             "try failed the audio check. Redo speaks it "
                                             "again and binds the book again; nothing else "
                                             "is spoken again."))
        self._show_controls()
        self.loaded.emit(len(flagged))

    def _add_flagged(self, parent: QTreeWidgetItem, flag: Flagged) -> None:
        placed, unit = flag.placed, flag.placed.unit
        text = " ".join(unit.text.split())
        child = QTreeWidgetItem([f"“{_one_line(text)}”", clock(placed.start)
                                 if placed.start is not None else "not spoken", "",
                                 f"⚠ {flag.why}"])
        child.setToolTip(0, text)
        child.setToolTip(3, flag.why)
        parent.addChild(child)
        play, again = QPushButton("▶ Play"), QPushButton("Redo")
        play.setToolTip("Hear this part as it is in the audiobook")
        again.setToolTip(REDO_TIP)
        play.clicked.connect(lambda: self.play(placed))
        again.clicked.connect(lambda: self.redo(placed))
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(play)
        row.addWidget(again)
        self.tree.setItemWidget(child, 4, buttons)
        self.play_buttons[unit.id] = play
        self.redo_buttons[unit.id] = again

    def _show_controls(self) -> None:
        for widget in self._job_widgets:  # before any job: the one sentence, nothing greyed
            widget.setVisible(self.shown is not None)
        ready = self.shown is not None and not self._converting
        waiting = "A book is converting: wait for it to end"
        self.redo_at.setEnabled(ready)
        self.redo_at.setToolTip(REDO_AT_TIP if ready else waiting)
        for button in self.redo_buttons.values():
            button.setEnabled(ready)
            button.setToolTip(REDO_TIP if ready else waiting)
        self.at.setEnabled(self.shown is not None)  # Play works while a book converts
        self.play_at.setEnabled(self.shown is not None)

    # -- commands --------------------------------------------------------------------------

    def play(self, placed: PlacedUnit) -> None:
        shown, audio = self.shown, placed.unit.audio_path
        if shown is None or audio is None:
            self.failed.emit("This part is not spoken yet.")
            return
        try:
            self.core.play_file(shown.job.folder / "units" / audio)
        except E2AError as exc:
            self.failed.emit(str(exc))

    def play_at_time(self) -> None:
        """Play the part heard at the time typed (any part, flagged or not)."""
        placed = self._part_at_time()
        if placed is not None:
            self.play(placed)

    def redo_at_time(self) -> None:
        placed = None if self._converting else self._part_at_time()
        if placed is not None:
            self.redo(placed)

    def _part_at_time(self) -> PlacedUnit | None:
        """The part at the time typed; None (said on the message line) when there is none."""
        shown = self.shown
        if shown is None:
            return None
        try:
            return unit_at(shown.job, parse_time(self.at.text()))
        except (ValueError, E2AError) as exc:
            self.failed.emit(str(exc))
            return None

    def redo(self, placed: PlacedUnit) -> None:
        """Put the part back in the queue (off the GUI thread); ``redo_done`` follows."""
        shown = self.shown
        if shown is None or self._converting:
            return
        self._converting = True  # until the conversion that speaks it ends
        self._paint_summary()
        self._show_controls()
        done = RedoDone(shown.saved, shown.book_path, placed.unit.chapter + 1, placed.start,
                        _one_line(placed.unit.text, 60))

        def failed(message: str) -> None:
            self._converting = False
            self._paint_summary()
            self._show_controls()
            self.failed.emit(message)

        run_task(lambda: redo(shown.job, placed, shown.book_path),
                 lambda _none: self.redo_done.emit(done), failed)

