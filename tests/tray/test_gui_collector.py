"""Cycles are freed on the GUI thread only, wherever they were made (both Qt front ends).

A collection that a worker thread started once freed a Qt wrapper there and hung the
window (its destructor waited for Qt's lock, held by the GUI thread waiting for Python's).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from e2a_node.tray import gui_collector


class Cyclic:
    """Garbage only the cycle collector can free; says on which thread it was freed."""

    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cyclic.freed_on.append(threading.current_thread().name)


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[gui_collector.GuiThreadCollector]:
    enabled = gc.isenabled()
    gc.collect()
    owner = QObject()
    made = gui_collector.install(owner)
    yield made
    del made
    owner.deleteLater()
    owner = None
    qtbot.waitUntil(gc.isenabled)  # deleting the collector turns automatic collection on
    if not enabled:
        gc.disable()


def test_cycles_made_on_a_worker_thread_are_freed_on_the_gui_thread(
        qtbot: QtBot, collector: gui_collector.GuiThreadCollector) -> None:
    Cyclic.freed_on.clear()
    kept: list[list[object]] = []

    def worker() -> None:
        for _ in range(20):
            Cyclic()
        # Far past the youngest threshold: an automatic collection would have run here.
        kept.extend([] for _ in range(gc.get_threshold()[0] * 3))

    thread = threading.Thread(target=worker, name="e2a-farm-like")
    thread.start()
    thread.join()
    assert not gc.isenabled()
    assert Cyclic.freed_on == []  # nothing was collected on the worker

    qtbot.waitUntil(lambda: len(Cyclic.freed_on) == 20, timeout=10_000)
    assert set(Cyclic.freed_on) == {threading.main_thread().name}
    assert collector.collections >= 1
    kept.clear()


def test_one_collector_per_application(collector: gui_collector.GuiThreadCollector) -> None:
    parent = collector.parent()
    assert parent is not None
    assert gui_collector.install(parent) is collector
