"""Pause gives the unit back at once, even while the voice is inside a long sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.nodestate import state_label
from e2a_node.state import NodeStatus
from tests.helpers.fakes import GateEngine
from tests.tray.conftest import CODE, Coordinator, TrayFactory

WAIT_MS = 30_000


def test_pause_hands_the_unit_back_before_the_sentence_being_spoken_ends(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    store = coordinator.farm.job.store
    qtbot.waitUntil(lambda: store.counts()["leased"] >= 1, timeout=WAIT_MS)
    # The gate stays shut: the voice is inside a sentence that never ends by itself (a
    # slow PC's long sentence). Leases last ten minutes: only a hand-back frees it.
    qtbot.mouseClick(tray.window.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.counts()["leased"] == 0, timeout=5000)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.PAUSED, timeout=5000)
    assert tray.window.pause.text() == "Resume"

    gate.open()  # the sentence ends, unheard; Resume speaks the book to its end
    qtbot.mouseClick(tray.window.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.counts()["done"] == sum(store.counts().values()),
                    timeout=WAIT_MS)


def test_when_the_farm_pauses_the_tray_says_so_and_speaks_nothing_more(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    farm = coordinator.farm
    farm.pause()  # the desktop's Pause, while this PC is inside a sentence
    label = tray.controller.state.farm_label
    qtbot.waitUntil(lambda: tray.controller.header.text() == f"{label} is paused",
                    timeout=10_000)  # heard at its next beat (2 s at most), not "no book"
    store = farm.job.store
    assert store.counts()["leased"] == 0 and store.counts()["done"] == 0
    gate.open()
    farm.resume()
    qtbot.waitUntil(lambda: store.counts()["done"] == sum(store.counts().values()),
                    timeout=WAIT_MS)


def test_a_node_paused_at_its_pc_reads_paused_in_the_farms_nodes_table(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    """D10: the desktop's Nodes table said "stopped" for a node its person had paused
    (its unit was handed back and it fell silent); "stopped" is for a node that quit."""
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    farm, window = coordinator.farm, tray.window
    assert window is not None

    def labels() -> list[str]:
        return [state_label(stats.state.value) for stats in farm.nodes.values()]

    qtbot.mouseClick(window.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: labels() == ["paused"], timeout=10_000)
    assert farm.job.store.counts()["leased"] == 0
    gate.open()
    qtbot.mouseClick(window.pause, Qt.MouseButton.LeftButton)  # Resume
    store = farm.job.store
    qtbot.waitUntil(lambda: store.counts()["done"] == sum(store.counts().values()),
                    timeout=WAIT_MS)
