"""The main window: drop a book, check its chapters, pick a voice, convert, watch the farm.

It makes the views and wires them; what it does comes in parts by concern:
``book_opening`` (open, queue, close a book), ``conversion_control`` (convert, pause,
cancel, the outcome), ``window_closing`` (closing mid-job), ``window_menus``, and the
tray icon (``tray_icon``, through the core). Clicks become commands on the core
(through ``ConversionSession``); what it shows comes from core events via the bridge.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel

from e2a_node.engines import available_voices

from ..events import Event, FarmStarted, NodeChanged
from ..localnode import LOCAL_NAME, LOCAL_NODE
from ..review import clock
from . import dialogs, prefs, window_layout
from .book_opening import BookOpening
from .book_panel import BookPanel
from .bridge import run_task
from .chapter_view import ChapterView
from .chapters import ChapterModel
from .controls import ConvertControls
from .core import DesktopCore
from .dropzone import DropZone
from .edits import BookEdits, watch_choices
from .farm_banner import FarmBanner, MessageBanner
from .log_pane import LogPane, QtLogHandler
from .nodes import NodesModel, NodesView, local_device_label
from .review_tab import RedoDone, ReviewTab
from .sampler import SamplePlayer
from .settings_panel import SettingsPanel
from .speech_preview import SpeechPreviewer
from .voice_manager import VoiceManager
from .waiting import WaitingPanel
from .waiting_books import WaitingBooks
from .window_closing import WindowClosing
from .window_menus import add_menus


class MainWindow(BookOpening, WindowClosing):
    """Signals (from ``WindowParts``): ``book_opened(Book)``, ``conversion_ended(Outcome)``."""

    def __init__(self, core: DesktopCore) -> None:
        super().__init__()
        self.core = core
        self.book = None
        self.book_path = None
        self.session = None
        self.outputs = ()
        self._pending = None
        self._starting = None
        self._made = None
        self._unattended = False
        self._closing = ""
        self._stopped_at = None
        self._redoing = False
        self._redo_note = ""
        self._shown_before = ("idle", "", 0, {})
        self._show_title()
        self.setAcceptDrops(True)
        self.resize(1100, 760)

        self.banner = FarmBanner()
        self.message = MessageBanner()
        self.drop = DropZone()
        self.book_panel = BookPanel()
        self.chapters = ChapterModel(self)
        self.chapter_view = ChapterView(self.chapters)
        self.edits = BookEdits(self.chapters, self.book_panel)
        self.settings = SettingsPanel(core.voices, core.output_folder)
        self.controls = ConvertControls()
        self.nodes = NodesModel(self)
        self.log_pane = LogPane()
        self.review = ReviewTab(core)
        self.waiting_panel = WaitingPanel()
        self.waiting = WaitingBooks(core.paths, self.waiting_panel, lambda q: self.confirm(q),
                                    self, edit=lambda saved: self.ask_queue_edit(saved))
        self._build()
        prefs.restore(self.settings, self)
        self._connect()
        core.find_gpus(self.settings.show_gpus)  # Auto and CPU meanwhile
        self.banner.show_info(core.host.info, core.farm_problem)
        self._log_handler = QtLogHandler.attach(self.log_pane, logging.getLogger("e2a"))
        self.nodes.apply(NodeChanged(LOCAL_NODE, LOCAL_NAME, "ready"))
        self._show_local_device()
        self._first_listing = True
        self.waiting.refresh()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.pages = window_layout.stack(self.drop, window_layout.book_page(
            self.book_panel, self.settings, self.chapter_view, self.controls))
        self.nodes_view = NodesView(self.nodes)
        self.tabs = window_layout.tabs((self.nodes_view, "Nodes"),
                                       (self.waiting_panel, "Books waiting"),
                                       (self.review, "Review"),
                                       (self.log_pane, "Log"))
        self.setCentralWidget(window_layout.central(self.banner, self.message, self.pages,
                                                    self.tabs))
        window_layout.let_shrink(self.banner.findChild(QLabel, "farmHint"))
        add_menus(self.menuBar(), open_book=self.choose_book, close_book=self.close_book,
                  preview=self.chapter_view.preview, quit_app=self.close,
                  manage_voices=self.manage_voices, data_dir=self.core.paths.data_dir)
        window_layout.tab_chain(self.banner.pair_button, self.drop.open_button,
                                *self.book_panel.tab_stops(), self.chapter_view,
                                *self.settings.tab_stops(), *self.controls.tab_stops(),
                                self.tabs)  # its tab bar, then the page shown

    def _connect(self) -> None:
        self.banner.pair_requested.connect(self.open_pairing_moment)
        self.drop.files_dropped.connect(self._on_files_dropped)
        self.drop.open_requested.connect(self.choose_book)
        self.controls.start_requested.connect(self.start_conversion)
        self.controls.pause_requested.connect(self._on_pause)
        self.controls.resume_requested.connect(self._on_resume)
        self.controls.cancel_requested.connect(self._on_cancel)
        self.controls.open_failed.connect(lambda text: self.show_message(text, error=False))
        self.settings.voice_changed.connect(self._on_voice_changed)
        self.settings.device.currentIndexChanged.connect(self._show_local_device)
        self.sampler = SamplePlayer(self.core, self.settings, self.chapter_view,
                                    lambda: self.book, self.show_message, self,
                                    lambda: self.book_path)
        self.previewer = SpeechPreviewer(self.chapter_view, lambda: (self.book, self.book_path),
                                         self.settings.chosen_voice, self)
        self.settings.voice_changed.connect(self.previewer.voice_changed)
        self.chapters.dataChanged.connect(self._on_chapters_changed)
        self.core.bridge.event_arrived.connect(self._on_event)
        self.core.bridge.event_arrived.connect(self.chapters.on_event)  # real lengths
        self.core.bridge.event_arrived.connect(self.nodes.apply)
        self.core.bridge.event_arrived.connect(self.log_pane.add_event)
        self.waiting.run_requested.connect(self.run_saved)
        self.waiting.moved_on.connect(self._run_queued)
        self.nodes_view.revoke_requested.connect(self._on_revoke)
        self.waiting.listed.connect(self._on_waiting_listed)
        self.review.redo_done.connect(self._on_redo_done)
        self.review.failed.connect(self.show_message)
        self.review.loaded.connect(self._on_review_loaded)
        watch_choices(self.settings, self.chapters, self.book_panel, self._on_choice_changed)
        self.nodes.follow_speaking_here(self.settings.render_here)  # unticked: its row "off"
    # -- small commands ------------------------------------------------------------------------

    def _show_local_device(self, _index: int = 0) -> None:
        """Between conversions this PC's row shows the device chosen for it (in one, the
        built-in node says what it really uses)."""
        if self.session is None:
            self.nodes.show_local_device(local_device_label(self.settings.chosen_device(),
                                                            self.core.gpus or []))

    def _on_voice_changed(self) -> None:
        if self.book is not None:
            self.settings.check_language(self.book.metadata.language)

    def _on_chapters_changed(self, *_args: object) -> None:
        if self.book is not None:
            chosen = self.chapters.included()
            chars = sum(self.chapters.rows[i].chars for i in chosen)
            self.book_panel.show_facts(self.book, len(chosen), chars)

    # -- core events ---------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, FarmStarted):
            self.banner.show_info(self.core.host.info)
            self._show_title()
            self.core.show_doing(self.core.doing)  # the tray names the farm now

    def manage_voices(self) -> VoiceManager:
        """Voices…: hear, download and remove voices; the voice list follows."""
        language = self.book.metadata.language if self.book is not None else ""
        dialog = VoiceManager(self.core, language, self)
        dialog.voices_changed.connect(self._on_voices_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_voices_changed(self) -> None:
        self.core.voices = available_voices(self.core.paths.voices_dir)
        self.settings.set_voices(self.core.voices)

    def open_pairing_moment(self) -> None:
        """"Pair a node": a one-time code the guesses of other machines cannot use up."""
        pairing = self.core.host.farm.pairing
        moment = pairing.open_moment()
        self.banner.show_moment(moment, pairing.clock(), lambda: pairing.moment() == moment)
        minutes = round((moment.ends - moment.opened) / 60)
        self.log_pane.add(f"a one-time pairing code is up for {minutes} minutes "
                          "(Pair a node); the farm code works again after it")

    def _on_redo_done(self, done: RedoDone) -> None:
        """A part is back in the queue: convert its book again, which speaks only that part
        and binds the book again (the audiobook it replaces is the point, so no question)."""
        at = f" at {clock(done.at)}" if done.at is not None else ""
        voice = f" with {done.saved.voice.voice}" if done.saved is not None else ""
        self._redo_note = (f"Speaking again{voice}: chapter {done.chapter}{at}, “{done.text}”; "
                           "the audiobook is bound again after. The panel shows the options "
                           "this book was converted with: the part is spoken as the rest was.")
        self.log_pane.add(self._redo_note)
        if done.saved is None:
            self.review.set_converting(False)
            return
        self._redoing = True
        self.run_saved(done.saved)
        if self._pending is None and self.session is None:  # refused: nothing converts
            self._redoing = False
            self.review.set_converting(False)

    def _on_review_loaded(self, flagged: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.review),
                             f"Review ({flagged} flagged)" if flagged else "Review")

    def _on_waiting_listed(self, count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.waiting_panel),
                             f"Books waiting ({count})" if count else "Books waiting")
        if self._first_listing and count:  # at start: show what can be resumed
            self.tabs.setCurrentWidget(self.waiting_panel)
        self._first_listing = False

    def _on_revoke(self, node_id: str) -> None:
        name = next((r.name for r in self.nodes.rows if r.node == node_id), node_id)
        if self.confirm(dialogs.Question(f"Stop {name}?", f"Stop {name}? It is unpaired and "
                                         "its unit goes to another node; it can join again "
                                         "with the farm code.")):
            farm = self.core.host.farm
            run_task(lambda: farm.revoke(node_id))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The tray icon comes with the window, where the desktop has a tray: the first book
        converted has its tooltip too (made at the first notice, it had none)."""
        super().showEvent(event)
        self.core.show_tray()

