"""The window after a book: shortcuts, Quit near the end, Cancel, Convert again, Close book."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from e2a_desktop.service import FINISHED
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
