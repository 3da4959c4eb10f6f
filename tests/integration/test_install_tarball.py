"""The .tar.gz's install.sh: installed per user, then --uninstall leaves nothing behind.

Run on a stand-in for the unpacked archive (the layout build-linux.sh makes, with two
tiny programs instead of the bundle), into a prefix under a fresh home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from e2a_node.autostart import xdg_entry

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="install.sh is for Linux")


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    folder = tmp_path / "e2a-0.1.0-linux-x86_64"
    (folder / "e2a" / "_internal").mkdir(parents=True)
    for program in ("e2a", "e2a-node"):
        path = folder / "e2a" / program
        path.write_text(f"#!/bin/sh\necho {program} ran\n")
        path.chmod(0o755)
    (folder / "e2a" / "_internal" / "libsomething.so").write_bytes(b"\x7fELF")
    (folder / "share" / "applications").mkdir(parents=True)
    for entry in ("e2a.desktop", "e2a-node.desktop"):
        shutil.copy2(LINUX / entry, folder / "share" / "applications" / entry)
    for size in ("16x16", "256x256"):
        icons = folder / "share" / "icons" / "hicolor" / size / "apps"
        icons.mkdir(parents=True)
        (icons / "e2a.png").write_bytes(b"\x89PNG")
    shutil.copy2(LINUX / "install.sh", folder / "install.sh")
    return folder


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _install(unpacked: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run(["bash", str(unpacked / "install.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_uninstall_leaves_the_home_as_it_was(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    before = _tree(home)
    _install(unpacked, home)
    e2a = home / ".local" / "bin" / "e2a"
    assert subprocess.run([str(e2a)], capture_output=True, text=True,
                          timeout=60).stdout == "e2a ran\n"
    entry = (home / ".local" / "share" / "applications" / "e2a.desktop").read_text()
    assert f"Exec={home}/.local/opt/e2a/e2a" in entry
    _install(unpacked, home)  # installed twice: still removed in one go

    _install(unpacked, home, "--uninstall")
    assert _tree(home) == before


def test_uninstall_keeps_what_was_there_before(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    theirs = home / ".local" / "share" / "applications" / "editor.desktop"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("[Desktop Entry]\nType=Application\nName=Editor\nExec=editor\n")
    (home / ".local" / "bin").mkdir()
    _install(unpacked, home)
    _install(unpacked, home, "--uninstall")
    assert sorted(p.name for p in (home / ".local").iterdir()) == ["bin", "share"]
    assert theirs.is_file() and not (home / ".local" / "bin" / "e2a").exists()
    assert not (home / ".local" / "share" / "icons").exists()


@pytest.mark.parametrize("program", ["this copy", "another copy"])
def test_uninstall_takes_the_start_at_login_entry_of_this_copy(unpacked: Path, tmp_path: Path,
                                                               program: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _install(unpacked, home)
    node = home / ".local" / "opt" / "e2a" / "e2a-node"
    command = [str(node)] if program == "this copy" else ["/usr/bin/python3", "-m", "e2a_node"]
    entry = home / ".config" / "autostart" / "e2a-node.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(xdg_entry(command))  # what the node's "Start at login" writes

    _install(unpacked, home, "--uninstall")
    # Left behind, it would start a program that is gone at every login.
    assert entry.exists() == (program == "another copy")
