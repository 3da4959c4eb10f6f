"""What the main window's parts share: its views, its state, and how it speaks to the person.

The window is assembled from small parts by concern (``book_opening``,
``conversion_control``, ``window_closing``, ``window_menus``); each part reads the
views and state declared here, and ``main_window.MainWindow`` makes them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QTabWidget

from e2a_node.farm_tag import farm_label

from ..ebook.model import Book
from . import dialogs
from .book_panel import BookPanel
from .chapter_view import ChapterView
from .chapters import ChapterModel
from .controls import ConvertControls
from .core import DesktopCore
from .edits import BookEdits
from .farm_banner import FarmBanner, MessageBanner
from .log_pane import LogPane, QtLogHandler
from .nodes import NodesModel
from .queue_edit import edit_queued
from .review_tab import ReviewTab
from .saved import SavedRequest
from .session import ConversionSession
from .settings_panel import SettingsPanel
from .speech_preview import SpeechPreviewer
from .waiting import WaitingPanel
from .waiting_books import WaitingBooks

APP_TITLE = "e2a — ebook to audiobook"

Shown = tuple[str, str, int, dict[int, str]]
"""What the controls and chapter list show: mode, status, bar, chapter states."""


def window_title(book: str, farm: str) -> str:
    """The window's title: "Emma — e2a · farm Study PC · 3F2A", or the app's name and farm
    while no book is open (the taskbar shows the start of it)."""
    head = f"{book} — e2a" if book else APP_TITLE
    return f"{head} · farm {farm}" if farm else head


class WindowParts(QMainWindow):
    """Signals: ``book_opened(Book)``, ``conversion_ended(Outcome)``."""

    book_opened = Signal(object)
    conversion_ended = Signal(object)

    core: DesktopCore
    # The views (made by MainWindow).
    banner: FarmBanner
    message: MessageBanner
    pages: QStackedWidget
    tabs: QTabWidget
    book_panel: BookPanel
    chapters: ChapterModel
    chapter_view: ChapterView
    edits: BookEdits
    settings: SettingsPanel
    controls: ConvertControls
    nodes: NodesModel
    log_pane: LogPane
    review: ReviewTab
    waiting_panel: WaitingPanel
    waiting: WaitingBooks
    previewer: SpeechPreviewer
    _log_handler: QtLogHandler
    # The book open and the conversion under way.
    book: Book | None
    book_path: Path | None
    session: ConversionSession | None
    outputs: tuple[Path, ...]
    _pending: SavedRequest | None  # to start once its book is read
    _starting: SavedRequest | None
    _made: SavedRequest | None  # what the audiobook shown as Done was made of
    _unattended: bool  # the queue started this book by itself: never ask
    _closing: str  # KEEP or DISCARD once the person chose to close mid-job
    _stopped_at: tuple[Path, float] | None  # a stopped run's job and bar
    _redoing: bool  # converting again to speak a part the Review tab put back
    _redo_note: str  # what it speaks again, said once the conversion has started
    _shown_before: Shown

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.say(text, error)

    def confirm(self, question: str) -> bool:
        return dialogs.confirm(self, question)

    def ask_keep(self) -> str:
        return dialogs.ask_keep(self)

    def ask_queue_edit(self, saved: SavedRequest) -> SavedRequest | None:
        return edit_queued(saved, self.core.voices, self)

    def _show_title(self) -> None:
        """The open book first (what the taskbar shows), then the app and its farm by the
        name and tag the tray nodes show: two windows on one screen (two farms) differ."""
        info = self.core.host.info
        self.setWindowTitle(window_title(self.book.metadata.title if self.book else "",
                                         farm_label(info.name, info.fingerprint) if info else ""))

