"""`e2a` with no command: the desktop window.

Start-up order: the QApplication (style, icon), the core (event bus, the farm,
which starts listening and advertising at once so nodes can join before a book
is chosen), the window; a book named on the command line is opened; then Qt's
event loop runs until the window closes, and the core is closed after it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory

from .core import DesktopCore
from .main_window import MainWindow

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def load_style(app: QApplication) -> None:
    app.setStyle(QStyleFactory.create("Fusion"))
    qss = RESOURCES / "ui" / "style.qss"
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    icon = RESOURCES / "ui" / "e2a.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def run_gui(argv: Sequence[str]) -> int:
    """Open the window (and the book in ``argv``, if any); returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    assert isinstance(app, QApplication)
    app.setApplicationName("e2a")
    app.setOrganizationName("e2a")
    load_style(app)
    core = DesktopCore()
    window = MainWindow(core)
    window.show()
    books = [Path(a) for a in argv if not a.startswith("-")]
    if books:
        window.open_book(books[0])
    try:
        return app.exec()
    finally:
        core.close()
