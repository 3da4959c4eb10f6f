"""The window's longest GUI-thread stall while a 150-chapter book is opened and converted.

Run on demand: ``QT_QPA_PLATFORM=offscreen pytest tests/bench/test_bench_gui_stall.py -m bench
-s``. A 10 ms timer on the GUI thread records the gaps between its ticks: the longest gap
is the longest time the window could not repaint or answer a click. Issue 20 found
1.1–1.4 s when such a book started. The planning itself already ran off the GUI thread;
the stall was the chapter table: each of the 150 chapters' first state came as its own
change, and the State column, sized to its contents, measured all rows again for each
(O(n²) data() calls). Measured on the shared 2-core test box (6 sessions busy on it),
Convert to first unit, longest stall: 20.6 s and 21.5 s before; 0.32 s with one change
for all chapters; 0.22 s with the State column a fixed width too (what is left is the
planning thread holding the GIL). Opening the book: 0.23–0.40 s, unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from pytestqt.qtbot import QtBot

from e2a_desktop.events import UnitStarted
from e2a_desktop.farm.host import FarmOptions
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.dialogs import KEEP
from e2a_desktop.ui.main_window import MainWindow
from e2a_node.tray import pyside_guard
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder

pytestmark = pytest.mark.bench
pyside_guard.install()

CHAPTERS = 150
SENTENCE = "The lamplighter began at the top of the hill and worked his way down the lane. "


class StallMeter:
    """The longest gap between ticks of a 10 ms timer on the GUI thread, per phase."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def start(self) -> None:
        self._last, self.worst = time.perf_counter(), 0.0
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return self.worst


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qsettings"))
    (tmp_path / "out").mkdir()
    core = DesktopCore(farm=FarmOptions(code="482913", mdns_interfaces=["127.0.0.1"]),
                       output_folder=tmp_path / "out")
    win = MainWindow(core)
    win.show()
    yield win
    GateEngine.open()
    if win.session is not None:
        win.session.conversion.cancel(timeout=30)
    win.ask_keep = lambda: KEEP  # type: ignore[method-assign]
    win.close()
    win.deleteLater()
    qtbot.wait(1)
    core.close()


def _long_book(folder: Path) -> Path:
    path = folder / "long.md"
    path.write_text("".join(f"# Chapter {c}\n\n" + (SENTENCE * 40 + "\n\n") * 5
                            for c in range(1, CHAPTERS + 1)), encoding="utf-8")
    return path


def test_gui_thread_stalls_while_a_150_chapter_book_opens_and_starts(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, tmp_path: Path) -> None:
    seen = Recorder()
    window.core.bus.subscribe(seen)
    window.settings.select_voice("gate:gate")
    meter = StallMeter()
    meter.start()
    with qtbot.waitSignal(window.book_opened, timeout=120_000):
        window.open_book(_long_book(tmp_path))
    qtbot.wait(200)
    opening = meter.stop()
    meter.start()
    began = time.perf_counter()
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen.of(UnitStarted)), timeout=120_000)
    qtbot.wait(500)
    starting = meter.stop()
    took = time.perf_counter() - began
    assert window.session is not None
    units = len(window.session.conversion.prepared.units)
    print(f"\n{CHAPTERS} chapters, {units} units: longest GUI-thread stall "
          f"{opening * 1000:.0f} ms while opening, {starting * 1000:.0f} ms from Convert "
          f"to the first unit ({took:.1f} s)")
