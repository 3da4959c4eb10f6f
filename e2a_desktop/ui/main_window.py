"""The main window: drop a book, check its chapters, pick a voice, convert, watch the farm.

It assembles the views and turns clicks into commands on the core (through
``ConversionSession``); what it shows comes from core events via the bridge.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from e2a_node.engines import available_voices
from e2a_node.farm_tag import farm_label

from ..convert import PreparedBook, prepare
from ..ebook import read_book
from ..ebook.model import Book
from ..events import Event, FarmStarted, NodeChanged
from ..localnode import LOCAL_NAME, LOCAL_NODE
from ..progress import ProgressSnapshot
from ..review import clock
from ..service import CANCELLED, FAILED, FINISHED, Outcome
from . import dialogs, prefs, window_layout
from .book_panel import BookPanel
from .bridge import run_task
from .chapter_view import ChapterView
from .chapters import ChapterModel
from .controls import ConvertControls
from .core import DesktopCore
from .dropzone import DropZone, dropped_files
from .edits import BookEdits, replace_question, same_audiobook, watch_choices
from .farm_banner import FarmBanner, MessageBanner
from .log_pane import LogPane, QtLogHandler
from .nodes import NodesModel, NodesView, local_device_label
from .queue_edit import edit_queued
from .review_tab import RedoDone, ReviewTab
from .sampler import SamplePlayer
from .saved import META_KEY, SavedRequest
from .session import ConversionSession, finished_extras, outputs_of
from .settings_panel import SettingsPanel
from .speech_preview import SpeechPreviewer
from .tray_icon import converting_text
from .voice_manager import VoiceManager
from .waiting import WaitingPanel
from .waiting_books import WaitingBooks, queued_text

log = logging.getLogger("e2a.ui")

APP_TITLE = "e2a — ebook to audiobook"


def window_title(book: str, farm: str) -> str:
    """The window's title: "Emma — e2a · farm Study PC · 3F2A", or the app's name and farm
    while no book is open (the taskbar shows the start of it)."""
    head = f"{book} — e2a" if book else APP_TITLE
    return f"{head} · farm {farm}" if farm else head


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
        self._pending: SavedRequest | None = None  # to start once its book is read
        self._starting: SavedRequest | None = None
        self._made: SavedRequest | None = None  # what the audiobook shown as Done was made of
        self._unattended = False  # the queue started this book by itself: never ask
        self._closing = ""  # KEEP or DISCARD once the person chose to close mid-job
        self._stopped_at: tuple[Path, float] | None = None  # a stopped run's job and bar
        self._redoing = False  # converting again to speak a part the Review tab put back
        self._redo_note = ""  # what it speaks again, said once the conversion has started
        self._shown_before: tuple[str, str, int, dict[int, str]] = ("idle", "", 0, {})
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
        menu = self.menuBar().addMenu("&File")
        menu.addAction("&Open a book…", "Ctrl+O", self.choose_book)
        menu.addAction("&Close book", "Ctrl+W", self.close_book)
        menu.addAction(self.chapter_view.preview)  # Ctrl+T: what will be said
        menu.addSeparator()
        menu.addAction("&Quit", "Ctrl+Q", self.close)
        voices = self.menuBar().addMenu("Vo&ices")  # Alt+V is the Voice field
        voices.addAction("&Manage voices…", "Ctrl+Shift+V", self.manage_voices)
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

    # -- opening a book ----------------------------------------------------------------------

    def choose_book(self) -> None:
        paths = dialogs.choose_books(self)
        if paths:
            self._on_files_dropped(paths)

    def open_book(self, path: Path) -> None:
        """Read the book off the GUI thread; show it, or say plainly what is wrong.

        While another book converts, the book joins the queue instead."""
        if self.session is not None:
            self.enqueue([path])
            return
        if self._pending is None and not self._may_leave_book(f"Open “{path.name}”"):
            return
        self.show_message(f"Reading {path.name}…", error=False)
        run_task(lambda: read_book(path), lambda book: self._on_book_read(path, book),
                 self._on_read_failed)

    def enqueue(self, paths: list[Path]) -> None:
        """Queue books with the voice and output chosen now; they render after the current one."""
        items = [r for r in (self.settings.request_for(p) for p in paths) if r is not None]
        self.waiting.enqueue(items)
        self.tabs.setCurrentWidget(self.waiting_panel)
        if self.session is None and self._pending is None:
            self.waiting.start_queue()
        else:
            self.waiting.queue_running = True
            if items:
                self.show_message(queued_text(len(items)), error=False)

    def run_saved(self, saved: SavedRequest, unattended: bool = False) -> None:
        """Open a saved request's book with its settings and convert it (resume or queue).

        ``unattended``: the queue moved on by itself after the book before ended. The
        open book's edits went into that book's job, and nobody may be at the PC (an
        overnight queue), so nothing is asked: a question would stop the queue.
        """
        if self.session is not None or self._pending is not None or self.waiting.converting:
            self.show_message("A book is being converted; wait for it or cancel it first.")
            return
        if not unattended and not self._may_leave_book(f"Convert “{saved.label}”"):
            self.waiting.conversion_ended(CANCELLED)  # a queue stops here, as on Cancel
            return
        self._unattended = unattended
        self._pending = saved
        self.open_book(saved.book_path)

    def _run_queued(self, saved: SavedRequest) -> None:
        self.run_saved(saved, unattended=True)

    def _on_read_failed(self, message: str) -> None:
        self._unattended = False
        self.show_message(message)
        if self._pending is not None:
            self._pending = None
            self.waiting.conversion_ended(FAILED)

    def _on_book_read(self, path: Path, book: Book) -> None:
        self.book, self.book_path = book, path
        self._made = None
        self.nodes.new_book()
        self._show_title()
        self.message.hide()
        self.book_panel.show_book(book)
        self.chapters.load(book)
        self.settings.check_language(book.metadata.language)
        self.controls.set_mode("idle")
        self.controls.show_progress_idle()
        self.pages.setCurrentIndex(1)
        self._focus_top_of_book()
        log.info("opened %s: %d chapters", path.name, len(book.chapters))
        self.book_opened.emit(book)
        self.review.look_up(path, book)
        pending, self._pending = self._pending, None
        if pending is not None:
            self._start_saved(pending)

    def _focus_top_of_book(self) -> None:
        """A new book starts at its top: focus anywhere but the tabs below (the old book's
        chapters, the drop zone, the banner, where a fresh window puts it on "Pair a
        node…") goes to the Title, so typing names the book and Tab walks down the page.
        Focus in the tabs below (the log, the nodes) stays where the person put it."""
        focused = QApplication.focusWidget() or self.focusWidget()
        if focused is None or not self.tabs.isAncestorOf(focused):
            self.book_panel.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def _start_saved(self, saved: SavedRequest) -> None:
        if not self.settings.apply(saved):
            self._unattended = False
            self.show_message(f"The voice {saved.voice.label} is not installed here; choose "
                              "another and press Convert.")
            self.waiting.conversion_ended(FAILED)
            return
        self.chapters.restore(saved.chapters, saved.chapter_titles)
        self.book_panel.restore(saved.title, saved.author)
        self.start_conversion()

    def close_book(self) -> None:
        if self.session is None and self._may_leave_book("Close it"):
            self.book = self.book_path = None
            self._show_title()
            self.pages.setCurrentIndex(0)
            self.message.hide()  # "The audiobook is ready: …" was left over the drop zone
            self.previewer.book_closed()  # neither shows nor redoes the closed book
            self.review.clear()

    def _may_leave_book(self, doing: str) -> bool:
        """Ask before the open book's edits are lost to another book (or to Close)."""
        if self.book is None or not self.edits.changed():
            return True
        return self.confirm(self.edits.question(self.book.metadata.title, doing))

    def _on_files_dropped(self, files: list[Path]) -> None:
        if len(files) > 1:
            self.enqueue(files)
        else:
            self.open_book(files[0])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self._on_files_dropped(files)

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.say(text, error)

    # -- converting -------------------------------------------------------------------------

    def current_request(self) -> SavedRequest | None:
        """The open book as the person shaped it: chapters, titles, voice and output."""
        request = self._request_now()
        if request is not None and not request.chapters:
            self.show_message("Check at least one chapter to convert.")
            return None
        return request

    def _request_now(self) -> SavedRequest | None:
        saved = self.settings.request_for(self.book_path) if self.book_path else None
        if saved is None or self.book is None:
            return None
        return replace(saved, chapters=tuple(self.chapters.included()),
                       title=self.book_panel.title.text().strip() or self.book.metadata.title,
                       author=self.book_panel.author.text().strip(),
                       chapter_titles=tuple(self.chapters.titles()))

    def _on_choice_changed(self) -> None:
        """"Done: emma.m4b" and "Convert again" say what Convert would make was made: once
        the chapters, titles, voice or output differ, it is "Ready to convert" again."""
        made = self._made if self.session is None and self.controls.mode == "done" else None
        if made is not None and not same_audiobook(made, self._request_now()):
            self._made = None
            self.controls.set_mode("idle")
            self.controls.show_progress_idle()

    def start_conversion(self) -> None:
        saved = self.current_request()
        voice = self.settings.chosen_voice()
        if saved is None or voice is None or self.book is None or self.session is not None:
            self._unattended = False
            return
        request = saved.convert_request(voice.max_chars or None)
        book = saved.edited(self.book)
        self._starting = saved
        self.waiting.converting = True
        self._lock_choices(True)
        self._shown_before = self._shown()  # put back should the person not replace it
        self.controls.set_mode("stopping")
        self.chapters.reset_states()
        self.message.hide()  # "Stopped… press Convert" is no longer true
        run_task(lambda: prepare(request, book), self._on_prepared, self._on_start_failed)

    def _lock_choices(self, locked: bool) -> None:
        """While a book converts, what it was started with is shown read-only: the chapter
        checks and titles, title and author, and "This PC speaks too". A change there was
        shown (the header said "4 of 6 chapters") but the audiobook had all six."""
        self.chapters.set_locked(locked)
        tip = "Being converted with this: Cancel first to change it." if locked else ""
        for field in (self.book_panel.title, self.book_panel.author):
            field.setReadOnly(locked)
            field.setToolTip(tip)
        self.settings.render_here.setEnabled(not locked)
        self.settings.lock_extras(locked)
        self.review.set_converting(locked)
        self.settings.render_here.setToolTip(
            "Set when the book starts: Cancel first to change it" if locked else
            "Uncheck to leave the speaking to the other PCs of the farm")

    def _on_prepared(self, prepared: PreparedBook) -> None:
        existing = [p for p in outputs_of(prepared) if p.exists()]
        unattended, self._unattended = self._unattended, False
        redoing, self._redoing = self._redoing, False  # replacing the book is the point
        if existing and unattended and not redoing:
            self._skip_queued(existing)
            return
        if existing and not redoing and not self.confirm(replace_question(existing)):
            self._starting, self.waiting.converting = None, False
            self._lock_choices(False)
            self._show_again(self._shown_before)
            self.show_message(f"Not converted: {existing[0]} is kept. Choose another folder "
                              "or format to keep both.", error=False)
            self.waiting.conversion_ended(CANCELLED)  # a queue stops here, as on Cancel
            return
        core = self.core
        meta = {META_KEY: self._starting.to_json()} if self._starting else None
        session = ConversionSession(prepared, core.paths, core.bus, core.host, core.bridge, self,
                                    render_here=self.settings.render_here.isChecked(),
                                    job_meta=meta, device=self.settings.chosen_device(),
                                    shown_before=self._stopped_at)
        session.started.connect(self._on_started)
        session.start_failed.connect(self._on_start_failed)
        session.progressed.connect(self.controls.show_progress)
        session.progressed.connect(self._show_progress_in_tray)
        session.chapter_states_changed.connect(self.chapters.set_states)
        session.ended.connect(self._on_ended)
        self.session = session
        for warning in prepared.warnings:
            self.show_message(warning, error=False)
        session.start()

    def _show_progress_in_tray(self, snap: ProgressSnapshot) -> None:
        title = self.book_panel.title.text().strip() or snap.title
        self.core.show_doing(converting_text(title, snap.fraction, snap.state == "paused"))

    def _shown(self) -> tuple[str, str, int, dict[int, str]]:
        """What the controls and chapter list show: mode, status, bar, chapter states."""
        controls = self.controls
        return (controls.mode, controls.status.text(), controls.bar.value(),
                {i: row.state for i, row in enumerate(self.chapters.rows)})

    def _show_again(self, shown: tuple[str, str, int, dict[int, str]]) -> None:
        """No to "Replace it?": the window as it was (a finished book still says Done, with
        Play and Show in folder and its chapters' states, not a bare Convert)."""
        mode, status, bar, states = shown
        self.controls.set_mode(mode if mode in ("idle", "done") else "idle")
        self.controls.status.setText(status)
        self.controls.bar.setValue(bar)
        self.chapters.set_states(states)

    def _skip_queued(self, existing: list[Path]) -> None:
        """A queued book whose audiobook exists, reached with nobody asked: it is skipped,
        never written over and never waited on; the log and the window say why."""
        self._starting, self.waiting.converting = None, False
        self._lock_choices(False)
        self.controls.set_mode("idle")
        name = self.book_path.name if self.book_path else "a queued book"
        note = (f"Skipped “{name}”: {existing[0]} already exists. Queue it again with "
                "another folder or format to keep both, or delete that file first.")
        self.log_pane.add(note)
        self.show_message(note, error=False)
        self.waiting.conversion_ended(FAILED)  # not a stop: the queue goes on

    def _on_started(self) -> None:
        self.edits.kept()
        self.controls.set_mode("running")
        self.core.keep_awake(True)
        log.info("converting %s", self.book_path.name if self.book_path else "")
        if self._redo_note:
            self.show_message(self._redo_note, error=False)
            self._redo_note = ""
        if self.session is not None:
            self.waiting.busy = self.session.conversion.work_folder
            self.waiting.refresh()

    def _on_start_failed(self, message: str) -> None:
        self.session, self.waiting.converting = None, False
        self._lock_choices(False)
        self.controls.set_mode("idle")
        self.show_message(message)
        self.waiting.conversion_ended(FAILED)

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
            self.controls.show_stopping("Stopping after the sentence being spoken…")
            self.session.cancel()

    def _on_ended(self, outcome: Outcome) -> None:
        folder = self.session.conversion.work_folder if self.session is not None else None
        ended = self.session.conversion.prepared if self.session is not None else None
        self._stopped_at = None
        if self.session is not None:
            if folder is not None and outcome.state != FINISHED:  # Convert goes on from here
                self._stopped_at = (folder, self.session.conversion.snapshot().fraction)
            self.session.deleteLater()
        self.session = None
        self.core.show_doing("")
        self.waiting.busy, self.waiting.converting = None, False
        self._lock_choices(False)
        self.core.keep_awake(False)
        if outcome.state == FINISHED and outcome.result is not None:
            self.outputs = self.controls.outputs = outcome.result.outputs
            self._made = self._starting
            self.controls.set_mode("done")
            where = self.outputs[0] if len(self.outputs) == 1 else self.outputs[0].parent
            self.controls.status.setText(f"Done: {where.name}")
            extras = finished_extras(outcome.result)
            self.show_message(f"The audiobook is ready: {where}{extras}", error=False)
            if extras:
                self.log_pane.add(extras.strip())
            self.core.notify("Audiobook ready", where.name)
        elif outcome.state == CANCELLED:
            self.controls.set_mode("idle")
            stopped = f" at {self._stopped_at[1]:.0%}" if self._stopped_at else ""
            self.controls.status.setText(f"Stopped{stopped}")  # no longer "Stopping…"
            self.show_message("Stopped. Everything spoken so far is kept: press Convert to "
                              "go on where it stopped.", error=False)
        else:
            self.controls.set_mode("idle")
            self.show_message(str(outcome.error))
        if ended is not None and folder is not None:  # the Review tab shows it as it is now
            self.review.show_job(ended, folder, self._starting)
        self.conversion_ended.emit(outcome)
        if self._closing:
            if self._closing == dialogs.DISCARD and folder is not None:
                self.waiting.discard(folder)
            self.close()
            return
        self.waiting.conversion_ended(outcome.state)

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

    def _show_title(self) -> None:
        """The open book first (what the taskbar shows), then the app and its farm by the
        name and tag the tray nodes show: two windows on one screen (two farms) differ."""
        info = self.core.host.info
        self.setWindowTitle(window_title(self.book.metadata.title if self.book else "",
                                         farm_label(info.name, info.fingerprint) if info else ""))

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

    def confirm(self, question: str) -> bool:
        return dialogs.confirm(self, question)

    def ask_keep(self) -> str:
        return dialogs.ask_keep(self)

    def ask_queue_edit(self, saved: SavedRequest) -> SavedRequest | None:
        return edit_queued(saved, self.core.voices, self)

    def close_keeping(self) -> None:
        """Close as Quit does, keeping a book in progress for later without asking: the
        session is ending (logout, shutdown, `systemctl stop`) and nobody can answer."""
        session = self.session
        if session is not None and session.conversion.wait(0) is None and not self._closing:
            self._closing = dialogs.KEEP  # as the question's "Keep for later" does
            self._on_cancel()  # the window closes once the units in hand are handed back
        self.close()

    def _closed_after_ending(self, choice: str) -> bool:
        """Quit was answered after the book ended (its last seconds went by during the
        question): nothing is left to wait for, so the window closes now, as answered.
        A stopped book asked to be discarded is; a finished one is kept whatever the
        answer. Should the queue have started the next book meanwhile, that one stops as
        answered and the window closes once it has (False: not yet)."""
        if choice == dialogs.DISCARD and self._stopped_at is not None:
            self.waiting.discard(self._stopped_at[0])
        if self.session is not None:
            self._on_cancel()
            return False
        return True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The tray icon comes with the window, where the desktop has a tray: the first book
        converted has its tooltip too (made at the first notice, it had none)."""
        super().showEvent(event)
        self.core.show_tray()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Mid-job, ask: keep it for later, discard it, or stay. The window closes once the
        unit in hand is handed back (``_on_ended``); the GUI thread never waits for it."""
        session = self.session
        if session is not None and session.conversion.wait(0) is None:
            if self._closing:  # already stopping to close: _on_ended closes the window
                event.ignore()
                return
            choice = self.ask_keep()
            if choice == dialogs.STAY:
                event.ignore()
                return
            self._closing = choice
            if self.session is session:
                self._on_cancel()
                event.ignore()
                return
            if not self._closed_after_ending(choice):  # the book ended while it was asked
                event.ignore()
                return
        logging.getLogger("e2a").removeHandler(self._log_handler)
        prefs.save(self.settings, self)
        event.accept()
