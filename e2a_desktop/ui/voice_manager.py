"""Voices…: the installed voices and the catalogue, to hear, download and remove.

The person sees, before anything downloads, what a voice costs (its size) and what
they may do with what it reads (its licence; non-commercial and custom ones are asked
once, as `e2a voices --download` asks). Downloads run off the GUI thread with a
progress bar; a broken one resumes where it stopped the next time (the store keeps
its partial files). Pure listing logic lives in ``voicelist.py``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from e2a_node.settings import EngineSettings
from e2a_node.voices import DownloadProgress, ModelStore

from ..ebook.model import Chapter
from ..voicelist import VoiceRow, sample_line, voice_rows
from .bridge import run_task
from .core import DesktopCore

COLUMNS = ("Voice", "Language", "Engine", "Quality", "Size", "Licence", "Status")


class _Progress(QObject):
    """Download progress from the worker thread to the dialog (a queued signal)."""

    moved = Signal(object)


class VoiceManager(QDialog):
    """Signals: ``voices_changed()`` after a download or a removal."""

    voices_changed = Signal()

    def __init__(self, core: DesktopCore, book_language: str = "",
                 parent: QWidget | None = None, ask: object = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Voices")
        self.resize(900, 520)
        self.core = core
        self.store = ModelStore(core.paths.voices_dir)
        self._ask = ask  # tests answer the licence question; None: a real message box
        self.rows: list[VoiceRow] = []
        self.language = QComboBox()
        self.language.setAccessibleName("Show voices for")
        if book_language:
            self.language.addItem(f"The book's language ({book_language})", book_language)
        self.language.addItem("All languages", "")
        self.language.currentIndexChanged.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.download = QPushButton("&Download")
        self.remove = QPushButton("&Remove")
        self.hear = QPushButton("▶ &Hear it")
        self.download.clicked.connect(self._on_download)
        self.remove.clicked.connect(self._on_remove)
        self.hear.clicked.connect(self._on_hear)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Download progress")
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("voiceStatus")
        self.status.setWordWrap(True)
        self._moved = _Progress(self)
        self._moved.moved.connect(self._on_progress)
        self._busy = False

        top = QHBoxLayout()
        caption = QLabel("&Show voices for")
        caption.setBuddy(self.language)
        top.addWidget(caption)
        top.addWidget(self.language)
        top.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.hear, self.download, self.remove):
            actions.addWidget(button)
        actions.addWidget(self.progress, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.refresh()

    # -- the list --------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.selected()
        self.rows = voice_rows(self.store, self.language.currentData() or None)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            state = "bundled" if row.bundled else "installed" if row.installed else ""
            licence = row.licence + (" (non-commercial)" if "NON-COMMERCIAL" in
                                     row.licence_summary.upper() else " (read first)"
                                     if row.binding else "")
            languages = row.language.split(",")
            language = f"{len(languages)} languages" if len(languages) > 2 else \
                row.language or "?"
            for c, text in enumerate((row.name, language, row.engine, row.quality,
                                      row.size_text, licence, state)):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setToolTip(row.name)
                if c == 1 and len(languages) > 2:
                    item.setToolTip(", ".join(languages))
                if c == 5 and row.licence_summary:
                    item.setToolTip(row.licence_summary)
                self.table.setItem(r, c, item)
        keys = [row.key for row in self.rows]
        self.table.selectRow(keys.index(chosen.key) if chosen and chosen.key in keys else 0)
        self._on_selection()

    def selected(self) -> VoiceRow | None:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        row = indexes[0].row() if indexes else -1
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, key: str) -> None:
        for r, row in enumerate(self.rows):
            if row.key == key:
                self.table.selectRow(r)

    def _on_selection(self) -> None:
        row = self.selected()
        idle = not self._busy
        self.download.setEnabled(idle and row is not None and not row.installed)
        self.remove.setEnabled(idle and row is not None and row.installed and not row.bundled)
        self.hear.setEnabled(idle and row is not None and row.installed and not row.clones)
        self.hear.setToolTip("XTTS speaks in a voice you give it: choose a voice sample when "
                             "converting" if row is not None and row.clones else "")

    # -- actions ---------------------------------------------------------------------------

    def _on_download(self) -> None:
        row = self.selected()
        if row is None or row.installed:
            return
        entry = self.store.catalogue.find(row.key)
        licence = entry.licence
        if licence is not None and licence.must_accept \
                and licence.name not in self.store.accepted_licences():
            if not self._accepts(row, licence.summary, licence.url):
                self.status.setText(f"{row.name} was not downloaded: its licence was not "
                                    "accepted.")
                return
            self.store.accept_licence(licence, entry.name)
        self._set_busy(True)
        self.progress.setRange(0, max(1, row.size))
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(f"Downloading {row.name}…")
        store, moved = self.store, self._moved.moved
        run_task(lambda: store.install(entry.name, progress=moved.emit),
                 lambda _record: self._finished(row, f"{row.name} is installed."),
                 lambda message: self._finished(row, message, failed=True))

    def _accepts(self, row: VoiceRow, summary: str, url: str) -> bool:
        text = f"{summary}\n\n{url}" if url else summary
        if callable(self._ask):
            return bool(self._ask(row, text))
        answer = QMessageBox.question(self, f"The licence of {row.name}", text + "\n\nAccept "
                                      "this licence and download?")
        return answer == QMessageBox.StandardButton.Yes

    def _on_progress(self, progress: object) -> None:
        if isinstance(progress, DownloadProgress):
            self._file_done = getattr(self, "_file_done", {})
            self._file_done[progress.file] = progress.done
            self.progress.setValue(min(self.progress.maximum(), sum(self._file_done.values())))

    def _finished(self, row: VoiceRow, message: str, failed: bool = False) -> None:
        self._set_busy(False)
        self._file_done = {}
        self.progress.hide()
        self.status.setText(message + (" Try again: the download goes on where it stopped."
                                       if failed else ""))
        self.status.setProperty("error", failed)
        if not failed:
            self._voices_changed(row.key)

    def _on_remove(self) -> None:
        row = self.selected()
        if row is None or not row.installed or row.bundled:
            return
        try:
            self.store.remove(row.key)
        except Exception as exc:  # a file in use, a read-only folder: one sentence
            self.status.setText(f"{row.name} could not be removed: {exc}")
            return
        self.status.setText(f"{row.name} was removed.")
        self._voices_changed(row.key)

    def _on_hear(self) -> None:
        row = self.selected()
        if row is None or not row.installed:
            return
        language = row.language.split(",")[0] or "en"
        voice = EngineSettings(engine=row.engine, voice=row.name, language=language,
                               model=row.name if row.engine == "coqui" else "")
        chapter = Chapter(row.name, sample_line(language))
        self._set_busy(True)
        self.status.setText(f"{row.name} is speaking…")
        core = self.core
        run_task(lambda: core.play_sample(chapter, language, voice),
                 lambda _path: self._heard(row), self._heard_failed)

    def _heard(self, row: VoiceRow) -> None:
        self._set_busy(False)
        self.status.setText(f"That was {row.name}.")

    def _heard_failed(self, message: str) -> None:
        self._set_busy(False)
        self.status.setText(message)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._on_selection()

    def _voices_changed(self, key: str) -> None:
        self.refresh()
        self.select(key)
        self.voices_changed.emit()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        """Enter downloads or plays the selected voice instead of closing the dialog."""
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return,
                                                            Qt.Key.Key_Enter):
            row = self.selected()
            if row is not None:
                (self._on_hear if row.installed else self._on_download)()
                return
        super().keyPressEvent(event)  # type: ignore[arg-type]
