""""Pair a node…" never sends the keyboard into the book's Title field."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow


def test_pair_a_node_keeps_the_focus_off_the_title(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    """Household test: the focus went into Title with its text selected, so the next key
    typed replaced the book's title."""
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    banner = window.banner
    qtbot.waitUntil(lambda: banner.pair_button.isVisible(), timeout=30_000)
    banner.pair_button.setFocus()
    qtbot.keyClick(banner.pair_button, Qt.Key.Key_Space)  # press it from the keyboard
    qtbot.waitUntil(lambda: banner.caption.text() == "ONE-TIME CODE", timeout=5000)
    focused = QApplication.focusWidget()
    assert focused is banner.code
    assert not window.book_panel.title.hasFocus()
    qtbot.keyClicks(focused, "x")
    assert window.book_panel.title.text() == "Three Fables of Aesop"
