"""The window after a book: shortcuts, Quit near the end, Cancel, Convert again, Close book."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from e2a_desktop.service import FINISHED
from e2a_desktop.ui.dialogs import KEEP
from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine

LONG_WAIT_MS = 240_000


def _open(qtbot: QtBot, window: MainWindow, book: Path) -> None:
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)


def _finish(qtbot: QtBot, gate: type[GateEngine], window: MainWindow) -> None:
    """Convert the open book to its end (the gate lets every sentence through)."""
    gate.open()
    with qtbot.waitSignal(window.conversion_ended, timeout=LONG_WAIT_MS) as blocker:
        qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert blocker.args[0].state == FINISHED


def test_ctrl_return_still_converts_after_a_finished_book(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    assert "Ctrl+Return" in window.controls.start.toolTip()
    monkeypatch.setattr(window, "confirm", lambda _question: False)  # "Replace it?": No
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(window.controls.start_requested, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.close_book()
    _open(qtbot, window, sample_book)  # and for the next book too
    with qtbot.waitSignal(window.controls.start_requested, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_quit_answered_after_the_book_ended_closes_the_window(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    """Ctrl+Q in a book's last seconds: it ends while "Keep this book for later?" is up,
    and "Keep for later" closes the window (a second Ctrl+Q was needed)."""
    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)

    def keep_while_it_ends() -> str:  # the question is up while the last sentence is said
        with qtbot.waitSignal(window.conversion_ended, timeout=LONG_WAIT_MS) as blocker:
            gate.open()
        assert blocker.args[0].state == FINISHED
        return KEEP

    window.ask_keep = keep_while_it_ends  # type: ignore[method-assign]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert window.outputs and window.outputs[0].exists()  # the finished audiobook is kept


def test_cancel_says_stopping_until_the_conversion_ends(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    """The next progress tick wrote "36 %… about 4 min left" over "Stopping…"."""
    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    session = window.session
    assert session is not None
    gate.allow(2)
    qtbot.waitUntil(lambda: window.controls.bar.value() > 0, timeout=60_000)
    qtbot.mouseClick(window.controls.cancel, Qt.MouseButton.LeftButton)
    for _tick in range(2):  # the sentence in hand is held at the gate meanwhile
        with qtbot.waitSignal(session.progressed, timeout=10_000):
            pass
        assert window.controls.status.text().startswith("Stopping"), \
            window.controls.status.text()
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000):
        gate.open()
    assert not window.controls.status.text().startswith("Stopping")


def test_no_to_replace_it_leaves_the_finished_book_as_it_was(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Convert again, then No to "Replace it?": it said Done with a full bar, but Play and
    Show in folder were gone and the chapters' states blank."""
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    controls = window.controls
    states = [row.state for row in window.chapters.rows]
    status, bar = controls.status.text(), controls.bar.value()
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr(window, "confirm", no)
    qtbot.mouseClick(controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not converted" in window.message.text(), timeout=60_000)
    assert len(asked) == 1 and window.session is None
    assert controls.play.isVisible() and controls.show_folder.isVisible()
    assert controls.start.isVisible() and controls.start.text() == "Convert again"
    assert (controls.status.text(), controls.bar.value()) == (status, bar)
    assert [row.state for row in window.chapters.rows] == states


def test_close_book_takes_the_finished_books_banner_away(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    assert window.message.isVisible() and "ready" in window.message.text()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == 0  # the drop zone, with no banner over it
    assert not window.message.isVisible()
