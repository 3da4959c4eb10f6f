"""The main window's menu bar: File (open, close, what will be said, quit) and Voices."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar


def add_menus(bar: QMenuBar, *, open_book: Callable[[], object],
              close_book: Callable[[], object], preview: QAction, quit_app: Callable[[], object],
              manage_voices: Callable[[], object]) -> None:
    """File and Voices, with the shortcuts a person looks for there (Ctrl+O, Ctrl+W, Ctrl+Q)."""
    menu = bar.addMenu("&File")
    menu.addAction("&Open a book…", "Ctrl+O", open_book)
    menu.addAction("&Close book", "Ctrl+W", close_book)
    menu.addAction(preview)  # Ctrl+T: what will be said
    menu.addSeparator()
    menu.addAction("&Quit", "Ctrl+Q", quit_app)
    voices = bar.addMenu("Vo&ices")  # Alt+V is the Voice field
    voices.addAction("&Manage voices…", "Ctrl+Shift+V", manage_voices)
