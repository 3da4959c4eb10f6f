"""`e2a` with no command: the desktop window.

Start-up order: the guard against a PySide6 fault that aborts Python (pyside_guard),
on X11 a check that Qt's xcb plugin can load (qt_platform_check: one line naming the
packages to install, not Qt's abort), the QApplication (style, icon), the core (event
bus, the farm, which starts listening and advertising at once so nodes can join before
a book is chosen), the window; a book named on the command line is opened; then Qt's
event loop runs until the window closes, and the core is closed after it.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory

from e2a_node.tray import gui_collector, pyside_guard
from e2a_node.tray.qt_platform_check import xcb_problem

from ..resources import assets
from .core import DesktopCore
from .main_window import MainWindow

RESOURCES = assets()  # package data: found in a wheel install and the bundle too


def load_style(app: QApplication) -> None:
    app.setStyle(QStyleFactory.create("Fusion"))
    qss = RESOURCES / "ui" / "style.qss"
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    if app.findChild(PaletteFollower, PaletteFollower.NAME) is None:
        app.installEventFilter(PaletteFollower(app))
    icon = RESOURCES / "ui" / "e2a.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


class PaletteFollower(QObject):
    """Re-applies the style sheet when the desktop switches between light and dark.

    The sheet's ``palette(...)`` colours are resolved when it is applied: without
    this, a switch to a dark theme left white fields and dark text on dark ground.
    """

    NAME = "e2aPaletteFollower"

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(self.NAME)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._app and event.type() == QEvent.Type.ApplicationPaletteChange:
            sheet = self._app.styleSheet()
            if sheet:
                self._app.setStyleSheet(sheet + " ")  # a new sheet: resolved anew
                self._app.setStyleSheet(sheet)
        return False


class FileOpenHandler(QObject):
    """Books opened from the Finder (double-click, "Open With", a drop on the Dock icon).

    macOS hands them to a running app as a QFileOpenEvent, not as arguments; the
    window opens them as if they had been dropped on it.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self.window.open_book(Path(path))
                return True
        return super().eventFilter(watched, event)


def _close_on_sigterm(window: MainWindow) -> None:
    """Logout, shutdown and `systemctl stop` send SIGTERM: close as Quit does, keeping the
    book for later (it exited 143 at once, and a book was left as if it had crashed).

    Python sees a signal only when it runs, so a timer wakes it now and then; the handler
    only schedules the close on the GUI thread's loop.
    """
    if not hasattr(signal, "SIGTERM"):
        return
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, window.close_keeping))
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(500)


def run_gui(argv: Sequence[str]) -> int:
    """Open the window (and the book in ``argv``, if any); returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    pyside_guard.install()
    problem = "" if QApplication.instance() else xcb_problem("e2a")
    if problem:  # Qt would abort Python with its raw plugin message
        print(problem, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    assert isinstance(app, QApplication)
    gui_collector.install(app)  # before any thread starts: cycles are freed on this thread
    app.setApplicationName("e2a")
    app.setOrganizationName("e2a")
    load_style(app)
    core = DesktopCore()
    window = MainWindow(core)
    app.installEventFilter(FileOpenHandler(window))
    window.show()
    _close_on_sigterm(window)
    books = [Path(a) for a in argv if not a.startswith("-")]
    if books:
        window.open_book(books[0])
    try:
        return app.exec()
    finally:
        core.close()
