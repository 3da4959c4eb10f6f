"""The speech preview: a chapter as the voice will say it, the printed words beneath.

`e2a text` in the window (issue 22). A person proofreading before hours of speech
wants to see "Mr." become "Mister" and "£4" become "four pounds", and whether their
lexicon took: each said sentence is shown with the printed one greyed beneath where
the front end or the lexicon changed it. The sentences are ``textcmd.said_chapter``'s,
so exactly what a conversion plans with the chosen voice (its language picks the
rules, its limit splits long sentences) and the lexicon files read afresh each time.

Working them out takes a second for a long chapter on a busy PC, so it runs off the
GUI thread (``bridge.run_task``); the window stays non-modal and follows the chapter
selected while it is open.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from e2a_node.engines.base import VoiceInfo

from ..config import AppPaths
from ..ebook.model import VERSE_LINE, Book
from ..lexicon import LEXICON_NAME, LexiconError, book_lexicon_path, for_book
from ..plan import PlanSettings
from ..speech import front_end
from ..textcmd import SaidChapter, said_chapter
from .bridge import run_task
from .chapter_view import ChapterView

WORKING = "Working out what will be said…"
NOT_COUNTED = "No sentences counted: nothing can be shown until that is fixed."
NO_BOOK = "No book is open: open one to see what will be said."


@dataclass(frozen=True)
class PreviewAsk:
    """What the preview is worked out from, taken on the GUI thread."""

    book: Book
    book_path: Path
    index: int
    title: str
    voice: VoiceInfo | None
    grey: str  # the palette's colour for secondary text, as #rrggbb


@dataclass(frozen=True)
class Preview:
    """A worked-out preview, ready to show (built on a worker thread: no Qt in here)."""

    chapter: SaidChapter
    about: str  # the voice, its rules and the lexicon files, in a sentence or two
    counts: str
    everything: str  # HTML: every sentence
    changes: str  # HTML: only those said otherwise than printed


def work_out(ask: PreviewAsk) -> Preview:
    """The chapter's sentences as the chosen voice says them, with the lexicon applied."""
    data_dir = AppPaths.load().data_dir
    lexicon = for_book(ask.book_path, data_dir)
    voice = ask.voice
    limit = PlanSettings().target_chars
    if voice is not None and voice.max_chars:
        limit = min(limit, voice.max_chars)
    chapter = said_chapter(ask.book, ask.index, voice.language if voice else "", lexicon,
                           limit, ask.title)
    passages = list(chapter.passages)
    said = sum(len(p.said) for p in passages)
    changed = sum(len(p.said) for p in passages if p.changed)
    counts = f"{changed:,} of {said:,} sentences said otherwise than printed"
    return Preview(chapter, about(chapter, voice, lexicon.files, ask.book_path, data_dir),
                   counts, said_html(chapter, ask.grey), said_html(chapter, ask.grey, True))


@dataclass(frozen=True)
class LexiconProblem:
    """A lexicon file that cannot be used (its message names it and the line): nothing
    can be shown until it is fixed, and the window says so rather than a bare failure."""

    message: str


def work_out_or_why(ask: PreviewAsk) -> Preview | LexiconProblem:
    try:
        return work_out(ask)
    except LexiconError as exc:
        return LexiconProblem(str(exc))


def about(chapter: SaidChapter, voice: VoiceInfo | None, files: tuple[Path, ...],
          book_path: Path, data_dir: Path) -> str:
    """Whose rules and which lexicon: what a person needs to trust (or fix) what is shown."""
    who = f"As the voice {voice.name} will say it" if voice else "As it will be said"
    rules = (f"{who} (rules for “{chapter.language}”)." if front_end(chapter.language)
             else f"{who}: e2a has no rules for “{chapter.language}”, so the voice reads "
                  "the text as printed.")
    if not files:
        return (f"{rules} No lexicon file: write {book_lexicon_path(book_path).name} beside "
                "the book (one “word = how to say it” a line) to change how words are said.")
    where = [f"{f.name} in e2a's data folder ({f.parent})" if f == data_dir / LEXICON_NAME
             else f"{f.name} beside the book" for f in files]
    return f"{rules} Lexicon applied: {' and '.join(where)}."


def said_html(chapter: SaidChapter, grey: str, only_changes: bool = False) -> str:
    """Said sentences one a line, a paragraph's first spaced off, the printed words greyed
    beneath where they differ."""
    parts = [f"<h3>{chapter.index + 1}. {html.escape(chapter.title)}</h3>"]
    for paragraph in chapter.paragraphs:
        for number, passage in enumerate(paragraph):
            if only_changes and not passage.changed:
                continue
            space = 12 if number == 0 else 3
            said = "<br>".join(html.escape(s) for s in passage.said) or "<i>(not said)</i>"
            parts.append(f'<p style="margin-top:{space}px; margin-bottom:0px">{said}</p>')
            if passage.changed:
                printed = html.escape(passage.printed).replace(VERSE_LINE, "<br>")
                parts.append(f'<p style="margin-top:0px; margin-bottom:0px; margin-left:18px; '
                             f'color:{grey}"><small>printed: {printed}</small></p>')
    if only_changes and len(parts) == 1:
        parts.append("<p>The voice says every sentence of this chapter as printed.</p>")
    return "\n".join(parts)


class SpeechPreview(QDialog):
    """The read-only, non-modal window the preview is shown in."""

    def __init__(self, reload: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What will be said")
        self.setModal(False)
        self.resize(620, 520)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel()
        self.only_changes = QCheckBox("Only what is said otherwise than printed")
        self.only_changes.toggled.connect(self._show_text)
        self.text = QTextBrowser()
        self.text.setAccessibleName("What will be said")
        self.text.setOpenLinks(False)
        self.text.setPlaceholderText(WORKING)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reload = buttons.addButton("Reload", QDialogButtonBox.ButtonRole.ActionRole)
        self.reload.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload.setToolTip("Read the lexicon files and the chosen voice again (F5)")
        self.reload.clicked.connect(reload)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        legend = QLabel("Each line is a sentence as the voice will say it; where the book "
                        "prints it otherwise, the printed words are greyed beneath.")
        legend.setWordWrap(True)
        for widget in (legend, self.about, self.text, self.counts, self.only_changes, buttons):
            layout.addWidget(widget, 1 if widget is self.text else 0)
        self.preview: Preview | None = None

    def secondary_colour(self) -> str:
        """Half way from the text's colour to the page's, light or dark theme alike (the
        placeholder colour is the text's at half opacity, which HTML would draw solid)."""
        palette = self.text.palette()
        ink, page = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
        return QColor((ink.red() + page.red()) // 2, (ink.green() + page.green()) // 2,
                      (ink.blue() + page.blue()) // 2).name()

    def show_working(self, title: str) -> None:
        self.setWindowTitle(f"What will be said — {title}")
        self.preview = None
        self.text.clear()
        self.counts.setText(WORKING)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.setWindowTitle(f"What will be said — {preview.chapter.title}")
        self.about.setText(preview.about)
        self.counts.setText(preview.counts)
        self._show_text()

    def show_failed(self, message: str, lexicon: bool = False) -> None:
        """Say why in the text area itself: left empty, it would go on saying "Working
        out…" (its placeholder) as though the answer were still to come."""
        self.preview = None
        self.counts.setText(NOT_COUNTED)
        self.about.setText(f"Cannot show what will be said: {message}")
        self.text.setPlainText(
            f"What will be said cannot be shown until the lexicon is fixed:\n\n{message}\n\n"
            "Fix the file, then press F5 (Reload) to read it again." if lexicon
            else f"What will be said cannot be shown: {message}")

    def show_no_book(self) -> None:
        """The book was closed: nothing of it is shown, nor reloaded."""
        self.setWindowTitle("What will be said")
        self.preview = None
        self.about.setText(NO_BOOK)
        self.counts.setText("")
        self.text.setPlainText(NO_BOOK)

    def _show_text(self) -> None:
        if self.preview is not None:
            bar = self.text.verticalScrollBar()
            at = bar.value()
            self.text.setHtml(self.preview.changes if self.only_changes.isChecked()
                              else self.preview.everything)
            bar.setValue(at)  # Reload keeps the place being read


class SpeechPreviewer(QObject):
    """Opens the preview for the chapter the chapter table asks for, and keeps it on the
    selected chapter while it is open.

    Signals: ``shown(int)``: a chapter's preview (or why there is none) is on screen.
    """

    shown = Signal(int)

    def __init__(self, view: ChapterView,
                 book: Callable[[], tuple[Book | None, Path | None]],
                 voice: Callable[[], VoiceInfo | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view, self._book, self._voice = view, book, voice
        self.dialog: SpeechPreview | None = None
        self._asked = 0  # the latest request: an older one's answer is dropped
        self._index = 0
        view.preview_requested.connect(self.show_chapter)
        view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        view.chapters.modelReset.connect(self._on_book_changed)

    def show_chapter(self, index: int) -> None:
        book, path = self._book()
        if book is None or path is None or not 0 <= index < len(book.chapters):
            return
        if self.dialog is None:
            self.dialog = SpeechPreview(self.reload, self._view.window())
        rows = self._view.chapters.rows
        title = rows[index].title if index < len(rows) else book.chapters[index].title
        grey = self.dialog.secondary_colour()
        ask = PreviewAsk(book, path, index, title, self._voice(), grey)
        self._asked += 1
        self._index, asked = index, self._asked
        self.dialog.show_working(title)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        run_task(lambda: work_out_or_why(ask), lambda done: self._on_done(asked, done),
                 lambda message: self._on_failed(asked, message))

    def reload(self) -> None:
        self.show_chapter(self._index)

    def voice_changed(self) -> None:
        """Another voice may say it otherwise (its language's rules, its length limit)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.reload()

    def _on_book_changed(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            if self._book()[0] is None:
                self.dialog.close()
            else:
                self.show_chapter(0)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.dialog is not None and self.dialog.isVisible() and current.isValid() \
                and current.row() != self._index:
            self.show_chapter(current.row())

    def book_closed(self) -> None:
        """File ▸ Close book: the window no longer shows the closed book (an answer still
        being worked out is dropped), and Reload has nothing to read."""
        self._asked += 1
        if self.dialog is not None:
            self.dialog.show_no_book()
            self.dialog.close()

    def _on_done(self, asked: int, preview: Preview | LexiconProblem) -> None:
        if self._current(asked) and self.dialog is not None:
            if isinstance(preview, LexiconProblem):
                self.dialog.show_failed(preview.message, lexicon=True)
            else:
                self.dialog.show_preview(preview)
            self.shown.emit(self._index)

    def _on_failed(self, asked: int, message: str) -> None:
        if self._current(asked) and self.dialog is not None:
            self.dialog.show_failed(message)
            self.shown.emit(self._index)

    def _current(self, asked: int) -> bool:
        """The latest request, and a window still there to show it (one closed while the
        words were worked out is gone with its preview)."""
        return asked == self._asked and shiboken6.isValid(self) and (
            self.dialog is None or shiboken6.isValid(self.dialog))
