"""Cycle collection on the GUI thread only, for both Qt front ends.

Python's automatic cycle collector runs on whichever thread happens to allocate when a
generation's count passes its threshold. In e2a that is often a worker thread (the
farm's asyncio loop, the event bus, a node's speaking thread). A collection there may
free the last Python reference to a Qt object, whose C++ destructor then takes Qt's
connection lock on that thread; when the GUI thread, holding Python's lock, waits for
the same Qt lock (``QApplication.setStyle``, a signal connection), neither moves: a
window test run hung exactly so (py-spy: the main thread in ``setStyle``, the farm
thread in ``~QObject`` under ``gc_collect_main``).

The remedy is the one pyqtgraph uses: automatic collection off, and a timer on the GUI
thread that collects whenever the counts say an automatic collection would have
happened. Qt wrappers are then only ever freed by cycle collection on the thread that
owns them; plain reference counting, which frees most objects, is unchanged.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500
"""How often the counts are looked at. Garbage in cycles waits at most this long; the
check itself is three integer comparisons."""


class GuiThreadCollector(QObject):
    """Turns automatic cycle collection off and collects on this (the GUI) thread instead.

    Create it on the GUI thread, parented to the application so it lives as long; when it
    is destroyed (the application quits) automatic collection is turned back on.
    """

    NAME = "e2aGuiThreadCollector"

    def __init__(self, parent: QObject, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        self.threshold = gc.get_threshold()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)
        self.destroyed.connect(_enable_automatic_collection)

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; the objects freed."""
        young, middle, old = gc.get_count()
        freed = 0
        if young > self.threshold[0]:
            freed += gc.collect(0)
            self.collections += 1
            if middle > self.threshold[1]:
                freed += gc.collect(1)
                if old > self.threshold[2]:
                    freed += gc.collect(2)
        return freed


def _enable_automatic_collection() -> None:
    gc.enable()


def install(parent: QObject) -> GuiThreadCollector:
    """The one collector of ``parent`` (the QApplication), made on first call."""
    found = parent.findChild(GuiThreadCollector, GuiThreadCollector.NAME)
    if isinstance(found, GuiThreadCollector):
        return found
    return GuiThreadCollector(parent)
