"""The window from the keyboard: one owner per shortcut, Tab through it, chapters in bulk."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from e2a_desktop.ui import dialogs
from e2a_desktop.ui.main_window import MainWindow


def _open(qtbot: QtBot, window: MainWindow, book: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return f"Alt+{found.group(1).upper()}" if found else None


def _keys(window: MainWindow) -> list[str]:
    """Every key sequence the window answers to, once per owner."""
    keys: list[str] = []
    for action in window.findChildren(QAction):
        keys += [s.toString() for s in action.shortcuts() if not s.isEmpty()]
    for shortcut in window.findChildren(QShortcut):
        keys.append(shortcut.key().toString())
    for button in window.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty() and button.shortcut() != QKeySequence(
                _mnemonic(button.text()) or ""):
            keys.append(button.shortcut().toString())
        keys.append(_mnemonic(button.text()) or "")
    for label in window.findChildren(QLabel):
        if label.buddy() is not None:
            keys.append(_mnemonic(label.text()) or "")
    for menu in window.menuBar().findChildren(QMenu):
        keys.append(_mnemonic(menu.title()) or "")
    return [k for k in keys if k]


def test_every_shortcut_has_one_owner(window: MainWindow) -> None:
    repeated = [key for key, n in Counter(_keys(window)).items() if n > 1]
    assert repeated == []
    assert "Ctrl+O" in _keys(window)


def _activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_ctrl_o_in_the_empty_window_opens_a_book(qtbot: QtBot, window: MainWindow,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(dialogs, "choose_books", lambda _parent: asked.append(True) or [])
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: asked == [True])


def _tab_chain(qtbot: QtBot, start: QWidget, steps: int = 40) -> list[QWidget]:
    """The widgets focus visits from ``start`` on, pressing Tab ``steps`` times."""
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    chain = [start]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        chain.append(QApplication.focusWidget())
    return chain


def test_the_chapter_table_is_one_tab_stop_and_tab_reaches_the_rest(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    chain = _tab_chain(qtbot, window.chapter_view)
    assert chain[1] is not window.chapter_view  # Tab left it at once
    assert window.controls.start in chain and window.tabs.tabBar() in chain
    assert window.settings.voice in chain and window.book_panel.title in chain
    chain[1].setFocus()
    qtbot.keyClick(chain[1], Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is window.chapter_view


def test_space_and_the_menu_and_the_header_check_chapters_in_bulk(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    view, model = window.chapter_view, window.chapters
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.included() == [2]
    assert "1 of 3 chapters" in window.book_panel.facts.text()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.included() == [0, 1, 2]

    def choose(text: str) -> None:
        action = next(a for a in view.menu().actions() if a.text() == text)
        assert action.isEnabled(), text
        action.trigger()

    choose("Uncheck all")
    assert model.included() == []
    choose("Check the selected rows")
    assert model.included() == [0, 1]
    choose("Invert the checks")
    assert model.included() == [2]
    choose("Check all")
    assert model.included() == [0, 1, 2]

    header = view.horizontalHeader()
    at = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().center().__class__(at, header.height() // 2))
    assert model.included() == []  # all were checked: the header's box unchecks them all
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().center().__class__(at, header.height() // 2))
    assert model.included() == [0, 1, 2]


def _changed_pixels(a: QImage, b: QImage) -> int:
    if a.size() != b.size():
        return a.width() * a.height()
    return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(a.width())
               for y in range(a.height()))


def test_focus_is_visible_on_every_tab_stop(qtbot: QtBot, window: MainWindow,
                                            sample_book: Path) -> None:
    """Each Tab stop looks different while it has the focus than once Tab moved on."""
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    window.book_panel.title.setFocus()
    qtbot.waitUntil(window.book_panel.title.hasFocus)
    unseen, seen = [], set()
    for _ in range(30):
        widget = QApplication.focusWidget()
        if widget in seen:
            continue
        seen.add(widget)
        focused = widget.grab().toImage()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())
        frame = widget.width() + widget.height()  # a line along half its edge, at least
        if _changed_pixels(widget.grab().toImage(), focused) < frame:
            unseen.append(f"{type(widget).__name__} {widget.accessibleName()}")
    assert len(seen) > 10
    assert unseen == [], ", ".join(unseen) + f" of {len(seen)}"
