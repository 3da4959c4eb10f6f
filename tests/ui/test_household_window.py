"""What a household test of the window found: a broken lexicon in the speech preview,
Close book leaving the closed book in the preview and the Review tab, the two lengths of
one audiobook, and a long title shown cut at its start at 800×600."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.service import FINISHED
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.review_tab import NOTHING_YET
from e2a_desktop.ui.speech_preview import WORKING
from tests.helpers.fakes import GateEngine
from tests.ui.test_speech_preview import SAID, Panel, _open
from tests.ui.test_window import _convert
from tests.ui.test_window import _open as _open_book


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> Iterator[Panel]:
    made = Panel(qtbot, tmp_path / "holmes.epub")
    yield made
    if made.previewer.dialog is not None:
        made.previewer.dialog.close()


def test_a_broken_lexicon_says_so_in_the_preview_and_f5_recovers(
        qtbot: QtBot, panel: Panel, tmp_path: Path) -> None:
    _open(qtbot, panel, 1)
    dialog = panel.previewer.dialog
    assert dialog is not None
    lexicon = tmp_path / "holmes.lexicon.txt"
    lexicon.write_text("this line has no equals\n", encoding="utf-8")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
        qtbot.keyClick(dialog, Qt.Key.Key_F5)
    text = panel.text()
    assert text.startswith("What will be said cannot be shown until the lexicon is fixed")
    assert "holmes.lexicon.txt" in text and "line 1" in text
    assert WORKING not in text and dialog.counts.text() not in ("", WORKING)
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        panel.view.selectRow(2)  # another chapter: still said plainly, never "Working…"
    assert shown.args == [2]
    assert "until the lexicon is fixed" in panel.text() and "line 1" in panel.text()
    assert dialog.counts.text() not in ("", WORKING)

    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000) as shown:
        panel.view.selectRow(1)
    lexicon.write_text("Holmes = Homes\n", encoding="utf-8")
    with qtbot.waitSignal(panel.previewer.shown, timeout=30_000):
        qtbot.keyClick(dialog, Qt.Key.Key_F5)
    assert SAID.replace("Holmes", "Homes") in panel.text()
    assert "until the lexicon is fixed" not in panel.text()
    assert "2 of 4 sentences said otherwise than printed" in dialog.counts.text()


def test_close_book_closes_the_preview_and_empties_the_review(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    window.settings.select_voice("gate:gate")
    gate.open()
    _open_book(qtbot, window, sample_book)
    assert _convert(qtbot, window).state == FINISHED  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.review.shown is not None, timeout=60_000)
    assert window.review.redo_at.isEnabled()
    window.chapter_view.selectRow(0)
    with qtbot.waitSignal(window.previewer.shown, timeout=30_000):
        window.chapter_view.preview.trigger()
    dialog = window.previewer.dialog
    assert dialog is not None and dialog.isVisible()

    window.close_book()
    assert window.pages.currentIndex() == 0
    assert not dialog.isVisible()
    with qtbot.assertNotEmitted(window.previewer.shown, wait=100):
        dialog.reload.click()  # nothing to reload: the book is closed
    assert not dialog.isVisible()
    assert window.review.shown is None
    assert window.review.summary.text() == NOTHING_YET
    assert window.review.tree.topLevelItemCount() == 0
    assert not window.review.redo_at.isEnabled() or not window.review.redo_at.isVisible()
    window.review.at.setText("0:00:01")
    with qtbot.assertNotEmitted(window.review.redo_done, wait=100):
        window.review.redo_at_time()  # Redo has nothing to redo: no conversion starts
    assert window.session is None


def test_past_the_end_gives_the_length_the_summary_gives(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    window.settings.select_voice("gate:gate")
    gate.open()
    _open_book(qtbot, window, sample_book)
    _convert(qtbot, window)
    qtbot.waitUntil(lambda: window.review.shown is not None, timeout=60_000)
    window.review.at.setText("9:59:59")
    window.review.redo_at.click()
    message = window.message.text()
    assert message.startswith("The audiobook is ") and message.endswith("is past its end.")
    length = message.removeprefix("The audiobook is ").split(" long;")[0]
    assert f"chapters, {length} spoken." in window.review.summary.text()
    assert window.session is None


def test_at_800_by_600_the_title_shows_from_its_start(qtbot: QtBot, window: MainWindow,
                                                     sample_book: Path) -> None:
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600)
    _open_book(qtbot, window, sample_book)
    title = window.book_panel.title
    assert title.text() == "Three Fables of Aesop"
    assert title.cursorPosition() == 0  # the field is scrolled to the first letter
    assert title.cursorRect().left() <= title.fontMetrics().horizontalAdvance("T")
