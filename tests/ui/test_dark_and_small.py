"""The window on a dark desktop, and on a small screen (800×600)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow

DARK = {QPalette.ColorRole.Window: "#2a2e32", QPalette.ColorRole.WindowText: "#eff0f1",
        QPalette.ColorRole.Base: "#1b1e20", QPalette.ColorRole.AlternateBase: "#31363b",
        QPalette.ColorRole.Text: "#eff0f1", QPalette.ColorRole.Button: "#31363b",
        QPalette.ColorRole.ButtonText: "#eff0f1", QPalette.ColorRole.Highlight: "#3daee9",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#4d5257",
        QPalette.ColorRole.PlaceholderText: "#a0a4a8"}
"""Roughly what a dark desktop theme (Breeze Dark) hands Qt."""


def _mean_lightness(image: QImage) -> float:
    step = 7
    values = [QColor(image.pixel(x, y)).lightness()
              for x in range(0, image.width(), step) for y in range(0, image.height(), step)]
    return sum(values) / len(values)


def test_the_window_turns_dark_with_the_desktop(qtbot: QtBot, window: MainWindow,
                                                sample_book: Path, qapp: QApplication) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    assert _mean_lightness(window.grab().toImage()) > 150  # a light desktop: a light window
    before = QApplication.palette()
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    try:
        QApplication.setPalette(palette)  # the desktop switches to its dark theme
        qtbot.waitUntil(lambda: _mean_lightness(window.grab().toImage()) < 90)
        window.settings.warning.setText("⚠ a warning")
        warning = window.settings.warning.palette().windowText().color()
        assert "#ff7b6e" in window.settings.warning.styleSheet() or warning.lightness() > 128
    finally:
        QApplication.setPalette(before)


def test_at_800_by_600_the_chapters_show_several_rows_and_the_banner_fits(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600)
    view = window.chapter_view
    rows_shown = (view.viewport().height()) // view.verticalHeader().defaultSectionSize()
    assert rows_shown >= 3
    banner = window.banner
    code = banner.code.geometry()
    for label in (banner.name, banner.findChild(type(banner.name), "farmHint")):
        assert label is not None
        assert label.geometry().right() < code.left(), label.objectName()


def test_at_800_by_600_the_voice_and_output_boxes_fit_without_scrolling(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    """Their last row ("This PC speaks too") was cut at its bottom edge, and more so under
    a message: the column scrolled by a few pixels."""
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600)
    area = window.settings.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea)
    last = window.settings.render_here

    def all_rows_shown() -> None:
        assert area.verticalScrollBar().maximum() == 0
        bottom = last.mapTo(area.viewport(), last.rect().bottomLeft()).y()
        assert bottom < area.viewport().height()

    qtbot.waitUntil(all_rows_shown)
    window.show_message("Stopped. Everything spoken so far is kept: press Convert to go on.",
                        error=False)
    qtbot.waitUntil(lambda: window.message.isVisible())
    qtbot.waitUntil(all_rows_shown)
