"""The speech preview from the main window: its menu, its shortcut and its voice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow


def test_ctrl_t_in_the_window_shows_the_selected_chapter_as_said(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    book = tmp_path / "holmes.md"
    book.write_text("# The Adventure of the Band\n\nMr. Holmes paid £4 in 1887.\n\n"
                    "# The Sign of the Four Men\n\nDr. Watson wrote.\n", encoding="utf-8")
    (tmp_path / "holmes.lexicon.txt").write_text("Watson = Wotson\n", encoding="utf-8")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.chapter_view.preview in file_menu.actions()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.chapter_view.setFocus()
    window.chapter_view.selectRow(1)
    with qtbot.waitSignal(window.previewer.shown, timeout=30_000) as shown:
        qtbot.keyClick(window.chapter_view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert shown.args == [1]
    dialog = window.previewer.dialog
    assert dialog is not None and dialog.isVisible()
    assert "Doctor Wotson wrote." in dialog.text.toPlainText()
    assert "holmes.lexicon.txt beside the book" in dialog.about.text()
    dialog.close()
