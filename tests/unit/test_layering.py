"""Pure layers import neither Qt nor torch (checked in a fresh interpreter).

Every module of both packages is imported, found by walking them, so a new
module is checked without anyone remembering to list it. Only the front ends
that exist to be Qt (``ui`` packages, the tray) are left out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
import importlib, pkgutil, sys
import e2a_desktop, e2a_node
names = []
for package in (e2a_desktop, e2a_node):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if parts[-1] in ("__main__", "celery_app") or "ui" in parts or "tray" in parts:
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


PURE = ["e2a_desktop.ebook", "e2a_desktop.plan", "e2a_desktop.audio.master",
        "e2a_desktop.audio.bind", "e2a_desktop.events", "e2a_desktop.progress",
        "e2a_node.protocol", "e2a_node.auth", "e2a_node.engines", "e2a_node.engines.piper",
        "e2a_node.engines.coqui", "e2a_node.voices", "e2a_node.voices.store",
        "e2a_node.voices.samples", "e2a_node.render", "e2a_node.state"]
ALONE = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(",".join(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(",")))))
"""
FORBIDDEN = "PySide6,torch,TTS,aiohttp,sqlite3,_sqlite3,zeroconf"


def test_pure_layers_import_no_network_and_no_database() -> None:
    """Readers, planner, audio, engines and wire types stay usable without a server or a DB."""
    for module in PURE:
        out = subprocess.run([sys.executable, "-c", ALONE, module, FORBIDDEN],
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


NODE_ONLY = """
import importlib, pkgutil, sys
import e2a_node
for info in pkgutil.walk_packages(e2a_node.__path__, "e2a_node."):
    if info.name.split(".")[-1] not in ("__main__", "celery_app"):
        importlib.import_module(info.name)
print(",".join(sorted(m for m in sys.modules if m.startswith("e2a_desktop"))))
"""


def test_the_node_package_never_imports_the_desktop() -> None:
    """A node installs and runs without the desktop app (and never reaches back into it)."""
    out = subprocess.run([sys.executable, "-c", NODE_ONLY], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_the_tray_keeps_its_logic_free_of_qt() -> None:
    """Idle detection, autostart and the tray's view logic are plain Python (Qt stays in
    the tray's widgets), so the headless node and tests use them without a display."""
    for module in ("e2a_node.idle", "e2a_node.autostart", "e2a_node.tray.status"):
        out = subprocess.run([sys.executable, "-c", ALONE, module, "PySide6"],
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


LISTED = """
import sys
from pathlib import Path
from e2a_node.engines import available_voices
from e2a_node.voices import load_catalogue
available_voices(Path(sys.argv[1]))
load_catalogue(Path(sys.argv[1]))
print(",".join(sorted({m.split(".")[0] for m in sys.modules} & {"torch", "TTS"})))
"""


def test_listing_voices_and_the_catalogue_never_imports_torch(tmp_path: Path) -> None:
    """`e2a voices` lists Coqui models from their JSON: torch is for speaking only."""
    model = tmp_path / "coqui" / "some-model"
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"model": "vits", "audio": {"sample_rate": 16000}}')
    out = subprocess.run([sys.executable, "-c", LISTED, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ""
