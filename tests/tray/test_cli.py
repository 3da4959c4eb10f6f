"""`e2a-node` with no arguments starts the tray; without PySide6 it says what to install."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.integration.cli_runner import run_cli
from tests.integration.farm_procs import free_port, wait_for

NO_QT = """
import sys
sys.modules["PySide6"] = None  # as if PySide6 were not installed
from e2a_node.cli import main
sys.exit(main(["--url", "http://127.0.0.1:9"]))
"""


def test_without_pyside6_the_tray_prints_the_install_line() -> None:
    out = subprocess.run([sys.executable, "-c", NO_QT], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert "pip install 'e2a[gui]'" in out.stderr and "--headless" in out.stderr
    assert "Traceback" not in out.stderr


def test_no_arguments_start_the_tray_and_sigterm_leaves_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    with log.open("wb") as sink:
        node = subprocess.Popen([sys.executable, "-m", "e2a_node", "--url",
                                 f"http://127.0.0.1:{free_port()}"], env=env, stdout=sink,
                                stderr=sink, stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: "tray node started" in log.read_text(), 60, "the tray to start")
        assert "window: no system tray" in log.read_text()  # offscreen has no tray
        node.send_signal(signal.SIGTERM)
        assert node.wait(timeout=30) == 0
    finally:
        if node.poll() is None:
            node.kill()
            node.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def test_headless_is_unchanged() -> None:
    out = run_cli("e2a_node", "--help", timeout=60)
    assert "--headless" in out.stdout and out.returncode == 0
