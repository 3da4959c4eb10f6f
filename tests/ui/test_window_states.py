"""The window's chapter list and banner follow the job: Cancel, Convert again, Done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.events import UnitFinished, UnitStarted
from e2a_desktop.service import CANCELLED, FINISHED
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder


def test_cancel_then_convert_again_shows_the_chapters_and_banner_as_they_are(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore, window: MainWindow,
        sample_book: Path) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    first = window.session.conversion.prepared.units[0]
    gate.allow(len(first.sentences) + 1)  # the first unit, and one sentence of the next
    qtbot.waitUntil(lambda: bool(seen.of(UnitFinished)), timeout=60_000)
    qtbot.waitUntil(lambda: "speaking" in [r.state for r in window.chapters.rows],
                    timeout=60_000)
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000) as blocker:
        qtbot.mouseClick(window.controls.cancel, Qt.MouseButton.LeftButton)
        gate.allow(1)
    assert blocker.args[0].state == CANCELLED
    states = [r.state for r in window.chapters.rows]
    assert "speaking" not in states, states
    assert window.message.isVisible() and "press Convert" in window.message.text()

    started = len(seen.of(UnitStarted))
    gate.open()
    with qtbot.waitSignal(window.conversion_ended, timeout=240_000) as blocker:
        qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(seen.of(UnitStarted)) > started, timeout=60_000)
        assert not window.message.isVisible(), "the 'Stopped… press Convert' banner stayed"
    assert blocker.args[0].state == FINISHED
    included = window.chapters.included()
    assert {window.chapters.rows[i].state for i in included} == {"done"}

