"""The chapter list's Length is an estimate until a chapter is spoken, then what was
spoken (household run: 0:55 estimated still shown beside a chapter of 0:47 once done)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from e2a_desktop.events import ChapterEncoded
from e2a_desktop.ui.main_window import MainWindow


def test_a_spoken_chapter_shows_its_real_length(qtbot: QtBot, window: MainWindow,
                                                sample_book: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    model = window.chapters
    estimated = model.data(model.index(1, 3))
    assert estimated and estimated != "0:47"
    window.core.bus.emit(ChapterEncoded(1, "The Town Mouse and the Country Mouse", 47.2))
    qtbot.waitUntil(lambda: model.data(model.index(1, 3)) == "0:47")
    assert model.data(model.index(1, 3), 3) == "As spoken"  # its tooltip (ToolTipRole)
    assert model.data(model.index(0, 3)) != "0:47"  # the others are still estimates
