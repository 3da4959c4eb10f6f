"""The speech preview: the selected chapter as the voice will say it, from the window."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle
from pytestqt.qtbot import QtBot

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.textcmd import spoken_lines
from e2a_desktop.ui import speech_preview
from e2a_desktop.ui.chapter_view import CHARS_COLUMN, STATE_COLUMN, TITLE_COLUMN, ChapterView
from e2a_desktop.ui.chapters import ChapterModel
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.speech_preview import WORKING, SpeechPreviewer
from e2a_node.engines.base import VoiceInfo

HOLMES = "Mr. Holmes paid £4 in 1887."
SAID = "Mister Holmes paid four pounds in eighteen eighty-seven."
BOOK = Book(Metadata(title="Holmes", language="en"), [
    Chapter("Chapter I", "Chapter I\n\nIt began."),
    Chapter("Chapter II", f"Chapter II\n\n{HOLMES} Watson wrote it down.\n\nThe end."),
    Chapter("Chapter III", "Chapter III\n\nDr. Watson left."),
])


class Panel:
    """The chapter table with its previewer, as the window wires them."""

    def __init__(self, qtbot: QtBot, path: Path, voice: VoiceInfo | None = None) -> None:
        self.model = ChapterModel()
        self.view = ChapterView(self.model)
        qtbot.addWidget(self.view)
        self.model.load(BOOK)
        self.voice = voice
        self.previewer = SpeechPreviewer(self.view, lambda: (BOOK, path), lambda: self.voice)
        self.view.resize(600, 300)
        with qtbot.waitExposed(self.view):
            self.view.show()

    def text(self) -> str:
        assert self.previewer.dialog is not None
        return self.previewer.dialog.text.toPlainText()


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> Iterator[Panel]:
    made = Panel(qtbot, tmp_path / "holmes.epub")
    yield made
    if made.previewer.dialog is not None:
        made.previewer.dialog.close()


def _open(qtbot: QtBot, panel: Panel, row: int) -> None:
    panel.view.selectRow(row)
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        panel.view.preview.trigger()
    assert shown.args == [row]


def test_the_selected_chapter_is_shown_as_said_with_the_print_beneath(
        qtbot: QtBot, panel: Panel) -> None:
    _open(qtbot, panel, 1)
    dialog = panel.previewer.dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.text.isReadOnly()
    lines = panel.text().splitlines()
    assert lines[0] == "2. Chapter II"
    assert SAID in lines
    assert f"printed: {HOLMES}" in lines  # what the front end changed, beneath
    assert "printed: Watson wrote it down." not in lines  # unchanged: said as printed
    said = [line for line in lines[1:] if line and not line.startswith("printed: ")]
    assert said == [line for line in spoken_lines(BOOK, [1]) if line][1:]  # as `e2a text`
    assert "No lexicon file: write holmes.lexicon.txt beside the book" in dialog.about.text()
    assert "2 of 4 sentences said otherwise than printed" in dialog.counts.text()
    dialog.only_changes.setChecked(True)
    assert "The end." not in panel.text() and SAID in panel.text()


def test_a_lexicon_beside_the_book_changes_the_preview(qtbot: QtBot, panel: Panel,
                                                       tmp_path: Path) -> None:
    _open(qtbot, panel, 1)
    (tmp_path / "holmes.lexicon.txt").write_text("Holmes = Homes\n", encoding="utf-8")
    dialog = panel.previewer.dialog
    assert dialog is not None
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
        dialog.reload.click()
    assert "Mister Homes paid four pounds in eighteen eighty-seven." in panel.text()
    assert "Lexicon applied: holmes.lexicon.txt beside the book" in dialog.about.text()
    (tmp_path / "holmes.lexicon.txt").write_text("Holmes = = =\n/(/ = x\n", encoding="utf-8")
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
        dialog.reload.click()
    assert "holmes.lexicon.txt" in dialog.about.text()  # a bad file is named, not a crash
    assert "line 2" in dialog.about.text()


def test_the_chosen_voice_decides_the_rules(qtbot: QtBot, panel: Panel) -> None:
    panel.voice = VoiceInfo("piper", "de_DE-thorsten-medium", "de_DE")
    _open(qtbot, panel, 1)
    assert "achtzehnhundertsiebenundachtzig" in panel.text()
    dialog = panel.previewer.dialog
    assert dialog is not None
    assert "de_DE-thorsten-medium" in dialog.about.text()


def test_the_keyboard_alone_opens_it_and_it_follows_the_chapter(qtbot: QtBot,
                                                                 panel: Panel) -> None:
    panel.view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel.view)
    panel.view.setFocus()
    panel.view.selectRow(0)
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        qtbot.keyClick(panel.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert shown.args == [1] and SAID in panel.text()
    assert panel.view.preview in panel.view.menu().actions()  # the Menu key offers it too
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        panel.view.selectRow(2)  # still open: it shows the chapter now selected
    assert shown.args == [2] and "Doctor Watson left." in panel.text()


def test_it_is_worked_out_off_the_gui_thread(qtbot: QtBot, panel: Panel,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A long chapter takes a second on a busy PC: the window answers meanwhile."""
    gate = threading.Event()
    real: Callable[..., object] = speech_preview.said_chapter

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(speech_preview, "said_chapter", held)
    panel.view.selectRow(1)
    try:
        panel.view.preview.trigger()  # returns with the words still being worked out
        dialog = panel.previewer.dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.counts.text() == WORKING
    finally:
        with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
            gate.set()
    assert SAID in panel.text()


def _elided(view: ChapterView, row: int) -> bool:
    """Whether the title cell's text is cut short (as the item delegate would draw it)."""
    title = view.chapters.rows[row].title
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    room = view.columnWidth(TITLE_COLUMN) - 2 * margin
    metrics = view.fontMetrics()
    return metrics.elidedText(title, Qt.TextElideMode.ElideRight, room) != title


def test_at_800_by_600_titles_get_the_room(qtbot: QtBot, window: MainWindow,
                                          tmp_path: Path) -> None:
    book = tmp_path / "holmes.md"
    book.write_text("# The Adventure of the Band\n\nMr. Holmes paid.\n\n"
                    "# The Sign of the Four Men\n\nWatson wrote.\n", encoding="utf-8")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600)
    view = window.chapter_view
    assert len(view.chapters.rows[0].title) == 25
    qtbot.waitUntil(lambda: not _elided(view, 0))
    assert view.isColumnHidden(STATE_COLUMN)  # no states yet: no empty column
    view.chapters.set_states({0: "partly spoken", 1: "waiting"})
    qtbot.waitUntil(lambda: not view.isColumnHidden(STATE_COLUMN))
    assert view.columnWidth(STATE_COLUMN) >= view.fontMetrics().horizontalAdvance("done…")
    window.resize(1280, 800)  # room for everything again
    qtbot.waitUntil(lambda: not view.isColumnHidden(CHARS_COLUMN))
    assert not _elided(view, 0)
    assert view.columnWidth(STATE_COLUMN) > view.fontMetrics().horizontalAdvance("partly spoken")


def test_another_voice_or_book_shows_anew(qtbot: QtBot, panel: Panel) -> None:
    _open(qtbot, panel, 1)
    panel.voice = VoiceInfo("piper", "de_DE-thorsten-medium", "de_DE")
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
        panel.previewer.voice_changed()
    assert "achtzehnhundertsiebenundachtzig" in panel.text()
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        panel.model.load(BOOK)  # a book opened: its first chapter
    assert shown.args == [0]
