"""A program, not a test: the real app (``run_gui``) with two LAN nodes over TLS on
loopback, a book converting and one queued, closed mid-job with "Keep for later".

Run by test_close_mid_job.py as a subprocess, so that an abort on exit (a fatal
error in a C extension, a thread left touching Qt) shows as its exit status and
stderr. With ``--sigterm`` it is closed as a logout closes it: by SIGTERM, with nobody to answer.
Usage: ``python -m tests.ui.close_mid_job_app BOOK SECOND [--sigterm]`` with
E2A_DATA_DIR, E2A_BIND_HOST and E2A_MDNS_INTERFACES set by the caller.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

import e2a_desktop.ui.app as app_module
from e2a_desktop.farm.host import FarmOptions
from e2a_desktop.ui import dialogs
from e2a_desktop.ui.main_window import MainWindow
from e2a_node.engines import register_engine
from e2a_node.runner import NodeRunner
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import GateEngine

CODE = "482913"
NODES = ("hall-pc", "attic-pc")
GIVE_UP_MS = 120_000


class Script:
    """Drives the window as a person would, step by step, each step on a signal or a poll."""

    def __init__(self, app: QApplication, data: Path, book: Path, second: Path,
                 sigterm: bool = False) -> None:
        self.app, self.data, self.book, self.second = app, data, book, second
        self.sigterm = sigterm
        self.runners: list[NodeRunner] = []
        self._poll = QTimer()
        self._poll.setInterval(50)

    @property
    def window(self) -> MainWindow:
        return next(w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow))

    def begin(self) -> None:
        window = self.window
        window.ask_keep = lambda: dialogs.KEEP  # type: ignore[method-assign]
        info = window.core.host.info
        assert info is not None
        for name in NODES:
            worker = NodeWorker(NodeConfig(self.data / name, name=name, code=CODE,
                                           url=f"https://127.0.0.1:{info.port}"))
            runner = NodeRunner(worker, name)
            runner.start()
            self.runners.append(runner)
        self._wait_for(lambda: self._nodes_in("ready"), self.open_book)

    def _nodes_in(self, *states: str) -> bool:
        rows = [r for r in self.window.nodes.rows if r.name in NODES]
        return len(rows) == len(NODES) and all(str(r.state) in states for r in rows)

    def _wait_for(self, condition: object, then: object) -> None:
        def check() -> None:
            if condition():  # type: ignore[operator]
                self._poll.timeout.disconnect(check)
                self._poll.stop()
                then()  # type: ignore[operator]

        self._poll.timeout.connect(check)
        self._poll.start()

    def open_book(self) -> None:
        window = self.window
        window.settings.select_voice("gate:gate")
        window.book_opened.connect(lambda _book: window.start_conversion())
        window.open_book(self.book)
        self._wait_for(lambda: self._nodes_in("speaking"), self.close_mid_job)

    def close_mid_job(self) -> None:
        window = self.window
        window.enqueue([self.second])
        if self.sigterm:  # a logout: nobody answers a question, the book is kept all the same
            window.ask_keep = lambda: dialogs.STAY  # type: ignore[method-assign]
            os.kill(os.getpid(), signal.SIGTERM)  # heard at the app's next wake-up
            self._wait_for(lambda: bool(window._closing), GateEngine.open)
            return
        window.close()  # "Keep for later": it closes once the units in hand are handed back
        GateEngine.open()

    def stop_nodes(self) -> None:
        for runner in self.runners:
            runner.stop(timeout=30)


def main(argv: list[str]) -> int:
    book, second = Path(argv[0]), Path(argv[1])
    sigterm = "--sigterm" in argv[2:]
    data = Path(os.environ["E2A_DATA_DIR"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(data / "qsettings"))
    GateEngine.reset()
    register_engine("gate", GateEngine)
    app_module.DesktopCore = functools.partial(  # type: ignore[misc]
        app_module.DesktopCore, farm=FarmOptions(code=CODE, mdns_interfaces=["127.0.0.1"]),
        output_folder=data)
    app = QApplication([sys.argv[0]])
    script = Script(app, data, book, second, sigterm)
    QTimer.singleShot(0, script.begin)
    QTimer.singleShot(GIVE_UP_MS, lambda: app.exit(3))
    try:
        return app_module.run_gui([])
    finally:
        script.stop_nodes()  # connected until the window is gone, as on a real LAN


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
