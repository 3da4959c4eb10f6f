"""Screenshots of the window at real size, for the README: run under a display (Xvfb).

    xvfb-run -a -s "-screen 0 1280x900x24" python docs/make_screenshots.py
    xvfb-run -a -s "-screen 0 2560x1800x24" \
        python docs/make_screenshots.py --dark --scale 2 --to /tmp/shots

Takes eight pictures: empty, a book loaded (and the same at 800×600, the smallest
screen the window is laid out for), converting with two LAN nodes (real e2a-node
processes on loopback), done (with subtitles and the read-along EPUB), the Review
tab with a flagged part (and at 800×600), and books waiting in the queue. Uses a
scratch data dir and scratch settings. ``--dark`` paints the window with a dark
palette (as a dark desktop theme would), ``--scale 2`` is 200 % scaling; both are
for checking the window, the README shows the plain pictures in docs/.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = Path(tempfile.mkdtemp(prefix="e2a-shots-"))
os.environ.update(E2A_DATA_DIR=str(SCRATCH / "desk"), E2A_BIND_HOST="127.0.0.1",
                  E2A_MDNS_INTERFACES="127.0.0.1")
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import e2a_desktop.service  # noqa: E402
from e2a_desktop.farm.farm import FLAGGED_KEY  # noqa: E402
from e2a_desktop.farm.host import FarmOptions  # noqa: E402
from e2a_desktop.job import STORE_NAME  # noqa: E402
from e2a_desktop.store import JobStore  # noqa: E402
from e2a_desktop.ui.app import load_style  # noqa: E402
from e2a_desktop.ui.core import DesktopCore  # noqa: E402
from e2a_desktop.ui.main_window import MainWindow  # noqa: E402
from e2a_node.tray import pyside_guard  # noqa: E402
from e2a_node.worker import NodeConfig  # noqa: E402

BOOK = ROOT / "resources" / "sample" / "aesop-fables.epub"
CODE = "482913"
LAN_NODE_SPEED, BUILT_IN_SPEED = 3, 6
"""Times real time. On one fast machine the built-in node spoke the 3-minute sample
at 40x real time, in 4 s, before the LAN nodes (asking every few seconds whether a
book has started) had joined: the pictures showed them idle. Held to the speeds of a
desktop and two older PCs, the book takes about 15 s and all three share it."""


def dark_palette() -> QPalette:
    """What a dark desktop theme hands Qt (the colours of Breeze Dark, roughly)."""
    palette = QPalette()
    roles = {QPalette.ColorRole.Window: "#2a2e32", QPalette.ColorRole.WindowText: "#eff0f1",
             QPalette.ColorRole.Base: "#1b1e20", QPalette.ColorRole.AlternateBase: "#31363b",
             QPalette.ColorRole.Text: "#eff0f1", QPalette.ColorRole.Button: "#31363b",
             QPalette.ColorRole.ButtonText: "#eff0f1", QPalette.ColorRole.Highlight: "#3daee9",
             QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#4d5257",
             QPalette.ColorRole.PlaceholderText: "#a0a4a8", QPalette.ColorRole.ToolTipBase:
             "#31363b", QPalette.ColorRole.ToolTipText: "#eff0f1", QPalette.ColorRole.Link:
             "#3daee9"}
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f8c8d"))
    return palette


def make_app(scale: str, dark: bool) -> QApplication:
    """The application as the window runs in it, with scratch settings; scaled, dark."""
    if scale:
        os.environ["QT_SCALE_FACTOR"] = scale
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(SCRATCH / "settings"))
    pyside_guard.install()  # as the app does (PySide6 6.12.0 would abort on exit)
    app = QApplication([])
    app.setApplicationName("e2a")
    load_style(app)
    if dark:
        app.setPalette(dark_palette())
    return app


def show_review(window: MainWindow, shoot: Callable[[str], None],
                then: Callable[[], object]) -> None:
    """The Review tab with one part flagged as the audio check records it (the sample
    book passes the check, so the flag is made up here), also at 800×600; then ``then``."""
    shown = window.review.shown
    if shown is None or window.book is None:
        then()
        return
    store = JobStore(shown.job.folder / STORE_NAME)
    try:
        unit = [u for u in store.units(1) if u.status == "done"][0]
        store.set_meta({FLAGGED_KEY: json.dumps({str(unit.id): "a stretch repeats"})})
    finally:
        store.close()
    shots_left = [1]

    def on_loaded(_flagged: int) -> None:
        if shots_left:
            shots_left.pop()
            window.tabs.setCurrentWidget(window.review)
            QTimer.singleShot(500, lambda: (shoot("review"), window.resize(800, 600)))
            QTimer.singleShot(1200, lambda: (shoot("review-800x600"), window.resize(1100, 760),
                                             then()))

    window.review.loaded.connect(on_loaded)
    window.review.look_up(BOOK, window.book)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--scale", default="")
    parser.add_argument("--to", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    app = make_app(args.scale, args.dark)
    out = SCRATCH / "out"
    out.mkdir()
    e2a_desktop.service.NodeConfig = functools.partial(  # type: ignore[misc]
        NodeConfig, max_speed=BUILT_IN_SPEED)
    core = DesktopCore(farm=FarmOptions(code=CODE, name="ada-pc"), output_folder=out)
    window = MainWindow(core)
    window.resize(1100, 760)
    window.show()
    nodes: list[subprocess.Popen[bytes]] = []
    shots: Path = args.to
    shots.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        window.grab().save(str(shots / f"window-{name}.png"))
        print("saved", name)

    def start_nodes() -> None:
        assert core.host.info is not None
        for name in ("study-pc", "living-room"):
            nodes.append(subprocess.Popen(
                [sys.executable, "-m", "e2a_node", "--headless", "--name", name, "--code", CODE,
                 "--url", f"https://127.0.0.1:{core.host.info.port}",
                 "--max-speed", str(LAN_NODE_SPEED)],
                env={**os.environ, "E2A_DATA_DIR": str(SCRATCH / name)},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT))

    def converting() -> None:
        """Shot once the first unit is in: the LAN nodes are at work by then. (A fixed
        delay missed it: the sample book is done in a few seconds on a fast machine.)"""
        window.controls.start.click()
        poll = QTimer(window)

        def maybe_shoot() -> None:
            session = window.session
            if session is not None and session.conversion.snapshot().chars_done > 0:
                poll.stop()  # the progress line is redrawn a moment later
                QTimer.singleShot(700, lambda: shoot("converting"))

        poll.timeout.connect(maybe_shoot)
        poll.start(100)

    def finished(_outcome: object) -> None:
        QTimer.singleShot(800, lambda: (shoot("done"), show_review(window, shoot, waiting)))

    def waiting() -> None:
        """Two books queued for later, on the "Books waiting" tab (kept in scratch)."""
        others = [SCRATCH / "the-jungle-book.epub", SCRATCH / "walden.md"]
        for book in others:
            book.write_bytes(BOOK.read_bytes())
        window.waiting.enqueue([r for r in map(window.settings.request_for, others) if r])
        window.tabs.setCurrentWidget(window.waiting_panel)
        QTimer.singleShot(500, lambda: (shoot("waiting"), app.quit()))

    window.conversion_ended.connect(finished)
    window.settings.subtitles.setCurrentIndex(window.settings.subtitles.findData("srt"))
    window.settings.read_along.setChecked(True)
    def small() -> None:
        """The book at 800×600, then back to the README's size to convert it."""
        window.resize(800, 600)
        QTimer.singleShot(700, lambda: (shoot("800x600"), window.resize(1100, 760),
                                        QTimer.singleShot(700, converting)))

    window.book_opened.connect(lambda _b: QTimer.singleShot(1500, lambda: (
        shoot("book"), small())))
    QTimer.singleShot(1200, lambda: shoot("empty"))
    QTimer.singleShot(1300, start_nodes)
    QTimer.singleShot(6000, lambda: window.open_book(BOOK))
    QTimer.singleShot(240_000, app.quit)
    try:
        app.exec()
    finally:
        for node in nodes:
            node.terminate()
        core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
