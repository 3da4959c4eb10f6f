"""The tray node and farms: Forget leaves at once; a stranger is offered, never waited on."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.server import FarmServer
from e2a_node.client import CoordinatorClient
from e2a_node.discovery import Advertiser
from e2a_node.farm_tag import farm_label
from e2a_node.state import NodeStatus
from e2a_node.trust import TrustedCoordinator, TrustStore
from tests.helpers.fakes import GateEngine, ToneEngine
from tests.helpers.farm_fixtures import make_farm
from tests.tray.conftest import CODE, Coordinator, TrayFactory, tone_voice

WAIT_MS = 30_000


def test_forget_leaves_the_farm_at_once_and_hands_the_unit_back(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    unit = tray.controller.state.unit_id
    assert unit is not None
    gate.allow(1)  # a sentence in: the unit is in hand, leased for ten minutes
    dialog = tray.controller.open_farms(tray.window)
    forget = dialog.findChild(QPushButton, f"forget-{coordinator.farm.identity.fingerprint}")
    assert forget is not None
    qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    gate.allow(1)  # the sentence being spoken ends; no other may begin

    store = coordinator.farm.job.store
    qtbot.waitUntil(lambda: store.counts()["leased"] == 0, timeout=5000)  # handed back
    assert not tray.bridge.worker.trust.all()
    qtbot.waitUntil(lambda: tray.controller.state.status is not NodeStatus.SPEAKING,
                    timeout=5000)
    assert "Ready for" not in tray.controller.header.text()
    assert "Speaking" not in tray.controller.header.text()
    dialog.close()


class _Loop:
    """An asyncio loop on its own thread: an advert lives as long as its loop runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class _Farm:
    """A real farm served on loopback and advertised by mDNS on 127.0.0.1."""

    def __init__(self, folder: Path, name: str, code: str, loop: _Loop) -> None:
        self.loop = loop
        self.farm: Farm = make_farm(folder, rate=ToneEngine.RATE, lease_ttl=600, name=name,
                                    code=code)
        self.server = FarmServer(self.farm, 0, "127.0.0.1", advertise=False)
        self.port = self.server.start()
        self.url = f"https://127.0.0.1:{self.port}"
        self.advert = Advertiser(["127.0.0.1"])
        self.label = farm_label(name, self.farm.identity.fingerprint)

    def advertise(self) -> None:
        ident = self.farm.identity
        self.loop.run(self.advert.async_start(ident.name, self.port, ident.fingerprint))

    def close(self) -> None:
        self.loop.run(self.advert.async_close())
        self.server.stop()
        self.farm.job.close()


@pytest.fixture
def two_farms(tmp_path: Path) -> Iterator[tuple[_Farm, _Farm]]:
    """A stranger and this node's farm, both named alike (unique to this test)."""
    name = f"vm {secrets.token_hex(3)}"
    loop = _Loop()
    farms = (_Farm(tmp_path / "stranger", name, "111222", loop),
             _Farm(tmp_path / "mine", name, CODE, loop))
    yield farms
    GateEngine.open()
    for farm in farms:
        farm.close()
    loop.close()


def _pair(data_dir: Path, farm: _Farm) -> None:
    """This PC paired with ``farm`` earlier (as its Join dialog would have done)."""
    from e2a_node.trust import NodeIdentity

    identity = NodeIdentity.load(data_dir / "node")

    async def pair() -> None:
        async with aiohttp.ClientSession() as session:
            paired = await CoordinatorClient(session, farm.url, identity.node_id).async_pair(
                "tray-pc", CODE)
        TrustStore(data_dir / "node" / "trust").remember(TrustedCoordinator(
            paired.coordinator_id, paired.fingerprint, paired.name, paired.secret,
            paired.certificate))

    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: _run(pair(), result))
    thread.start()
    thread.join()
    assert not result, result


def _run(coroutine: object, errors: list[BaseException]) -> None:
    try:
        asyncio.run(coroutine)  # type: ignore[arg-type]
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)


def test_a_stranger_is_offered_while_the_node_works_for_its_own_farm(
        qtbot: QtBot, two_farms: tuple[_Farm, _Farm], make_tray: TrayFactory,
        data_dir: Path) -> None:
    """The stranger's advert comes first; the node offers it (menu entry, no dialog) and
    speaks its own farm's book meanwhile; the stranger gets nothing."""
    stranger, mine = two_farms
    _pair(data_dir, mine)
    stranger.advertise()
    tray = make_tray(engine=tone_voice, mdns_interfaces=["127.0.0.1"],
                     farm_name=stranger.farm.identity.name)
    qtbot.waitUntil(lambda: tray.window.join.isVisible(), timeout=WAIT_MS)
    assert stranger.label in tray.window.join.text()
    assert tray.controller.dialog is None  # offered, never a modal wait
    assert tray.controller.header.text() == f"Farm {stranger.label} can be joined"
    mine.advertise()
    store = mine.farm.job.store
    qtbot.waitUntil(lambda: store.counts()["done"] == sum(store.counts().values()),
                    timeout=WAIT_MS)
    assert stranger.farm.job.store.counts()["done"] == 0
    assert tray.window.join.isVisible()  # still on offer, still not waited on
    qtbot.waitUntil(lambda: f"Ready for {mine.label}" in tray.controller.header.text(),
                    timeout=WAIT_MS)  # the farm is named with its tag


def test_the_window_ticks_start_at_login_when_the_entry_exists(
        qtbot: QtBot, make_tray: TrayFactory, home: Path) -> None:
    from e2a_node.autostart import Autostart

    Autostart().set(True)  # made earlier, by the tray's menu or the installer
    tray = make_tray(url="http://127.0.0.1:9")
    assert tray.controller.start_at_login.isChecked()
    assert tray.window.start_at_login.isChecked()


def test_the_farms_dialog_shows_its_whole_text_after_forget(
        qtbot: QtBot, gate: type[GateEngine], coordinator: Coordinator,
        make_tray: TrayFactory) -> None:
    from PySide6.QtWidgets import QLabel

    gate.open()
    tray = make_tray(url=coordinator.url, code=CODE)
    qtbot.waitUntil(lambda: bool(tray.bridge.worker.trust.all()), timeout=WAIT_MS)
    dialog = tray.controller.open_farms(tray.window)
    forget = dialog.findChild(QPushButton, f"forget-{coordinator.farm.identity.fingerprint}")
    assert forget is not None
    qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("None yet" in label.text()
                                for label in dialog.findChildren(QLabel)), timeout=5000)

    def cut() -> list[str]:
        out = []
        for label in dialog.findChildren(QLabel):
            if not label.isVisible():
                continue
            wanted = label.heightForWidth(label.width()) if label.wordWrap() \
                else label.sizeHint().height()
            if label.height() < wanted or (not label.wordWrap()
                                           and label.width() < label.sizeHint().width()):
                out.append(label.text())
        return out

    qtbot.waitUntil(lambda: not cut(), timeout=5000)
    dialog.close()


def test_open_log_with_no_program_to_open_it_says_where_the_log_is(
        qtbot: QtBot, make_tray: TrayFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    tray = make_tray(url="http://127.0.0.1:9")
    tray.controller.open_log.trigger()
    box = tray.controller.log_message
    assert box is not None and box.isVisible()
    assert str(tray.log_path) in box.text()
    box.close()


def test_a_farm_on_offer_is_announced_once_per_run(make_tray: TrayFactory) -> None:
    """When this PC's own farm closes, the stranger is offered again: the menu entry comes
    back, but the notification (every paired PC popped it up) is not shown twice."""
    from e2a_node.joining import FarmOffer

    tray = make_tray(url="http://127.0.0.1:9", start=False)
    news: list[str] = []
    tray.controller.offer_news.connect(news.append)
    stranger = FarmOffer("vm", "3f9c2a71d04be815", "https://127.0.0.1:1")
    for offers in ((stranger,), (), (stranger,)):
        tray.bridge.offers_changed.emit(offers)
    assert news == [stranger.label]
    assert tray.controller.join.isVisible()


def test_a_paired_node_is_not_told_of_every_other_farm(make_tray: TrayFactory) -> None:
    """Household test of the installed node: paired and working, it popped "N e2a farms
    are on your network…" up dozens of times as other farms came and went, over its
    own farm's code and its tray menu. Paired, it offers them in the menu only."""
    from e2a_node.joining import FarmOffer
    from e2a_node.trust import TrustedCoordinator

    tray = make_tray(url="http://127.0.0.1:9", start=False)
    tray.bridge.worker.trust.remember(TrustedCoordinator(
        "coord-0123456789abcdef", "0a1b2c3d4e5f6071", "home", "00" * 32, "11" * 32))
    news: list[str] = []
    tray.controller.offer_news.connect(news.append)
    for n in range(5):  # farms that come and go
        tray.bridge.offers_changed.emit((FarmOffer(f"farm{n}", f"{n:016x}",
                                                   f"https://127.0.0.1:{n + 1}"),))
    assert news == []
    assert tray.controller.join.isVisible()  # still there to join


def test_the_open_menu_does_not_move_under_the_pointer(
        qtbot: QtBot, make_tray: TrayFactory) -> None:
    """Household test: farms came and went while the tray menu was open, its entries
    moved, and a click meant for "Start at login" landed on "Open log"."""
    from PySide6.QtCore import QPoint

    from e2a_node.joining import FarmOffer

    tray = make_tray(url="http://127.0.0.1:9", start=False)
    menu = tray.controller.menu
    menu.popup(QPoint(10, 10))
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    before = [a for a in menu.actions() if a.isVisible()]  # (the header's words may change)
    tray.bridge.offers_changed.emit((FarmOffer("study", "3f9c2a71d04be815",
                                               "https://127.0.0.1:1"),))
    assert [a for a in menu.actions() if a.isVisible()] == before
    menu.hide()
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5000)
    assert tray.controller.join.isVisible() and "study" in tray.controller.join.text()


def test_two_unknown_farms_are_both_offered_and_neither_waited_on(
        qtbot: QtBot, make_tray: TrayFactory) -> None:
    """D7: with two farms on the network that this PC is not paired with, the tray
    offered only the first; both get a menu entry, a button and a notification."""
    from e2a_node.joining import FarmOffer

    tray = make_tray(url="http://127.0.0.1:9", start=False)
    news: list[str] = []
    tray.controller.offer_news.connect(news.append)
    study = FarmOffer("study", "3f9c2a71d04be815", "https://127.0.0.1:1")
    attic = FarmOffer("attic", "9a0b1c2d3e4f5061", "https://127.0.0.1:2")
    window = tray.window
    assert window is not None
    tray.bridge.offers_changed.emit((study, attic))
    entries = [a.text() for a in tray.controller.menu.actions() if a.isVisible()
               and a.text().startswith("Join the farm")]
    assert entries == [f"Join the farm “{study.label}”…", f"Join the farm “{attic.label}”…"]
    assert [b.text() for b in window.joins if not b.isHidden()] == entries
    assert news == [study.label, attic.label]
    assert tray.controller.dialog is None  # offered, never a modal wait
    assert tray.controller.header.text() == "2 farms can be joined"
    qtbot.mouseClick(window.joins[1], Qt.MouseButton.LeftButton)
    dialog = tray.controller.dialog
    assert dialog is not None and dialog.offer == attic
    tray.bridge.offers_changed.emit((attic,))  # the study farm left the network
    assert [b.text() for b in window.joins if not b.isHidden()] == \
        [f"Join the farm “{attic.label}”…"]
    assert tray.controller.dialog is dialog
    dialog.reject()  # "not now": that farm is passed over in this run
    assert all(b.isHidden() for b in window.joins)


def _working_for_mine_with_the_stranger_on_offer(
        qtbot: QtBot, two_farms: tuple[_Farm, _Farm], make_tray: TrayFactory,
        data_dir: Path) -> Any:
    """The household's state: the node speaks its own farm's book (the gate holds it in
    the middle of a unit) while a stranger is on offer."""
    stranger, mine = two_farms
    _pair(data_dir, mine)
    stranger.advertise()
    tray = make_tray(mdns_interfaces=["127.0.0.1"], farm_name=stranger.farm.identity.name)
    qtbot.waitUntil(lambda: tray.window.join.isVisible(), timeout=WAIT_MS)
    mine.advertise()
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    assert stranger.label in tray.window.join.text()
    return tray


def test_a_farm_that_closed_is_no_longer_offered_while_the_node_works(
        qtbot: QtBot, gate: type[GateEngine], two_farms: tuple[_Farm, _Farm],
        make_tray: TrayFactory, data_dir: Path) -> None:
    """Household test: "Join the farm 'kitchen'…" stayed 15 minutes after kitchen exited."""
    tray = _working_for_mine_with_the_stranger_on_offer(qtbot, two_farms, make_tray, data_dir)
    stranger = two_farms[0]
    stranger.loop.run(stranger.advert.async_close())  # kitchen exits: its goodbye is sent
    qtbot.waitUntil(lambda: not tray.window.join.isVisible(), timeout=WAIT_MS)
    assert tray.controller.state.status is NodeStatus.SPEAKING  # its own work went on


def test_a_code_typed_while_the_node_works_is_checked_at_once(
        qtbot: QtBot, gate: type[GateEngine], two_farms: tuple[_Farm, _Farm],
        make_tray: TrayFactory, data_dir: Path) -> None:
    """Household test: "Checking the code…" with Join greyed for 7 minutes: the code
    waited for the node to finish its own farm's book."""
    tray = _working_for_mine_with_the_stranger_on_offer(qtbot, two_farms, make_tray, data_dir)
    stranger = two_farms[0]
    qtbot.mouseClick(tray.window.join, Qt.MouseButton.LeftButton)
    dialog = tray.controller.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.code, "111-222")
    qtbot.mouseClick(dialog.join, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.controller.dialog is None, timeout=WAIT_MS)
    assert tray.bridge.worker.trust.get(stranger.farm.identity.fingerprint) is not None
    assert not tray.window.join.isVisible()
    assert tray.controller.state.status is NodeStatus.SPEAKING  # not taken from its work


def test_a_forgotten_farm_is_offered_again_by_its_code(
        qtbot: QtBot, gate: type[GateEngine], two_farms: tuple[_Farm, _Farm],
        make_tray: TrayFactory, data_dir: Path) -> None:
    """Household test: after Forget the menu said "Looking for an e2a farm… this PC joins
    by itself" with that farm on the network, and no way to rejoin but a restart."""
    mine = two_farms[1]
    _pair(data_dir, mine)
    mine.advertise()
    tray = make_tray(mdns_interfaces=["127.0.0.1"], farm_name=mine.farm.identity.name)
    qtbot.waitUntil(lambda: tray.controller.state.status is NodeStatus.SPEAKING,
                    timeout=WAIT_MS)
    dialog = tray.controller.open_farms(tray.window)
    forget = dialog.findChild(QPushButton, f"forget-{mine.farm.identity.fingerprint}")
    assert forget is not None
    qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    gate.allow(1)  # the sentence being spoken ends: the farm is left
    qtbot.waitUntil(lambda: tray.window.join.isVisible(), timeout=WAIT_MS)
    assert mine.label in tray.window.join.text()
    assert tray.controller.header.text() == f"Farm {mine.label} can be joined"
    dialog.close()
