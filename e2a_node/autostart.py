"""Start the tray node at login: one small function per OS, and one switch over them.

- Linux (and other XDG desktops): ``~/.config/autostart/e2a-node.desktop``.
- Windows: the ``e2a-node`` value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
- macOS: ``~/Library/LaunchAgents/org.e2a.node.plist``.

Turning it off removes exactly what turning it on made. Paths come from the
environment (``XDG_CONFIG_HOME``, ``HOME``) so tests use a temporary home.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import plistlib
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_ID = "e2a-node"
MAC_LABEL = "org.e2a.node"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def node_command(platform: str = sys.platform) -> list[str]:
    """How to start this tray node again, as a login entry runs it.

    Frozen (the installed bundle), ``sys.executable`` is the node program itself, which
    takes no ``-m``: the entry names the windowed node beside it (on Windows the tray
    may have been started from ``e2a-node-cli.exe``, which would open a console at
    login). From Python: the installed ``e2a-node`` script when this process is it,
    else this interpreter with ``-m e2a_node`` (``pythonw`` on Windows: no console).
    """
    windows = platform.startswith("win")
    if getattr(sys, "frozen", False):
        executable = Path(sys.executable).resolve()
        windowed = executable.with_name("e2a-node.exe" if windows else "e2a-node")
        return [str(windowed if windowed.is_file() else executable)]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name.startswith("e2a-node") and script.is_file():
        return [str(script.resolve())]
    python = Path(sys.executable)
    windowed_python = python.with_name("pythonw.exe")
    if windows and python.name.lower() == "python.exe" and windowed_python.is_file():
        python = windowed_python
    return [str(python), "-m", "e2a_node"]


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def xdg_entry_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(_home() / ".config")
    return Path(config) / "autostart" / f"{APP_ID}.desktop"


def launch_agent_path() -> Path:
    return _home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


# -- Linux / XDG ---------------------------------------------------------------------------


def xdg_entry(command: list[str]) -> str:
    """The login entry. ``TryExec`` names the program: once e2a is uninstalled (the
    package manager cannot reach a user's own autostart folder) the session skips the
    entry instead of starting a program that is gone at every login."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=e2a node",
        "Comment=Lend this PC to e2a farms on the network while it is idle",
        f"TryExec={command[0]}",
        f"Exec={shlex.join(command)}",
        "Icon=e2a",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def xdg_enable(command: list[str]) -> None:
    path = xdg_entry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(xdg_entry(command), encoding="utf-8")


def xdg_disable() -> None:
    xdg_entry_path().unlink(missing_ok=True)


def xdg_enabled() -> bool:
    return xdg_entry_path().exists()


# -- macOS -----------------------------------------------------------------------------------


def launch_agent(command: list[str]) -> bytes:
    return plistlib.dumps({"Label": MAC_LABEL, "ProgramArguments": command,
                           "RunAtLoad": True, "ProcessType": "Interactive"})


def mac_enable(command: list[str]) -> None:
    path = launch_agent_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(launch_agent(command))


def mac_disable() -> None:
    launch_agent_path().unlink(missing_ok=True)


def mac_enabled() -> bool:
    return launch_agent_path().exists()


# -- Windows ---------------------------------------------------------------------------------


def windows_command_line(command: list[str]) -> str:
    return " ".join(f'"{part}"' if " " in part else part for part in command)


def _winreg() -> Any:
    """The registry module (Windows only; typed loosely so other OSes type-check)."""
    return importlib.import_module("winreg")


def windows_enable(command: list[str]) -> None:
    winreg = _winreg()

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        winreg.SetValueEx(key, APP_ID, 0, winreg.REG_SZ, windows_command_line(command))


def windows_disable() -> None:
    winreg = _winreg()

    with (winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key,
          contextlib.suppress(FileNotFoundError)):
        winreg.DeleteValue(key, APP_ID)


def windows_enabled() -> bool:
    winreg = _winreg()

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
        try:
            winreg.QueryValueEx(key, APP_ID)
        except FileNotFoundError:
            return False
    return True


# -- the switch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Autostart:
    """Start at login on ``platform`` (default: this one)."""

    platform: str = sys.platform

    @property
    def where(self) -> str:
        """Where the entry lives, in words a person can check."""
        if self.platform.startswith("win"):
            return f"HKCU\\{RUN_KEY}\\{APP_ID}"
        if self.platform == "darwin":
            return str(launch_agent_path())
        return str(xdg_entry_path())

    def enabled(self) -> bool:
        if self.platform.startswith("win"):
            return windows_enabled()
        if self.platform == "darwin":
            return mac_enabled()
        return xdg_enabled()

    def set(self, on: bool, command: list[str] | None = None) -> None:
        command = command or node_command(self.platform)
        if self.platform.startswith("win"):
            windows_enable(command) if on else windows_disable()
        elif self.platform == "darwin":
            mac_enable(command) if on else mac_disable()
        else:
            xdg_enable(command) if on else xdg_disable()
