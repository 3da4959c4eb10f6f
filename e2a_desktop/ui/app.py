"""`e2a` with no command: the desktop window.

Start-up order: the guard against a PySide6 fault that aborts Python (pyside_guard);
the books named on the command line are offered to a window already running on this
data folder (single_window: one window per folder), and if it takes them this start
exits at once; on X11 a check that Qt's xcb plugin can load (qt_platform_check: one line naming the
packages to install, not Qt's abort), the QApplication (style, icon), the core (event
bus, the farm, which starts listening and advertising at once so nodes can join before
a book is chosen), the window and its server for later starts; a book named on the
command line is opened; then Qt's event loop runs until the window closes, and the core
is closed after it.
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

from ..config import AppPaths
from ..resources import assets
from .core import DesktopCore
from .main_window import MainWindow
from .single_window import WindowClaim, WindowServer, come_forward

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


def serve_later_starts(window: MainWindow, claim: WindowClaim) -> WindowServer:
    """Later starts' books open in this window as a drop opens them (or join the queue),
    and the window comes to the front."""
    server = WindowServer(claim, window)
    server.books_handed.connect(lambda books: _on_books_handed(window, books))
    server.listen()
    return server


def _on_books_handed(window: MainWindow, books: list[Path]) -> None:
    come_forward(window)
    if books:
        window.open_books(books)


def run_gui(argv: Sequence[str]) -> int:
    """Open the window (and the book in ``argv``, if any); returns the exit code.

    0 at once when a window on this data folder took the books instead."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    pyside_guard.install()
    books = [Path(a).absolute() for a in argv if not a.startswith("-")]
    claim = WindowClaim(AppPaths.load().data_dir)
    if claim.hand_over(books):
        logging.getLogger("e2a.ui").info("the e2a window already open took over")
        return 0
    problem = "" if QApplication.instance() else xcb_problem("e2a")
    if problem:  # Qt would abort Python with its raw plugin message
        print(problem, file=sys.stderr)
        claim.release()
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
    server = serve_later_starts(window, claim)
    window.show()
    _close_on_sigterm(window)
    if books:
        window.open_book(books[0])
    try:
        return app.exec()
    finally:
        server.close()
        core.close()
