"""Pure layers import neither Qt nor torch (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

PURE_MODULES = [
    "e2a_desktop.ebook", "e2a_desktop.ebook.epub", "e2a_desktop.plan", "e2a_desktop.convert",
    "e2a_desktop.farm.store", "e2a_desktop.farm.scheduler", "e2a_desktop.audio.bind",
    "e2a_desktop.audio.master", "e2a_desktop.cli", "e2a_node.engines", "e2a_node.engines.piper",
    "e2a_node.render", "e2a_node.protocol", "e2a_node.worker", "e2a_node.discovery",
    "e2a_node.cli", "e2a_desktop.farm.app", "e2a_desktop.farm.farm", "e2a_desktop.farm.server",
    "e2a_desktop.farm.uploads", "e2a_desktop.farm.pairing",
]


def test_pure_modules_import_no_qt_and_no_torch() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {PURE_MODULES!r}: importlib.import_module(name)\n"
        "import e2a_node.engines.piper as p\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch', 'TTS'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
