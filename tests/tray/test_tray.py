"""The tray node driven as a person would, offscreen (so through its fallback window)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot

from e2a_node.idle import FakeIdleSource
from e2a_node.runner import NodeRunner
from e2a_node.state import NodeSnapshot, NodeStatus
from e2a_node.tray.pairing import PairingDialog
from e2a_node.tray.status import Look
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import StateRecorder
from tests.tray.conftest import CODE, Coordinator, TrayFactory, tone_voice

WAIT_MS = 30_000


def _tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its box (a wide one's middle is empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def _status(tray: object, status: NodeStatus) -> bool:
    return tray.controller.state.status is status  # type: ignore[attr-defined, no-any-return]


def test_without_a_system_tray_a_window_gives_the_same_controls(make_tray: TrayFactory) -> None:
    tray = make_tray(url="http://127.0.0.1:9", start=False)  # nothing listens there
    assert tray.tray is None and tray.window is not None
    tray.show()
    window = tray.window
    assert window.isVisible()
    assert window.pause.text() == "Pause"
    assert window.idle_only.text().startswith("Work only when this PC is idle")
    assert window.threads.itemText(0).startswith("All (")
    menu = [a.text() for a in tray.controller.menu.actions() if a.text()]
    for item in ("Pause", "Farms…", "Start at login", "Open log", "Quit", "CPU threads",
                 "Download voices the farm needs"):
        assert item in menu or any(t.startswith(item) for t in menu), item


def test_the_icon_and_menu_follow_the_workers_state(qtbot: QtBot,
                                                    make_tray: TrayFactory) -> None:
    tray = make_tray(url="http://127.0.0.1:9", start=False)
    c = tray.controller
    states = [
        (NodeSnapshot(NodeStatus.SEARCHING), Look.NO_FARM, "Looking for an e2a farm"),
        (NodeSnapshot(NodeStatus.READY, farm="ada-pc"), Look.READY, "Ready for ada-pc"),
        (NodeSnapshot(NodeStatus.SPEAKING, farm="ada-pc", title="Emma", chapter=3,
                      units_done=2, last_speed=12.2), Look.WORKING,
         "Speaking chapter 4 of “Emma” for ada-pc — 12× real time"),
        (NodeSnapshot(NodeStatus.ERROR, last_error="boom"), Look.ERROR, "Error"),
    ]
    for state, look, headline in states:
        # From another thread, as the worker's own thread sends them.
        sender = threading.Thread(target=tray.bridge.state_changed.emit, args=(state,))
        sender.start()
        sender.join()
        qtbot.waitUntil(lambda look=look: c.view.look is look, timeout=5000)
        assert c.header.text().startswith(headline)
        assert tray.window.headline.text() == c.header.text()
    assert c.units_today == 2
    assert "2 units done today" in c.view.detail or c.view.look is Look.ERROR


def test_pause_hands_the_unit_back_and_another_node_takes_it_at_once(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory, tmp_path: Path) -> None:
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.SPEAKING), timeout=WAIT_MS)
    assert tray.controller.view.look is Look.WORKING
    unit = tray.controller.state.unit_id
    gate.allow(1)  # one sentence in: the unit is in hand

    qtbot.mouseClick(tray.window.pause, Qt.MouseButton.LeftButton)
    gate.allow(1)  # the sentence being spoken ends; the node must not begin another
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.PAUSED), timeout=2000)
    assert tray.controller.view.look is Look.PAUSED and tray.window.pause.text() == "Resume"

    other, seen = _start_node(tmp_path / "other", coordinator.url)
    try:
        seen.wait(NodeStatus.SPEAKING, timeout=10)  # leases last 10 min: no wait for expiry
        assert seen.seen[[s.status for s in seen.seen].index(NodeStatus.SPEAKING)].unit_id \
            == unit
    finally:
        other.stop()
    qtbot.mouseClick(tray.window.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.SPEAKING), timeout=WAIT_MS)


def _start_node(data: Path, url: str) -> tuple[NodeRunner, StateRecorder]:
    seen = StateRecorder()
    worker = NodeWorker(NodeConfig(data, name="other-pc", url=url, code=CODE),
                        engine_factory=tone_voice, on_state=seen)
    runner = NodeRunner(worker)
    runner.start()
    return runner, seen


def test_idle_mode_starts_work_when_the_pc_is_idle_and_stops_on_return(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    idle = FakeIdleSource(idle=3.0, battery=False)  # someone is at the keyboard
    tray = make_tray(url=coordinator.url, code=CODE, idle=idle)
    c = tray.controller
    _tick(qtbot, tray.window.idle_only)
    assert c.prefs.idle_only
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.PAUSED), timeout=WAIT_MS)
    assert c.view.look is Look.WAITING and "idle for 5 min" in c.view.detail

    idle.idle = 301.0  # away for five minutes
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.SPEAKING), timeout=WAIT_MS)
    assert c.view.look is Look.WORKING
    gate.allow(1)

    idle.idle = 0.5  # back at the keyboard: within a poll the worker is told to stop
    qtbot.waitUntil(lambda: c.view.look is Look.WAITING, timeout=2000)
    gate.allow(1)  # the sentence in progress ends
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.PAUSED), timeout=2000)
    assert coordinator.farm.job.store.counts()["leased"] == 0  # handed back, not kept

    idle.battery = True  # idle again, but on battery: still waiting
    idle.idle = 999.0
    qtbot.waitUntil(lambda: "battery" in c.view.detail, timeout=5000)
    assert _status(tray, NodeStatus.PAUSED)


def test_idle_mode_where_idle_time_is_unknown_says_so_and_works(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    tray = make_tray(url=coordinator.url, code=CODE, idle=FakeIdleSource(None, None))
    _tick(qtbot, tray.window.idle_only)
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.SPEAKING), timeout=WAIT_MS)
    assert "cannot tell" in tray.controller.view.detail


def _dialog(tray: object) -> PairingDialog:
    dialog = tray.controller.dialog  # type: ignore[attr-defined]
    assert dialog is not None
    return dialog  # type: ignore[no-any-return]


def test_pairing_refuses_a_wrong_code_then_accepts_the_right_one(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    gate.open()
    tray = make_tray(url=coordinator.url)  # never paired, no --code
    window = tray.window
    qtbot.waitUntil(lambda: window.join.isVisible(), timeout=WAIT_MS)
    assert coordinator.farm.identity.name in window.join.text()
    qtbot.mouseClick(window.join, Qt.MouseButton.LeftButton)
    dialog = _dialog(tray)
    assert dialog.isVisible() and not dialog.join.isEnabled()

    qtbot.keyClicks(dialog.code, "111-111")
    qtbot.mouseClick(dialog.join, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not the one" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.code.isEnabled()
    assert not tray.bridge.worker.trust.all()

    dialog.code.clear()
    qtbot.keyClicks(dialog.code, CODE)
    qtbot.mouseClick(dialog.join, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.controller.dialog is None, timeout=WAIT_MS)
    trusted = list(tray.bridge.worker.trust.all().values())
    assert [t.fingerprint for t in trusted] == [coordinator.farm.identity.fingerprint]
    assert not window.join.isVisible()
    qtbot.waitUntil(lambda: _status(tray, NodeStatus.SPEAKING)
                    or tray.controller.state.units_done > 0, timeout=WAIT_MS)


def test_a_one_time_code_another_pc_used_is_said_so_in_the_code_dialog(
        qtbot: QtBot, coordinator: Coordinator, make_tray: TrayFactory) -> None:
    """Household test: the second PC typed the one-time code the window showed (another
    had just paired with it) and read "not the one"; it now reads why, and may retry."""
    from spake2 import SPAKE2_A

    from e2a_node.auth import COORDINATOR_PAKE_ID, pairing_keys
    from e2a_node.protocol import CODE_USED

    pairing = coordinator.farm.pairing
    moment = pairing.open_moment()
    pake = SPAKE2_A(moment.code.encode(), idA=b"node-first001", idB=COORDINATOR_PAKE_ID)
    answer = pairing.begin("node-first001", "desk", pake.start(), peer="127.0.0.9")
    assert answer is not None
    _secret, _expected, proof = pairing_keys(pake.finish(answer[0]), pairing.certificate)
    assert pairing.confirm("node-first001", proof)  # the first PC spends the code

    tray = make_tray(url=coordinator.url)
    qtbot.waitUntil(lambda: tray.window.join.isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(tray.window.join, Qt.MouseButton.LeftButton)
    dialog = _dialog(tray)
    qtbot.keyClicks(dialog.code, moment.code)
    qtbot.mouseClick(dialog.join, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: CODE_USED[1:] in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.message.text().startswith("That one-time code was already used")
    assert "not the one" not in dialog.message.text()
    assert dialog.isVisible() and dialog.code.isEnabled()
    assert not tray.bridge.worker.trust.all()


def test_not_now_passes_the_farm_over_without_ending_the_node(
        qtbot: QtBot, coordinator: Coordinator, make_tray: TrayFactory) -> None:
    tray = make_tray(url=coordinator.url)
    qtbot.waitUntil(lambda: tray.window.join.isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(tray.window.join, Qt.MouseButton.LeftButton)
    _dialog(tray).reject()
    qtbot.waitUntil(lambda: not tray.window.join.isVisible(), timeout=5000)
    assert tray.bridge.runner.alive and tray.controller.view.look is not Look.ERROR


def test_farms_lists_paired_farms_and_forget_unpairs(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    gate.open()
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: bool(tray.bridge.worker.trust.all()), timeout=WAIT_MS)
    dialog = tray.controller.open_farms(tray.window)
    fingerprint = coordinator.farm.identity.fingerprint
    from PySide6.QtWidgets import QPushButton

    forget = dialog.findChild(QPushButton, f"forget-{fingerprint}")
    assert forget is not None
    qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    assert not tray.bridge.worker.trust.all()
    dialog.close()


def test_start_at_login_creates_and_removes_the_autostart_entry(
        qtbot: QtBot, make_tray: TrayFactory, home: Path) -> None:
    tray = make_tray(url="http://127.0.0.1:9")
    entry = home / ".config" / "autostart" / "e2a-node.desktop"
    assert not tray.window.start_at_login.isChecked()
    _tick(qtbot, tray.window.start_at_login)
    assert entry.exists() and "e2a" in entry.read_text()
    assert tray.controller.start_at_login.isChecked()
    _tick(qtbot, tray.window.start_at_login)
    assert not entry.exists()


def test_settings_persist_and_the_worker_obeys_them_at_once(
        qtbot: QtBot, make_tray: TrayFactory) -> None:
    tray = make_tray(url="http://127.0.0.1:9")
    window = tray.window
    window.threads.setCurrentIndex(window.threads.findData(1))
    window.threads.activated.emit(window.threads.currentIndex())
    assert tray.bridge.worker.thread_limit == 1
    _tick(qtbot, window.idle_only)
    assert not tray.bridge.worker.may_download_voices
    _tick(qtbot, window.get_voices)
    assert tray.bridge.worker.may_download_voices  # e2a-node --get-voices, from the window
    tray.quit()

    again = make_tray(url="http://127.0.0.1:9")
    assert again.controller.prefs.threads == 1 and again.controller.prefs.idle_only
    assert again.bridge.worker.thread_limit == 1
    assert again.window.idle_only.isChecked() and again.window.get_voices.isChecked()
    assert again.bridge.worker.may_download_voices
    assert QApplication.instance() is not None
