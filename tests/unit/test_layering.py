"""Pure layers import neither Qt nor torch (checked in a fresh interpreter).

Every module of both packages is imported, found by walking them, so a new
module is checked without anyone remembering to list it. Only the front ends
that exist to be Qt (``ui`` packages, the tray) are left out.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import e2a_desktop, e2a_node
names = []
for package in (e2a_desktop, e2a_node):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if parts[-1] == "__main__" or "ui" in parts or "tray" in parts:
            continue
        importlib.import_module(info.name)
        names.append(info.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "torch", "TTS"))
print(len(names))
print(",".join(bad))
"""


def test_pure_modules_import_no_qt_and_no_torch() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         check=True)
    checked, bad = out.stdout.splitlines()
    assert int(checked) >= 40  # the walk really found the packages' modules
    assert bad == ""
