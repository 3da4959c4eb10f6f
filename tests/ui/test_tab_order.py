"""Tab follows the screen, top to bottom and left to right: the farm banner's Pair a node…,
the book's Title and Author, its chapters, the Voice and Output boxes, the buttons under
them, then the tabs below. A new book starts at its top (focus stayed in the chapters)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow
from tests.ui.test_keyboard import _activate, _open, _tab_chain


def _expected(window: MainWindow, *buttons: QWidget) -> list[QWidget]:
    settings = window.settings
    return [window.banner.pair_button, window.book_panel.title, window.book_panel.author,
            window.chapter_view, settings.voice, settings.speed, settings.sample,
            settings.format, settings.folder, settings.browse, settings.split,
            settings.subtitles, settings.read_along, settings.verify, settings.render_here,
            settings.device, *buttons, window.tabs.tabBar(), window.nodes_view,
            window.banner.pair_button]


def _names(widgets: list[QWidget]) -> list[str]:
    return [f"{type(w).__name__} {w.accessibleName() or getattr(w, 'text', str)()}"
            for w in widgets]


def test_tab_from_the_top_walks_the_window_as_it_stands(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    expected = _expected(window, window.controls.start)
    chain = _tab_chain(qtbot, window.banner.pair_button, len(expected) - 1)
    assert _names(chain) == _names(expected), "\n".join(_names(chain))


def test_while_converting_tab_reaches_pause_and_cancel_before_the_tabs(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    window.controls.set_mode("running")  # as a conversion shows it
    controls = window.controls
    expected = _expected(window, controls.pause, controls.cancel)
    chain = _tab_chain(qtbot, window.banner.pair_button, len(expected) - 1)
    assert _names(chain) == _names(expected), "\n".join(_names(chain))


def test_a_new_book_starts_at_its_title(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    """The chapters of the book before had the focus; the next book's Tab starts at its
    top, not in the middle of the page."""
    _open(qtbot, window, sample_book)
    _activate(qtbot, window)
    window.chapter_view.setFocus()
    qtbot.waitUntil(window.chapter_view.hasFocus)
    _open(qtbot, window, sample_book)
    qtbot.waitUntil(window.book_panel.title.hasFocus)
    assert window.book_panel.title.selectedText() == ""  # nothing typed replaces it
    expected = _expected(window, window.controls.start)
    chain = _tab_chain(qtbot, QApplication.focusWidget(), 3)
    assert chain == expected[1:5]


def test_a_fresh_windows_first_book_starts_at_its_title_and_the_log_keeps_its_focus(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    """Household re-check: a fresh window has the focus on Pair a node… (Qt's choice, not
    the person's); the book opened then took no typing in its Title."""
    _activate(qtbot, window)
    window.banner.pair_button.setFocus()
    qtbot.waitUntil(window.banner.pair_button.hasFocus)
    _open(qtbot, window, sample_book)
    qtbot.waitUntil(window.book_panel.title.hasFocus)

    window.tabs.setCurrentWidget(window.log_pane)  # the person reads the log
    window.log_pane.setFocus()
    qtbot.waitUntil(window.log_pane.hasFocus)
    _open(qtbot, window, sample_book)
    assert window.log_pane.hasFocus()
