"""The .deb asks for the glibc its bundle needs, read from the bundle, not guessed.

A ``Depends: libc6 (>= 2.31)`` written by hand let the package install on systems whose
libc is older than the one its Qt and its copied libraries ask for: it installed, then
failed to start. build-linux.sh now fills the number in from glibc-needed.sh.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "linux" / "glibc-needed.sh"

pytestmark = pytest.mark.skipif(shutil.which("objdump") is None, reason="needs binutils")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _wheel_glibc(package_dir: Path) -> str:
    """The glibc a wheel's manylinux tag promises to need (e.g. manylinux_2_34 → 2.34)."""
    for wheel in package_dir.parent.glob("pyside6_essentials-*.dist-info/WHEEL"):
        found = re.search(r"manylinux_(\d+)_(\d+)", wheel.read_text())
        if found:
            return f"{found[1]}.{found[2]}"
    pytest.skip("PySide6-Essentials is not a manylinux wheel here")


def test_the_glibc_needed_is_read_from_the_programs(tmp_path: Path) -> None:
    qt = Path(pytest.importorskip("PySide6").__file__).parent
    bundle = tmp_path / "e2a"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy2(qt / "Qt" / "lib" / "libQt6Core.so.6", bundle / "_internal")
    script = bundle / "helper"  # an executable that is not ELF is passed over
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)

    needed = subprocess.run([str(SCRIPT), str(bundle)], capture_output=True, text=True,
                            check=True, timeout=120).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+", needed), needed
    assert _version(needed) >= _version(_wheel_glibc(qt))


def test_a_folder_without_programs_is_an_error_not_a_guess(tmp_path: Path) -> None:
    done = subprocess.run([str(SCRIPT), str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and str(tmp_path) in done.stderr


def test_the_deb_control_takes_the_number_from_the_build() -> None:
    control = (ROOT / "packaging" / "linux" / "deb" / "control").read_text()
    assert "libc6 (>= @GLIBC@)" in control
    build = (ROOT / "packaging" / "build-linux.sh").read_text()
    assert "glibc-needed.sh" in build and "s/@GLIBC@/$GLIBC/" in build
