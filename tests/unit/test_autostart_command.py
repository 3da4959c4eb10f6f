"""The command a Start-at-login entry holds starts the tray node, frozen and not.

The entry is written by the program itself (as the tray's switch does), then its
``Exec=`` line is run as a desktop session would, from another folder. PySide6 is
hidden from that run (a stand-in package on PYTHONPATH), so a command that reaches
the tray ends at once with the tray's "needs PySide6" line instead of opening it;
a wrong command ends with argparse's complaint instead.

The frozen bundle is stood in for by a Python script with ``sys.frozen`` set and
``sys.executable`` naming itself, as PyInstaller's bootloader does (a real build takes
twenty minutes; ``packaging/check-linux.sh`` runs the real one).
"""

from __future__ import annotations

import os
import plistlib
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from e2a_node import autostart
from e2a_node.autostart import Autostart, node_command

ROOT = Path(__file__).resolve().parents[2]
REACHED_THE_TRAY = "the tray needs PySide6"

FROZEN_PROGRAM = """#!{python}
# Stands in for the bundle's e2a-node: frozen, sys.executable is this program, and
# argv[0] is what started it (the bare name when found on PATH, as from a menu entry).
import os, sys
sys.frozen = True
sys.executable = os.path.abspath(__file__)
sys.argv[0] = os.environ.get("FAKE_ARGV0", sys.argv[0])
sys.path.insert(0, {root!r})
if os.environ.get("FAKE_TOGGLE_START_AT_LOGIN"):
    from e2a_node.autostart import Autostart
    Autostart().set(True)
    sys.exit(0)
from e2a_node.cli import main
sys.exit(main())
"""


@pytest.fixture
def session(tmp_path: Path) -> dict[str, str]:
    """A login session's environment: a fresh home, no Qt, loopback only."""
    no_qt = tmp_path / "no-qt" / "PySide6"
    no_qt.mkdir(parents=True)
    (no_qt / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'PySide6'\", name='PySide6')\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("XDG_CONFIG_HOME", "PYTHONPATH", "E2A_DATA_DIR")}
    env.update(HOME=str(home), PYTHONPATH=str(no_qt.parent), E2A_DATA_DIR=str(home / "data"),
               E2A_BIND_HOST="127.0.0.1", E2A_MDNS_INTERFACES="127.0.0.1")
    return env


def _entry_command(env: dict[str, str]) -> list[str]:
    entry = Path(env["HOME"]) / ".config" / "autostart" / "e2a-node.desktop"
    exec_line = next(line for line in entry.read_text(encoding="utf-8").splitlines()
                     if line.startswith("Exec="))
    return shlex.split(exec_line.removeprefix("Exec="))


def _run_at_login(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=env["HOME"], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("argv0", ["e2a-node", "full path"])
def test_a_frozen_bundles_entry_starts_its_tray(tmp_path: Path, session: dict[str, str],
                                               argv0: str) -> None:
    bundle = tmp_path / "opt" / "e2a"
    bundle.mkdir(parents=True)
    program = bundle / "e2a-node"
    program.write_text(FROZEN_PROGRAM.format(python=sys.executable, root=str(ROOT)))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    toggle = dict(session, FAKE_TOGGLE_START_AT_LOGIN="1",
                  FAKE_ARGV0="e2a-node" if argv0 == "e2a-node" else str(program))
    subprocess.run([str(program)], env=toggle, cwd=session["HOME"], check=True, timeout=120)

    command = _entry_command(session)
    assert command == [str(program)]
    started = _run_at_login(command, session)
    assert REACHED_THE_TRAY in started.stderr, started.stderr


def test_a_python_installs_entry_starts_its_tray(session: dict[str, str]) -> None:
    toggle = "from e2a_node.autostart import Autostart; Autostart().set(True)"
    subprocess.run([sys.executable, "-c", toggle], env=session, cwd=session["HOME"],
                   check=True, timeout=120)

    command = _entry_command(session)
    assert command == [sys.executable, "-m", "e2a_node"]
    started = _run_at_login(command, session)
    assert REACHED_THE_TRAY in started.stderr, started.stderr


def _frozen(monkeypatch: pytest.MonkeyPatch, executable: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    monkeypatch.setattr(sys, "argv", ["e2a-node"])


def test_windows_run_value_names_the_windowed_node_even_from_the_console_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "Programs" / "e2a"
    folder.mkdir(parents=True)
    for name in ("e2a-node.exe", "e2a-node-cli.exe"):
        (folder / name).write_bytes(b"MZ")
    _frozen(monkeypatch, folder / "e2a-node-cli.exe")
    assert node_command("win32") == [str(folder / "e2a-node.exe")]
    assert autostart.windows_command_line(node_command("win32")) == str(folder / "e2a-node.exe")


def test_macos_launch_agent_runs_the_apps_own_program(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "e2a node.app" / "Contents" / "MacOS" / "e2a-node"
    program.parent.mkdir(parents=True)
    program.write_bytes(b"\xcf\xfa\xed\xfe")
    _frozen(monkeypatch, program)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    Autostart("darwin").set(True)
    agent = plistlib.loads(autostart.launch_agent_path().read_bytes())
    assert agent["ProgramArguments"] == [str(program)]
