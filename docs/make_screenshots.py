"""Screenshots of the window at real size, for the README: run under a display (Xvfb).

    xvfb-run -s "-screen 0 1280x900x24" python docs/make_screenshots.py

Takes four pictures: empty, a book loaded, converting with two LAN nodes (real
e2a-node processes on loopback), and done. Uses a scratch data dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = Path(tempfile.mkdtemp(prefix="e2a-shots-"))
os.environ.update(E2A_DATA_DIR=str(SCRATCH / "desk"), E2A_BIND_HOST="127.0.0.1",
                  E2A_MDNS_INTERFACES="127.0.0.1")
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from e2a_desktop.farm.host import FarmOptions  # noqa: E402
from e2a_desktop.ui.app import load_style  # noqa: E402
from e2a_desktop.ui.core import DesktopCore  # noqa: E402
from e2a_desktop.ui.main_window import MainWindow  # noqa: E402

BOOK = ROOT / "resources" / "sample" / "aesop-fables.epub"
CODE = "482913"


def main() -> int:
    app = QApplication([])
    app.setApplicationName("e2a")
    load_style(app)
    out = SCRATCH / "out"
    out.mkdir()
    core = DesktopCore(farm=FarmOptions(code=CODE, name="ada-pc"), output_folder=out)
    window = MainWindow(core)
    window.resize(1100, 760)
    window.show()
    nodes: list[subprocess.Popen[bytes]] = []
    shots = ROOT / "docs"

    def shoot(name: str) -> None:
        window.grab().save(str(shots / f"window-{name}.png"))
        print("saved", name)

    def start_nodes() -> None:
        assert core.host.info is not None
        for name in ("study-pc", "living-room"):
            nodes.append(subprocess.Popen(
                [sys.executable, "-m", "e2a_node", "--headless", "--name", name, "--code", CODE,
                 "--url", f"http://127.0.0.1:{core.host.info.port}", "--max-speed", "3"],
                env={**os.environ, "E2A_DATA_DIR": str(SCRATCH / name)},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT))

    def converting() -> None:
        window.controls.start.click()
        QTimer.singleShot(9000, lambda: shoot("converting"))

    def finished(_outcome: object) -> None:
        QTimer.singleShot(800, lambda: (shoot("done"), app.quit()))

    window.conversion_ended.connect(finished)
    window.book_opened.connect(lambda _b: QTimer.singleShot(1500, lambda: (
        shoot("book"), converting())))
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
