"""A wheel installed into a fresh venv (not the checkout) gives the window its look.

``pip install "e2a[gui]"`` installs the wheel, not the source tree: what the window
reads (style sheet, icon) must travel in it. The wheel is built from a copy of the
sources, installed with ``--no-deps`` into a new venv that sees this venv's packages
(Qt, numpy…) through a ``.pth`` line, so nothing is downloaded but the build backend.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
import e2a_desktop
from e2a_desktop.ui import app, dropzone

assert Path(e2a_desktop.__file__).is_relative_to(sys.prefix), e2a_desktop.__file__
qt = QApplication([])
app.load_style(qt)
print("style sheet:", len(qt.styleSheet()), "characters")
print("window icon:", "none" if qt.windowIcon().isNull() else "set")
print("drop zone icon:", "found" if dropzone.ICON.is_file() else "missing")
"""


def _sources(into: Path) -> Path:
    """What a source distribution holds: the packages, pyproject and README."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("e2a_desktop", "e2a_node"):
        shutil.copytree(ROOT / package, into / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, into / name)
    return into


def _run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                          **options)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = _sources(work / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work),
          str(source)], cwd=work)
    return next(work.glob("e2a-*.whl"))


def test_the_wheel_carries_the_windows_style_sheet_and_icon(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "e2a_desktop/assets/ui/style.qss" in names
    assert "e2a_desktop/assets/ui/e2a.svg" in names


def test_an_installed_wheel_opens_the_window_with_its_look(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(python), "-c", purelib]).stdout.strip())
    # This venv's packages, without its .pth files (one of them is the editable e2a).
    (site / "this-venvs-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", str(wheel)])

    shown = _run([str(python), "-c", CHECK], cwd=tmp_path).stdout
    assert "window icon: set" in shown and "drop zone icon: found" in shown, shown
    assert "style sheet: 0 characters" not in shown, shown
    version = _run([str(venv / "bin" / "e2a"), "--version"], cwd=tmp_path).stdout
    assert version.startswith("e2a "), version
