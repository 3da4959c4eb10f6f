"""The books waiting: unfinished jobs (resume or discard each) and the queue."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..jobs import JobSummary
from .saved import SavedRequest

EMPTY_TEXT = ("Nothing is waiting. Drop several books at once to queue them; a book you "
              "stop stays listed here, to go on later.")


class _Row(QFrame):
    """One waiting book: a line of text and its buttons."""

    def __init__(self, title: str, detail: str, buttons: list[QPushButton]) -> None:
        super().__init__()
        self.setObjectName("waitingRow")
        self.buttons = buttons
        text = QLabel(f"<b>{_escape(title)}</b><br><span>{_escape(detail)}</span>")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setObjectName("waitingText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(text, 1)
        for button in buttons:
            button.setAccessibleName(f"{button.text()} {title}")
            layout.addWidget(button)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WaitingPanel(QScrollArea):
    """Signals: ``resume_requested(JobSummary)``, ``discard_requested(JobSummary)``,
    ``queue_start_requested()``, ``queue_edit_requested(int)``, ``queue_remove_requested(int)``
    (an index into the queue)."""

    resume_requested = Signal(object)
    discard_requested = Signal(object)
    queue_start_requested = Signal()
    queue_edit_requested = Signal(int)
    queue_remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Books waiting")
        self.unfinished_rows: list[_Row] = []
        self.queue_rows: list[_Row] = []
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("waitingEmpty")
        self.empty.setWordWrap(True)
        self.unfinished_title = self._heading("Unfinished books")
        self._unfinished_box = QVBoxLayout()
        self.queue_title = self._heading("Queue: rendered one after another")
        self._queue_box = QVBoxLayout()
        self.start_queue = QPushButton("Start the queue")
        self.start_queue.clicked.connect(self.queue_start_requested)
        for item in (self.empty, self.unfinished_title):
            self._layout.addWidget(item)
        self._layout.addLayout(self._unfinished_box)
        self._layout.addWidget(self.queue_title)
        self._layout.addLayout(self._queue_box)
        self._layout.addWidget(self.start_queue, alignment=Qt.AlignmentFlag.AlignLeft)
        self._layout.addStretch(1)
        self.setWidget(body)
        self.show_unfinished([])
        self.show_queue([], running=False)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("waitingHeading")
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def show_unfinished(self, jobs: list[tuple[JobSummary, SavedRequest | None]]) -> None:
        self._clear(self._unfinished_box, self.unfinished_rows)
        for job, saved in jobs:
            resume = QPushButton("Resume")
            discard = QPushButton("Discard")
            resume.clicked.connect(lambda _=False, j=job: self.resume_requested.emit(j))
            discard.clicked.connect(lambda _=False, j=job: self.discard_requested.emit(j))
            detail = f"{job.units_done} of {job.units_total} parts spoken · " \
                     f"{job.size_bytes / 1e6:.0f} MB kept"
            if saved is None:
                resume.setEnabled(False)
                resume.setToolTip("Started from the command line: run the same command "
                                  "again to go on")
            else:
                detail += f" · {saved.voice.voice}, {saved.format.upper()}"
            discard.setToolTip("Delete the audio spoken so far for this book")
            self._add(self._unfinished_box, self.unfinished_rows,
                      _Row(saved.label if saved else job.title, detail, [resume, discard]))
        self._update_visibility()

    def show_queue(self, items: list[SavedRequest], running: bool) -> None:
        self._clear(self._queue_box, self.queue_rows)
        for n, item in enumerate(items):
            edit = QPushButton("Edit…")
            edit.setToolTip("Change the voice, speed, format or folder of this book")
            edit.clicked.connect(lambda _=False, i=n: self.queue_edit_requested.emit(i))
            remove = QPushButton("Remove")
            remove.setToolTip("Take this book off the queue")
            remove.clicked.connect(lambda _=False, i=n: self.queue_remove_requested.emit(i))
            detail = f"{item.voice.voice} at {item.voice.speed:g}× · {item.format.upper()} " \
                     f"into {item.folder}"
            self._add(self._queue_box, self.queue_rows,
                      _Row(f"{n + 1}. {item.label}", detail, [edit, remove]))
        # While a book converts the queue goes on by itself after it: nothing to start.
        self.start_queue.setVisible(bool(items) and not running)
        self._update_visibility()

    def _add(self, box: QVBoxLayout, rows: list[_Row], row: _Row) -> None:
        box.addWidget(row)
        rows.append(row)

    @staticmethod
    def _clear(box: QVBoxLayout, rows: list[_Row]) -> None:
        for row in rows:
            box.removeWidget(row)
            row.deleteLater()
        rows.clear()

    def _update_visibility(self) -> None:
        self.unfinished_title.setVisible(bool(self.unfinished_rows))
        self.queue_title.setVisible(bool(self.queue_rows))
        self.empty.setVisible(not self.unfinished_rows and not self.queue_rows)

    @property
    def count(self) -> int:
        return len(self.unfinished_rows) + len(self.queue_rows)
