"""Start at login: each OS's entry is made in a temporary home and removed again."""

from __future__ import annotations

import plistlib
import shlex
from pathlib import Path

import pytest

from e2a_node.autostart import Autostart, launch_agent_path, windows_command_line, xdg_entry_path

COMMAND = ["/opt/e2a/bin/e2a-node"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path


def test_linux_entry_is_an_xdg_autostart_file_and_goes_away(home: Path) -> None:
    autostart = Autostart("linux")
    assert not autostart.enabled()
    autostart.set(True, COMMAND)
    entry = home / ".config" / "autostart" / "e2a-node.desktop"
    assert entry.exists() and autostart.enabled() and autostart.where == str(entry)
    text = entry.read_text()
    assert text.startswith("[Desktop Entry]\n") and "Type=Application" in text
    assert "Exec=/opt/e2a/bin/e2a-node\n" in text
    # Uninstalled, the program is gone: the session skips an entry whose TryExec is missing.
    assert "TryExec=/opt/e2a/bin/e2a-node\n" in text
    autostart.set(False)
    assert not entry.exists() and not autostart.enabled()
    autostart.set(False)  # turning off twice is no error


def test_xdg_config_home_is_honoured(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "cfg"))
    assert xdg_entry_path() == home / "cfg" / "autostart" / "e2a-node.desktop"


def test_linux_exec_line_quotes_paths_with_spaces(home: Path) -> None:
    Autostart("linux").set(True, ["/home/ada/my apps/python", "-m", "e2a_node"])
    exec_line = [ln for ln in xdg_entry_path().read_text().splitlines()
                 if ln.startswith("Exec=")][0]
    assert shlex.split(exec_line[5:]) == ["/home/ada/my apps/python", "-m", "e2a_node"]


def test_macos_entry_is_a_launch_agent_that_runs_at_load(home: Path) -> None:
    autostart = Autostart("darwin")
    autostart.set(True, COMMAND)
    plist = plistlib.loads(launch_agent_path().read_bytes())
    assert launch_agent_path() == home / "Library" / "LaunchAgents" / "org.e2a.node.plist"
    assert plist["ProgramArguments"] == COMMAND and plist["RunAtLoad"] is True
    assert autostart.enabled()
    autostart.set(False)
    assert not launch_agent_path().exists()


def test_windows_run_value_quotes_paths_with_spaces() -> None:
    line = windows_command_line([r"C:\Program Files\e2a\e2a-node.exe"])
    assert line == r'"C:\Program Files\e2a\e2a-node.exe"'
    assert Autostart("win32").where.startswith("HKCU\\Software\\Microsoft\\Windows")


def test_the_default_command_starts_this_node(home: Path) -> None:
    Autostart("linux").set(True)
    exec_line = [ln for ln in xdg_entry_path().read_text().splitlines()
                 if ln.startswith("Exec=")][0]
    assert "e2a_node" in exec_line or "e2a-node" in exec_line
