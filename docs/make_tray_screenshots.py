"""Take the tray node's screenshots for the README: its menu in a real tray, the pairing
dialog and the window shown where no tray exists.

    python docs/make_tray_screenshots.py

Needs Xvfb and a tray host (stalonetray, or trayer). It starts both, then runs
itself inside them with a node whose state is set by hand (no farm is needed),
and writes docs/tray-menu.png, docs/tray-pairing.png, docs/tray-pairing-wrong.png
and docs/tray-window.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
HOSTS = {
    "stalonetray": ["stalonetray", "--geometry", "4x1-0+0", "--icon-size", "24",
                    "--background", "#303030"],
    "trayer": ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
               "--width", "96", "--height", "28", "--transparent", "false", "--tint",
               "0x303030"],
}


def outside() -> int:
    host = next((cmd for name, cmd in HOSTS.items() if shutil.which(name)), None)
    if not shutil.which("Xvfb") or host is None:
        print("needs Xvfb and stalonetray or trayer (apt-get install xvfb trayer)",
              file=sys.stderr)
        return 2
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "900x560x24",
                             "-nolisten", "tcp"], pass_fds=(write,))
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    env = {**os.environ, "DISPLAY": display}
    tray = subprocess.Popen(host, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)  # the tray host claims the tray selection
        with tempfile.TemporaryDirectory() as home:
            inner = {**env, "QT_QPA_PLATFORM": "xcb", "HOME": home, "E2A_SHOT_INSIDE": "1",
                     "E2A_DATA_DIR": str(Path(home) / "data"),
                     "PYTHONPATH": str(ROOT)}
            return subprocess.run([sys.executable, __file__], env=inner, check=False).returncode
    finally:
        for proc in (tray, xvfb):
            proc.terminate()
            proc.wait(timeout=10)


def inside() -> int:
    from PySide6.QtCore import QPoint, QRect, QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from e2a_node.config import AppPaths
    from e2a_node.idle import FakeIdleSource
    from e2a_node.joining import FarmOffer
    from e2a_node.state import NodeSnapshot, NodeStatus
    from e2a_node.tray.app import TrayApp
    from e2a_node.tray.prefs import PrefsStore
    from e2a_node.worker import NodeConfig

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    config = NodeConfig(AppPaths.load().data_dir, name="den-pc", url="http://127.0.0.1:9")
    home = Path(os.environ["HOME"])
    speaking = NodeSnapshot(NodeStatus.SPEAKING, farm="ada-pc", farm_tag="K7QF", title="Emma",
                            chapter=3, unit_id=212, units_done=37, last_speed=12.3)

    def make(use_tray: bool) -> TrayApp:
        prefs = PrefsStore(QSettings(str(home / f"tray-{use_tray}.ini"),
                                     QSettings.Format.IniFormat))
        prefs.save(prefs.load().with_(idle_only=True))
        return TrayApp(config, FakeIdleSource(idle=900, battery=False), prefs,
                       use_tray=use_tray)

    tray = make(True)
    assert tray.tray is not None, "no system tray on this display"
    tray.tray.show()
    tray.bridge.state_changed.emit(speaking)
    QTest.qWait(800)
    icon = tray.tray.icon.geometry()
    menu = tray.controller.menu
    size = menu.sizeHint()
    menu.popup(QPoint(icon.right() - size.width(), icon.bottom() + 4))
    QTest.qWait(600)
    screen = app.primaryScreen()
    width = screen.geometry().width()
    left = max(0, icon.right() - size.width() - 24)
    region = QRect(left, 0, width - left, icon.bottom() + size.height() + 24)
    screen.grabWindow(0).copy(region).save(str(DOCS / "tray-menu.png"))
    menu.hide()

    tray.bridge.offers_changed.emit((FarmOffer("ada-pc", "3f9c2a71d04be815",
                                               "https://ada-pc:8765"),))
    QTest.qWait(200)
    dialog = tray.controller.open_pairing()
    assert dialog is not None
    QTest.keyClicks(dialog.code, "482-913")
    QTest.qWait(300)
    dialog.grab().save(str(DOCS / "tray-pairing.png"))
    dialog.join.click()
    dialog.refused()
    QTest.qWait(300)
    dialog.grab().save(str(DOCS / "tray-pairing-wrong.png"))
    dialog.reject()

    window_app = make(False)
    assert window_app.window is not None
    window_app.window.show()
    window_app.bridge.state_changed.emit(speaking)
    QTest.qWait(600)
    window_app.window.grab().save(str(DOCS / "tray-window.png"))
    for made in (tray, window_app):
        if made.tray is not None:
            made.tray.hide()
    print("wrote", ", ".join(f"docs/tray-{n}.png" for n in ("menu", "pairing",
                                                              "pairing-wrong", "window")))
    return 0


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    sys.exit(inside() if os.environ.get("E2A_SHOT_INSIDE") else outside())
