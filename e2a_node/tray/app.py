"""The tray node's start-up, in order.

0. The guard against PySide6 6.12.0's signals losing references to True (pyside_guard).
1. On X11, a check that Qt's xcb plugin can load (qt_platform_check): one line naming the
   packages to install and exit 1, where Qt would abort. Then a QApplication that does
   not quit when its last window closes (the tray stays).
2. The log goes to a file under the node's data dir too ("Open log" shows it).
3. A NodeBridge: the worker on its own thread, its state and pairing requests as signals.
4. A TrayController: the actions, the idle rule, the view.
5. A tray icon with the controller's menu, or, where no tray exists, the small window.
6. ``exec()``; Quit leaves the loop, then the worker stops (the unit in hand is handed
   back) and the icon goes.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from ..autostart import Autostart
from ..engines.base import Engine
from ..idle import IdleSource, SystemIdleSource
from ..settings import EngineSettings
from ..worker import NodeConfig
from . import gui_collector, pyside_guard
from .bridge import NodeBridge
from .controller import IDLE_POLL_MS, TrayController
from .icons import icon_for
from .prefs import PrefsStore
from .qt_platform_check import xcb_problem
from .status import Look, TrayView, gpu_available
from .window import FallbackWindow

log = logging.getLogger("e2a.node")

OFFER_BALLOON_MS = 10_000
"""How long the "a farm is on your network" notification stays (where the desktop lets it
choose: most keep it in their notification list after)."""


class TrayIcon(QObject):
    """The system tray icon: its look and tooltip follow the view; a click opens the menu."""

    def __init__(self, controller: TrayController) -> None:
        super().__init__()
        self.controller = controller
        self.icon = QSystemTrayIcon(icon_for(controller.view.look))
        self.icon.setContextMenu(controller.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._on_message_clicked)
        controller.view_changed.connect(self._show)
        controller.offer_news.connect(self._on_offer)
        self._show(controller.view)

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def _show(self, view: TrayView) -> None:
        self.icon.setIcon(icon_for(view.look))
        self.icon.setToolTip(view.tooltip)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger and self.controller.offer:
            self._on_message_clicked()

    def _on_message_clicked(self) -> None:
        """One farm on offer: its code dialog. Several: the menu, an entry for each."""
        if len(self.controller.offers) == 1:
            self.controller.open_pairing()
        elif self.controller.offers:
            self.controller.menu.popup(QCursor.pos())

    def _on_offer(self, _farm: str) -> None:
        """A notification naming every farm on offer (a second one replaces the first)."""
        labels = [offer.label for offer in self.controller.offers]
        if not labels or not QSystemTrayIcon.supportsMessages():
            return
        if len(labels) == 1:
            title, text = ("An e2a farm is on your network",
                           f"{labels[0]} can use this PC to speak audiobooks while you are "
                           "away. Click to join.")
        else:
            title, text = (f"{len(labels)} e2a farms are on your network",
                           f"{', '.join(labels[:-1])} and {labels[-1]} can use this PC to "
                           "speak audiobooks while you are away. Click to choose one.")
        # Ten seconds: Qt cannot take a balloon back, and one up for half a minute sat over
        # the tray menu's own "Join the farm…" entries when the person opened it.
        self.icon.showMessage(title, text, icon_for(Look.READY), OFFER_BALLOON_MS)


class TrayApp:
    """The composition root of the tray node: builds the parts in the docstring's order."""

    def __init__(self, config: NodeConfig, idle: IdleSource | None = None,
                 prefs: PrefsStore | None = None, use_tray: bool | None = None,
                 engine_factory: Callable[[EngineSettings], Engine] | None = None,
                 autostart: Autostart | None = None, poll_ms: int = IDLE_POLL_MS) -> None:
        self.log_path = config.paths.node_dir / "e2a-node.log"
        self.bridge = NodeBridge(config, engine_factory)
        self.controller = TrayController(self.bridge, prefs or PrefsStore(),
                                         idle or SystemIdleSource(), autostart,
                                         self.log_path, gpu_available(), poll_ms)
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray = TrayIcon(self.controller) if use_tray else None
        self.window = None if use_tray else FallbackWindow(self.controller)
        self.controller.quit_requested.connect(self.quit)
        self._closed = False

    def show(self) -> None:
        self.controller.start()
        if self.tray is not None:
            self.tray.show()
        if self.window is not None:
            self.window.show()

    def quit(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.controller.close()
        if self.tray is not None:
            self.tray.hide()
        if self.window is not None:
            self.window.close()


def _log_to_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)


def say_already_running(message: str) -> None:
    """A second tray node started from the menu or a login entry said why it stopped on
    stderr only, which nobody sees: say it in a box too, where Qt can start."""
    if not QApplication.instance() and xcb_problem("e2a-node"):
        return
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(icon_for(Look.READY))
    QMessageBox.information(None, "e2a node is already running", message)


def run(config: NodeConfig) -> int:
    """Run the tray node until Quit; the exit status for the CLI."""
    pyside_guard.install()  # a night of state signals must not abort the node (PySide6 6.12.0)
    problem = "" if QApplication.instance() else xcb_problem("e2a-node")
    if problem:  # Qt would abort Python with its raw plugin message
        print(problem, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    gui_collector.install(app)  # before any thread starts: cycles are freed on this thread
    app.setApplicationName("e2a-node")
    app.setOrganizationName("e2a")
    app.setQuitOnLastWindowClosed(False)
    tray = TrayApp(config)
    tray.controller.quit_requested.connect(app.quit)
    _log_to_file(tray.log_path)
    app.setWindowIcon(icon_for(Look.READY))
    tray.show()
    log.info("tray node started (%s)", "tray icon" if tray.tray else "window: no system tray")
    # Logout and `kill` send SIGTERM: leave as Quit would (the unit in hand goes back).
    # Python sees a signal only when it runs, so a timer wakes it now and then.
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(500)
    try:
        return app.exec()
    finally:
        tray.quit()
