"""The window's tray icon (shown with its notifications) brings the window back when
clicked: a household test found it did nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.tray_icon import show_windows


def test_clicking_the_icon_brings_a_minimised_window_back(qtbot: QtBot) -> None:
    window = QMainWindow()
    window.setWindowTitle("e2a")
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    show_windows()
    qtbot.waitUntil(lambda: not window.isMinimized())
