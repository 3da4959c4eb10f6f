"""A long book's start does not freeze the window: its chapters' states are one change."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.ui.chapter_view import STATE_COLUMN, ChapterView
from e2a_desktop.ui.chapters import ChapterModel
from e2a_desktop.ui.rows_model import Index


class CountingModel(ChapterModel):
    """The chapter model, counting what the view asks of it."""

    asked = 0

    def data(self, index: Index, role: int = 0) -> object:
        CountingModel.asked += 1
        return super().data(index, role)


def test_every_chapter_starting_at_once_is_one_change_and_no_column_measuring(
        qtbot: QtBot) -> None:
    """150 chapters set "waiting" one by one had the view measure the State column's 150
    rows 150 times: 720,798 data() calls here, 20 s of frozen window on the test box
    (tests/bench/test_bench_gui_stall.py has the figures); now about 140."""
    model = CountingModel()
    view = ChapterView(model)
    qtbot.addWidget(view)
    model.load(Book(Metadata(title="Long"), [Chapter(f"Chapter {i}", "Words. " * 20)
                                             for i in range(150)]))
    view.resize(700, 500)
    with qtbot.waitExposed(view):
        view.show()
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changes.append((first.row(), last.row())))
    qtbot.wait(50)
    CountingModel.asked = 0
    width = view.horizontalHeader().sectionSize(STATE_COLUMN)
    model.set_states({chapter: "waiting" for chapter in range(150)})
    qtbot.wait(50)
    assert changes == [(0, 149)]
    assert [row.state for row in model.rows] == ["waiting"] * 150
    model.set_states({3: "partly spoken"})
    qtbot.wait(50)
    assert view.horizontalHeader().sectionSize(STATE_COLUMN) == width  # fits every word
    assert CountingModel.asked < 3000, CountingModel.asked  # what is on screen, not 150²
