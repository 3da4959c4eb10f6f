"""Opening books: the Open dialog, a drop, the queue's next book and a saved request; each is
read off the GUI thread and shown, queued while another converts, or refused with a
reason (part of the main window)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from ..ebook import read_book
from ..ebook.model import Book
from ..service import CANCELLED, FAILED
from . import dialogs
from .bridge import run_task
from .conversion_control import ConversionControl
from .dropzone import dropped_files
from .saved import SavedRequest
from .waiting_books import queued_text

log = logging.getLogger("e2a.ui")


class BookOpening(ConversionControl):
    """Opens books into the window (or the queue) and closes them."""

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
        self.open_books(files)

    def open_books(self, files: list[Path]) -> None:
        """Books dropped, or handed over by a later `e2a BOOK`: one opens, several queue."""
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
