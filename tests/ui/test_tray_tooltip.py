"""The window's tray icon names its farm, and while a book converts, the book and how far:
two windows (two farms) were told apart in the tray by nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from e2a_desktop.service import FINISHED
from e2a_desktop.ui.core import converting_text, tray_tip
from e2a_desktop.ui.main_window import MainWindow
from e2a_node.farm_tag import farm_label
from tests.helpers.fakes import GateEngine
from tests.ui.test_after_done import LONG_WAIT_MS, _open


def test_the_tip_reads_farm_then_book_and_progress() -> None:
    assert (tray_tip("Study PC · 3F2A", converting_text("Emma", 0.424))
            == "e2a · farm Study PC · 3F2A — Converting “Emma”: 42 %")
    assert tray_tip("Study PC · 3F2A") == "e2a · farm Study PC · 3F2A (click to show the window)"
    assert tray_tip("") == "e2a: ebook to audiobook (click to show the window)"
    assert converting_text("Emma", 1.0, paused=True) == "Paused “Emma”: 100 %"


def test_the_icon_names_the_farm_and_follows_the_book(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    core = window.core
    qtbot.waitUntil(lambda: core.host.info is not None, timeout=30_000)
    info = core.host.info
    assert info is not None
    farm = f"e2a · farm {farm_label(info.name, info.fingerprint)}"
    core.tray = QSystemTrayIcon()  # as the first notification makes it, where a tray exists
    core.show_doing("")
    assert core.tray.toolTip() == f"{farm} (click to show the window)"
    _open(qtbot, window, sample_book)
    title = window.book_panel.title.text()
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: core.tray is not None
                    and core.tray.toolTip().startswith(f"{farm} — Converting “{title}”: "),
                    timeout=60_000)
    assert core.tray.toolTip().endswith(" %")
    with qtbot.waitSignal(window.conversion_ended, timeout=LONG_WAIT_MS) as blocker:
        gate.open()
    assert blocker.args[0].state == FINISHED
    assert core.tray.toolTip() == f"{farm} (click to show the window)"
    core.tray.hide()
    core.tray.deleteLater()
    core.tray = None
