"""The window's tray icon: in the tray from the moment the window shows, it names its farm and,
while a book converts, the book and how far (two windows, two farms, were told apart in
the tray by nothing; and made at the first notice, the first book had no icon at all).
Its "Audiobook ready" notice goes away after its time even with the pointer resting on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.service import FINISHED
from e2a_desktop.ui import tray_icon
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.tray_icon import TrayIcon, converting_text, tray_tip
from e2a_node.farm_tag import farm_label
from tests.helpers.fakes import GateEngine
from tests.ui.test_after_done import LONG_WAIT_MS, _open


@pytest.fixture
def a_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """A desktop with a system tray (the offscreen platform has none)."""
    monkeypatch.setattr(tray_icon, "tray_available", lambda: True)


def test_the_tip_reads_farm_then_book_and_progress() -> None:
    assert (tray_tip("Study PC · 3F2A", converting_text("Emma", 0.424))
            == "e2a · farm Study PC · 3F2A — Converting “Emma”: 42 %")
    assert tray_tip("Study PC · 3F2A") == "e2a · farm Study PC · 3F2A (click to show the window)"
    assert tray_tip("") == "e2a: ebook to audiobook (click to show the window)"
    assert converting_text("Emma", 1.0, paused=True) == "Paused “Emma”: 100 %"


def test_the_icon_is_there_from_the_start_and_names_the_farm_then_the_book(
        qtbot: QtBot, gate: type[GateEngine], a_tray: None,
        make_window: Callable[[], MainWindow], sample_book: Path) -> None:
    window = make_window()
    core = window.core
    icon = core.tray.icon
    assert icon is not None and icon.isVisible()  # before any notice
    qtbot.waitUntil(lambda: core.host.info is not None, timeout=30_000)
    info = core.host.info
    assert info is not None
    farm = f"e2a · farm {farm_label(info.name, info.fingerprint)}"
    qtbot.waitUntil(lambda: icon.toolTip() == f"{farm} (click to show the window)")
    _open(qtbot, window, sample_book)
    title = window.book_panel.title.text()
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: icon.toolTip().startswith(f"{farm} — Converting “{title}”: "),
                    timeout=60_000)
    assert icon.toolTip().endswith(" %")
    with qtbot.waitSignal(window.conversion_ended, timeout=LONG_WAIT_MS) as blocker:
        gate.open()
    assert blocker.args[0].state == FINISHED
    assert icon.toolTip() == f"{farm} (click to show the window)"
    assert core.tray.icon is icon  # one icon all along, not one more per notice


def test_a_notice_left_up_under_the_pointer_is_taken_down_after_its_time(
        qtbot: QtBot, a_tray: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt's own balloon stays while the pointer rests on it; it goes at its time anyway."""
    monkeypatch.setattr(tray_icon, "NOTICE_GRACE_MS", 10)
    monkeypatch.setattr(tray_icon, "balloon_up", lambda: True)  # hovered: it did not close
    tray = TrayIcon()
    try:
        with qtbot.waitSignal(tray.notice_taken_down, timeout=5_000):
            tray.notify("Audiobook ready", "Emma.m4b", msecs=20)
        assert tray.icon is not None and tray.icon.isVisible()  # the icon itself stays
    finally:
        tray.close()


def test_a_notice_that_closed_by_itself_leaves_the_icon_alone(
        qtbot: QtBot, a_tray: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tray_icon, "NOTICE_GRACE_MS", 10)
    looked: list[bool] = []
    monkeypatch.setattr(tray_icon, "balloon_up", lambda: looked.append(False) or False)
    tray = TrayIcon()
    try:
        with qtbot.assertNotEmitted(tray.notice_taken_down):
            tray.notify("Audiobook ready", "Emma.m4b", msecs=20)
            qtbot.waitUntil(lambda: bool(looked))  # its time came: the balloon had gone
    finally:
        tray.close()
