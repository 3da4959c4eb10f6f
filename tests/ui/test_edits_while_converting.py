"""While a book converts, the window shows its choices as they are used: read-only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine


def test_chapters_and_this_pc_speaks_too_cannot_change_mid_job(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    """Household test: unchecking chapters mid-conversion changed the header ("4 of 6
    chapters") but the M4B had all 6; unchecking "This PC speaks too" did nothing."""
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)

    view, model = window.chapter_view, window.chapters
    view.setFocus()
    view.selectionModel().setCurrentIndex(
        model.index(1, 1), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.keyClick(view, Qt.Key.Key_Space)  # uncheck chapter 2, as a person would
    assert model.included() == [0, 1, 2]
    assert "3 of 3 chapters" in window.book_panel.facts.text()
    assert not model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert "Cancel" in str(model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole))
    assert window.book_panel.title.isReadOnly()
    assert not window.settings.render_here.isEnabled()
    assert "Cancel" in window.settings.render_here.toolTip()

    with qtbot.waitSignal(window.conversion_ended, timeout=120_000):
        gate.open()
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert window.settings.render_here.isEnabled()
    assert not window.book_panel.title.isReadOnly()
    qtbot.keyClick(view, Qt.Key.Key_Space)  # between conversions it works again
    assert model.included() == [0, 2]
