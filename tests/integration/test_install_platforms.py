"""The three systems' definitions say what is true: what the Windows uninstaller stops,
the macOS minimum, what the Linux build installs first, where check-linux.sh looks."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from e2a_desktop.ebook import EXTENSIONS

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _windows_programs() -> set[str]:
    spec = (PACKAGING / "pyinstaller" / "e2a.spec").read_text(encoding="utf-8")
    windows = spec[spec.index('if sys.platform == "win32":'):spec.index("elif sys.platform")]
    return set(re.findall(r'program\(\w+, "([\w-]+)"', windows))


def test_the_windows_uninstaller_stops_every_program_of_the_folder() -> None:
    iss = (PACKAGING / "windows" / "e2a.iss").read_text(encoding="utf-8")
    start = iss.index("\n[UninstallRun]")
    uninstall_run = iss[start:iss.index("\n[", start + 1)]
    stopped = set(re.findall(r"/IM ([\w-]+)\.exe", uninstall_run))
    assert _windows_programs() == {"e2a", "e2a-cli", "e2a-node", "e2a-node-cli"}
    assert stopped == _windows_programs()


def test_the_bundle_collects_every_data_file_of_e2as_packages() -> None:
    """The installed app's Manage voices… printed a traceback: the voice catalogue JSON
    was not in the bundle. Every file of e2a's packages that is not Python must lie in a
    folder the spec collects."""
    spec = (PACKAGING / "pyinstaller" / "e2a.spec").read_text(encoding="utf-8")
    listed = spec[spec.index("PACKAGE_DATA = ["):]
    listed = listed[:listed.index("]") + 1]
    folders = {Path(*re.findall(r'"([\w.-]+)"', call))
               for call in re.findall(r"os\.path\.join\(([^)]*)\)", listed)}
    data = {path.relative_to(ROOT) for package in ("e2a_desktop", "e2a_node")
            for path in (ROOT / package).rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc", ".pyi")
            and "__pycache__" not in path.parts and path.name != "py.typed"}
    assert data, "no package data found: the test looks in the wrong place"
    missed = sorted(str(path) for path in data
                    if not any(folder in path.parents for folder in folders))
    assert not missed, f"not collected into the bundle: {missed}"


def test_the_bundle_excludes_no_qt_module_e2a_imports() -> None:
    """The spec trims Qt to what e2a uses: a module e2a imports (QtNetwork's local socket,
    for one window per data folder) must not be on its list of exclusions."""
    spec = (PACKAGING / "pyinstaller" / "e2a.spec").read_text(encoding="utf-8")
    start = spec.index("excluded = [")
    excluded = set(re.findall(r'"(PySide6\.\w+)"', spec[start:spec.index("]", start)]))
    used = {name for package in ("e2a_desktop", "e2a_node")
            for path in (ROOT / package).rglob("*.py")
            for name in re.findall(r"from (PySide6\.\w+) import",
                                   path.read_text(encoding="utf-8"))}
    assert "PySide6.QtWidgets" in used
    assert not used & excluded, sorted(used & excluded)


def _min_macos() -> ModuleType:
    spec = importlib.util.spec_from_file_location("min_macos",
                                                  PACKAGING / "macos" / "min_macos.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_macos_minimum_is_the_newest_a_wheel_was_built_for(tmp_path: Path) -> None:
    for name, tag in [("pyside6_essentials-6.12.0", "cp310-abi3-macosx_14_0_arm64"),
                      ("numpy-2.3.0", "cp311-cp311-macosx_11_0_arm64"),
                      ("aiohttp-3.12", "cp311-cp311-macosx_10_9_universal2"),
                      ("lxml-5", "py3-none-any")]:
        info = tmp_path / f"{name}.dist-info"
        info.mkdir()
        (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nTag: {tag}\n")
    assert _min_macos().minimum([tmp_path], "macosx-11.0-arm64") == (14, 0)


def test_the_apps_and_the_readme_state_that_minimum() -> None:
    spec = (PACKAGING / "pyinstaller" / "e2a.spec").read_text(encoding="utf-8")
    assert '"LSMinimumSystemVersion": macos_min' in spec and "E2A_MACOS_MIN" in spec
    assert "min_macos.py" in (PACKAGING / "macos" / "build-macos.sh").read_text()
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    assert "macOS 11+" not in readme and "macOS 14" in readme


def test_the_release_installs_qts_x11_libraries_before_it_builds() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert workflow.index("libxcb-cursor0") < workflow.index("run: packaging/build-linux.sh")


@pytest.mark.skipif(os.name == "nt", reason="a Linux script")
def test_check_linux_looks_where_build_linux_built(tmp_path: Path) -> None:
    build = tmp_path / "elsewhere"
    bundle = build / "dist" / "e2a"
    bundle.mkdir(parents=True)
    called = tmp_path / "called"
    (bundle / "e2a").write_text(f'#!/bin/sh\necho "$@" > {called}\nexit 3\n')
    (bundle / "e2a").chmod(0o755)
    env = {**os.environ, "E2A_BUILD_DIR": str(build)}
    env.pop("E2A_CHECK_DIR", None)
    done = subprocess.run(["bash", str(PACKAGING / "check-linux.sh")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0  # the stand-in bundle fails its conversion, on purpose
    assert called.read_text().startswith("convert "), done.stderr
    assert (build / "check" / "convert.log").exists()


# -- "Open with e2a": every format the readers take, on each system ---------------------------

GLOBS = Path("/usr/share/mime/globs2")


def _system_mime_types(extension: str) -> set[str]:
    """The MIME types shared-mime-info gives ``*.extension`` (what a file manager asks)."""
    found = set()
    for line in GLOBS.read_text(encoding="utf-8").splitlines():
        parts = line.split(":")
        if len(parts) >= 3 and parts[2].lower() == f"*{extension}":
            found.add(parts[1])
    return found


@pytest.mark.skipif(not GLOBS.is_file(), reason="needs shared-mime-info")
def test_the_linux_menu_entry_offers_e2a_for_every_format_it_reads() -> None:
    entry = (PACKAGING / "linux" / "e2a.desktop").read_text(encoding="utf-8")
    listed = set(re.search(r"^MimeType=(.*)$", entry, re.M)[1].strip(";").split(";"))  # type: ignore[index]
    missing = [ext for ext in EXTENSIONS
               if _system_mime_types(ext) and not _system_mime_types(ext) & listed]
    assert not missing, f"a file manager offers no 'Open with e2a' for {missing}"


def test_the_windows_installer_lists_e2a_for_every_format_it_reads() -> None:
    iss = (PACKAGING / "windows" / "e2a.iss").read_text(encoding="utf-8")
    supported = set(re.findall(r'SupportedTypes"; ValueType: string; ValueName: "(\.\w+)"', iss))
    progids = set(re.findall(r'Classes\\(\.\w+)\\OpenWithProgids"', iss))
    assert supported == set(EXTENSIONS) and progids == set(EXTENSIONS)


def test_the_macos_app_lists_every_format_it_reads() -> None:
    spec = (PACKAGING / "pyinstaller" / "e2a.spec").read_text(encoding="utf-8")
    listed = {f".{ext}" for group in re.findall(r'document\("[^"]+", \[([^\]]*)\]', spec)
              for ext in re.findall(r'"(\w+)"', group)}
    assert listed == set(EXTENSIONS)
