"""The log pane shows the newest line as lines arrive, unless the person scrolled up to read."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSlider
from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow


def test_the_log_follows_new_lines_until_the_person_scrolls_up(
        qtbot: QtBot, window: MainWindow) -> None:
    pane, bar = window.log_pane, window.log_pane.verticalScrollBar()
    for i in range(300):  # while the Log tab is hidden (the Nodes tab is in front)
        pane.add(f"line {i}")
    window.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert bar.value() == bar.maximum(), "the Log tab opened on the oldest lines"

    pane.add("a new line")
    assert bar.value() == bar.maximum()

    bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)  # reading older lines
    reading = bar.value()
    assert reading < bar.maximum()
    pane.add("another line")
    assert bar.value() == reading, "a new line pulled the reader away"

    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # back at the end
    pane.add("and one more")
    assert bar.value() == bar.maximum()
