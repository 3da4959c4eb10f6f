"""The window's chapter list and banner follow the job: Cancel, Convert again, Done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.events import UnitFinished, UnitProgress, UnitStarted
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



def test_the_bar_never_falls_back_across_cancel_and_convert_again(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore, window: MainWindow,
        sample_book: Path) -> None:
    """D4: a unit half spoken at Cancel is spoken again from its start, so the new run's
    bar began at the units kept (60 % → 33 % here); it goes on from what was shown."""
    seen = Recorder()
    core.bus.subscribe(seen)
    shown: list[int] = []
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    first = window.session.conversion.prepared.units[0]
    gate.allow(len(first.sentences) + 6)  # the first unit, and most of the next one
    qtbot.waitUntil(lambda: any(e.sentences_done >= 5 for e in seen.of(UnitProgress)),
                    timeout=60_000)
    qtbot.waitUntil(lambda: window.controls.bar.value() > 500, timeout=10_000)
    window.controls.bar.valueChanged.connect(shown.append)
    before = window.controls.bar.value()
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000):
        qtbot.mouseClick(window.controls.cancel, Qt.MouseButton.LeftButton)
        gate.allow(1)
    started = len(seen.of(UnitStarted))
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen.of(UnitStarted)) > started, timeout=60_000)
    qtbot.waitUntil(lambda: window.session is not None and window.session.conversion.snapshot()
                    .state == "running", timeout=60_000)
    assert all(value >= before for value in shown), (before, shown)
    assert window.controls.bar.value() >= before
    gate.open()
    with qtbot.waitSignal(window.conversion_ended, timeout=240_000):
        pass
    assert shown == sorted(shown), shown  # and on to the end, never back
