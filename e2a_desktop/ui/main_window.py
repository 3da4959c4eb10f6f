"""The main window: drop a book, check its chapters, pick a voice, convert, watch the farm.

It assembles the views and turns clicks into commands on the core (through
``ConversionSession``); what it shows comes from core events via the bridge.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from e2a_node.settings import EngineSettings

from ..convert import ConvertRequest, FarmOptions, PreparedBook, prepare
from ..ebook import read_book
from ..ebook.model import Book
from ..events import (
    ChapterEncoded,
    Event,
    FarmStarted,
    JobFailed,
    NodeChanged,
    NodeGone,
    NodePaired,
    UnitRejected,
)
from ..localnode import LOCAL_NAME, LOCAL_NODE
from ..service import CANCELLED, FINISHED, Outcome
from .book_panel import BookPanel
from .bridge import run_task
from .chapters import ChapterModel, ChapterView
from .controls import ConvertControls
from .core import DesktopCore
from .dropzone import DropZone, dropped_files
from .farm_banner import FarmBanner
from .log_pane import LogPane, QtLogHandler
from .nodes import NodesModel, NodesView
from .session import ConversionSession
from .settings_panel import SettingsPanel

log = logging.getLogger("e2a.ui")


class MainWindow(QMainWindow):
    """Signals: ``book_opened(Book)``, ``conversion_ended(Outcome)``."""

    book_opened = Signal(object)
    conversion_ended = Signal(object)

    def __init__(self, core: DesktopCore) -> None:
        super().__init__()
        self.core = core
        self.book: Book | None = None
        self.book_path: Path | None = None
        self.session: ConversionSession | None = None
        self.outputs: tuple[Path, ...] = ()
        self.setWindowTitle("e2a — ebook to audiobook")
        self.setAcceptDrops(True)
        self.resize(1100, 760)

        self.banner = FarmBanner()
        self.message = QLabel()
        self.message.setObjectName("messageBanner")
        self.message.setWordWrap(True)
        self.message.hide()
        self.drop = DropZone()
        self.book_panel = BookPanel()
        self.chapters = ChapterModel(self)
        self.chapter_view = ChapterView(self.chapters)
        self.settings = SettingsPanel(core.voices, core.output_folder)
        self.controls = ConvertControls()
        self.nodes = NodesModel(self)
        self.log_pane = LogPane()
        self._build()
        self._connect()
        self.banner.show_info(core.host.info, core.farm_problem)
        handler = QtLogHandler(self.log_pane)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logging.getLogger("e2a").addHandler(handler)
        self._log_handler = handler
        self.nodes.apply(NodeChanged(LOCAL_NODE, LOCAL_NAME, "ready", "cpu"))

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        book_page = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.book_panel, 3)
        top.addWidget(self.settings, 2)
        page_layout = QVBoxLayout(book_page)
        page_layout.addLayout(top)
        page_layout.addWidget(self.chapter_view, 1)
        page_layout.addWidget(self.controls)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.drop)
        self.pages.addWidget(book_page)
        self.tabs = QTabWidget()
        self.tabs.addTab(NodesView(self.nodes), "Nodes")
        self.tabs.addTab(self.log_pane, "Log")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.pages)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 220])  # room for a few nodes below the book
        split.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)
        menu = self.menuBar().addMenu("&File")
        menu.addAction("&Open a book…", "Ctrl+O", self.choose_book)
        menu.addAction("&Close book", "Ctrl+W", self.close_book)
        menu.addSeparator()
        menu.addAction("&Quit", "Ctrl+Q", self.close)

    def _connect(self) -> None:
        self.drop.files_dropped.connect(self._on_files_dropped)
        self.drop.open_requested.connect(self.choose_book)
        self.controls.start_requested.connect(self.start_conversion)
        self.controls.pause_requested.connect(self._on_pause)
        self.controls.resume_requested.connect(self._on_resume)
        self.controls.cancel_requested.connect(self._on_cancel)
        self.controls.play_requested.connect(self._on_play_output)
        self.controls.show_requested.connect(self._on_show_output)
        self.settings.voice_changed.connect(self._on_voice_changed)
        self.settings.sample_requested.connect(self._on_sample)
        self.chapters.dataChanged.connect(self._on_chapters_changed)
        self.core.bridge.event_arrived.connect(self._on_event)

    # -- opening a book ----------------------------------------------------------------------

    def choose_book(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a book", str(Path.home()),
            "Ebooks (*.epub *.fb2 *.html *.htm *.xhtml *.md *.markdown *.txt);;All files (*)")
        if path:
            self.open_book(Path(path))

    def open_book(self, path: Path) -> None:
        """Read the book off the GUI thread; show it, or say plainly what is wrong."""
        if self.session is not None:
            self.show_message("A book is being converted; wait for it or cancel it first.")
            return
        self.show_message(f"Reading {path.name}…", error=False)
        run_task(lambda: read_book(path), lambda book: self._on_book_read(path, book),
                 self.show_message)

    def _on_book_read(self, path: Path, book: Book) -> None:
        self.book, self.book_path = book, path
        self.message.hide()
        self.book_panel.show_book(book)
        self.chapters.load(book)
        self.settings.check_language(book.metadata.language)
        self.controls.set_mode("idle")
        self.controls.show_progress_idle()
        self.pages.setCurrentIndex(1)
        log.info("opened %s: %d chapters", path.name, len(book.chapters))
        self.book_opened.emit(book)

    def close_book(self) -> None:
        if self.session is None:
            self.book = self.book_path = None
            self.pages.setCurrentIndex(0)

    def _on_files_dropped(self, files: list[Path]) -> None:
        self.open_book(files[0])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.open_book(files[0])

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.setProperty("error", error)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.show()

    # -- converting -------------------------------------------------------------------------

    def edited_book(self) -> Book:
        """The book as the user shaped it: their title, author and chapter titles."""
        assert self.book is not None
        meta = replace(self.book.metadata, title=self.book_panel.title.text().strip()
                       or self.book.metadata.title, author=self.book_panel.author.text().strip())
        chapters = [replace(c, title=t) for c, t in zip(self.book.chapters,
                                                         self.chapters.titles(), strict=True)]
        return replace(self.book, metadata=meta, chapters=chapters)

    def build_request(self) -> ConvertRequest | None:
        voice = self.settings.chosen_voice()
        included = self.chapters.included()
        if self.book_path is None or voice is None:
            return None
        if not included:
            self.show_message("Check at least one chapter to convert.")
            return None
        output = self.settings.output()
        name = self.book_path.stem
        target = output.folder / (name if output.split_chapters else f"{name}.{output.format}")
        engine = EngineSettings(engine=voice.engine, voice=voice.name,
                                language=voice.language or "en",
                                speed=round(self.settings.speed.value(), 2))
        return ConvertRequest(self.book_path, target, output.format, engine,
                              chapters=",".join(str(i + 1) for i in included),
                              split_chapters=output.split_chapters, farm=FarmOptions(),
                              sentence_limit=voice.max_chars or None)

    def start_conversion(self) -> None:
        request = self.build_request()
        if request is None or self.session is not None:
            return
        book = self.edited_book()
        self.controls.set_mode("stopping")
        self.chapters.reset_states()
        run_task(lambda: prepare(request, book), self._on_prepared, self._on_start_failed)

    def _on_prepared(self, prepared: PreparedBook) -> None:
        core = self.core
        session = ConversionSession(prepared, core.paths, core.bus, core.host, core.bridge, self,
                                    render_here=self.settings.render_here.isChecked())
        session.started.connect(self._on_started)
        session.start_failed.connect(self._on_start_failed)
        session.progressed.connect(self.controls.show_progress)
        session.chapter_state_changed.connect(self.chapters.set_state)
        session.ended.connect(self._on_ended)
        self.session = session
        for warning in prepared.warnings:
            self.show_message(warning, error=False)
        session.start()

    def _on_started(self) -> None:
        self.controls.set_mode("running")
        self.core.keep_awake(True)
        log.info("converting %s", self.book_path.name if self.book_path else "")

    def _on_start_failed(self, message: str) -> None:
        self.session = None
        self.controls.set_mode("idle")
        self.show_message(message)

    def _on_pause(self) -> None:
        if self.session is not None:
            self.session.pause()
            self.controls.set_mode("paused")
            self.core.keep_awake(False)

    def _on_resume(self) -> None:
        if self.session is not None:
            self.session.resume()
            self.controls.set_mode("running")
            self.core.keep_awake(True)

    def _on_cancel(self) -> None:
        if self.session is not None:
            self.controls.set_mode("stopping")
            self.controls.status.setText("Stopping after the sentence being spoken…")
            self.session.cancel()

    def _on_ended(self, outcome: Outcome) -> None:
        if self.session is not None:
            self.session.deleteLater()
        self.session = None
        self.core.keep_awake(False)
        if outcome.state == FINISHED and outcome.result is not None:
            self.outputs = outcome.result.outputs
            self.controls.set_mode("done")
            where = self.outputs[0] if len(self.outputs) == 1 else self.outputs[0].parent
            self.controls.status.setText(f"Done: {where.name}")
            self.show_message(f"The audiobook is ready: {where}", error=False)
            self.core.notify("Audiobook ready", where.name)
        elif outcome.state == CANCELLED:
            self.controls.set_mode("idle")
            self.show_message("Stopped. Everything spoken so far is kept: press Convert to "
                              "go on where it stopped.", error=False)
        else:
            self.controls.set_mode("idle")
            self.show_message(str(outcome.error))
        self.conversion_ended.emit(outcome)

    # -- small commands ------------------------------------------------------------------------

    def _on_play_output(self) -> None:
        if self.outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outputs[0])))

    def _on_show_output(self) -> None:
        if self.outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outputs[0].parent)))

    def _on_voice_changed(self) -> None:
        if self.book is not None:
            self.settings.check_language(self.book.metadata.language)

    def _on_chapters_changed(self, *_args: object) -> None:
        if self.book is not None:
            chosen = self.chapters.included()
            chars = sum(self.chapters.rows[i].chars for i in chosen)
            self.book_panel.show_facts(self.book, len(chosen), chars)

    def _on_sample(self) -> None:
        voice = self.settings.chosen_voice()
        if self.book is None or voice is None or not self.book.chapters:
            return
        row = self.chapter_view.currentIndex().row()
        chapter = self.book.chapters[row if row >= 0 else 0]
        settings = EngineSettings(engine=voice.engine, voice=voice.name,
                                  language=voice.language or "en",
                                  speed=round(self.settings.speed.value(), 2))
        self.settings.sample.setEnabled(False)
        self.settings.sample.setText("Speaking…")
        language = self.book.metadata.language
        run_task(lambda: self.core.play_sample(chapter, language, settings),
                 self._on_sample_done, self._on_sample_failed)

    def _on_sample_done(self, _path: object) -> None:
        self.settings.sample.setEnabled(True)
        self.settings.sample.setText("▶ Play sample")

    def _on_sample_failed(self, message: str) -> None:
        self._on_sample_done(None)
        self.show_message(message)

    # -- core events ---------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        self.nodes.apply(event)
        line = _log_line(event)
        if line:
            self.log_pane.add(line)
        if isinstance(event, FarmStarted):
            self.banner.show_info(self.core.host.info)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.session is not None:
            answer = QMessageBox.question(
                self, "Stop converting?", "A book is being converted. Stop now? Everything "
                "spoken so far is kept; open the book again and press Convert to go on.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.session.conversion.cancel(timeout=30)
        logging.getLogger("e2a").removeHandler(self._log_handler)
        event.accept()


def _log_line(event: Event) -> str:
    if isinstance(event, NodePaired):
        return f"node {event.name} paired with this farm"
    if isinstance(event, NodeGone):
        return f"node {event.name} is lost (silent {event.silent_seconds:.0f} s); its unit " \
               "goes to another node"
    if isinstance(event, UnitRejected):
        return f"audio of unit {event.unit_id} from {event.node} refused: {event.reason}"
    if isinstance(event, ChapterEncoded):
        return f"chapter {event.chapter + 1} encoded: {event.title}"
    if isinstance(event, JobFailed):
        return f"stopped: {event.message}"
    return ""

