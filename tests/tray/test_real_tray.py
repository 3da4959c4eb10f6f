"""A real system tray under Xvfb with a tray host: `e2a-node` with no arguments shows its icon.

Needs Xvfb and a tray host (stalonetray, or trayer where stalonetray is not packaged)
and xwininfo; skipped cleanly where they are missing (CI may not install them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.farm_procs import free_port, wait_for

HOSTS = {
    "stalonetray": ["stalonetray", "--geometry", "4x1+0+0", "--icon-size", "24"],
    "trayer": ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
               "--width", "120", "--height", "32", "--transparent", "false"],
}


def _host() -> list[str] | None:
    for name, command in HOSTS.items():
        if shutil.which(name):
            return command
    return None


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    host = _host()
    if not shutil.which("Xvfb") or host is None or not shutil.which("xwininfo"):
        pytest.skip("needs Xvfb, a tray host (stalonetray or trayer) and xwininfo")
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "800x600x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    name = f":{number}"
    tray = subprocess.Popen(host, env={**os.environ, "DISPLAY": name},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: "panel" in _tree(name) or "stalonetray" in _tree(name), 20,
                 "the tray host's window")
        yield name
    finally:
        for proc in (tray, xvfb):
            proc.terminate()
            proc.wait(timeout=10)


def _tree(display: str) -> str:
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                         env={**os.environ, "DISPLAY": display}, check=False)
    return out.stdout


def test_the_tray_icon_appears_in_a_real_tray(display: str, tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "E2A_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    with log.open("wb") as sink:
        node = subprocess.Popen([sys.executable, "-m", "e2a_node", "--url",
                                 f"http://127.0.0.1:{free_port()}"], env=env,
                                stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: "tray node started" in log.read_text(), 60, "the tray to start")
        assert "tray node started (tray icon)" in log.read_text(), log.read_text()
        # The icon is a window of e2a-node embedded in the tray host's window.
        wait_for(lambda: _embedded(_tree(display)), 20, "the icon inside the tray host")
    finally:
        node.terminate()
        node.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def _embedded(tree: str) -> bool:
    """An "e2a-node" window indented below the tray host's window."""
    lines = tree.splitlines()
    for i, line in enumerate(lines):
        if "trayer" in line or "stalonetray" in line:
            depth = len(line) - len(line.lstrip())
            for below in lines[i + 1:]:
                if below.strip() and len(below) - len(below.lstrip()) <= depth:
                    break
                if '"e2a-node"' in below:
                    return True
    return False


def test_x11_idle_time_grows_and_input_resets_it(display: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from e2a_node.idle import SystemIdleSource, platform_probes

    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    source = SystemIdleSource(platform_probes("linux"), battery=lambda: None)
    wait_for(lambda: (source.idle_seconds() or 0) > 0.5, 10, "idle time to grow")
    assert source.name == "X11 screensaver"
    if shutil.which("xdotool"):
        before = source.idle_seconds() or 0
        subprocess.run(["xdotool", "mousemove", "10", "10"], check=True,
                       env={**os.environ, "DISPLAY": display})
        assert (source.idle_seconds() or 0) < before
