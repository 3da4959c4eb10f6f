""""Done" and the Nodes table's figures are of the audiobook made: another book, or other
chapters or another folder, bring back "Ready to convert" and clear the old figures (a
household test saw Units done 8/1, Share 80 %/20 % and "Done: time-machine.m4b" stay)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.events import JobStarted, NodeChanged
from e2a_desktop.localnode import LOCAL_NAME, LOCAL_NODE
from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine
from tests.ui.test_after_done import _finish, _open

UNITS_DONE, SHARE = 5, 7


def _figures(window: MainWindow) -> list[tuple[str, str]]:
    model = window.nodes
    return [(model.data(model.index(row, UNITS_DONE)), model.data(model.index(row, SHARE)))
            for row in range(model.rowCount())]


def test_another_book_clears_the_node_figures_of_the_book_before(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    window.nodes.apply(JobStarted("Aesop", 3, 10, 0, 1000, 0, 0.0))  # it is converted
    window.nodes.apply(NodeChanged(LOCAL_NODE, LOCAL_NAME, "idle", units_done=8,
                                   audio_seconds=80.0, busy_seconds=10.0))
    window.nodes.apply(NodeChanged("k1", "laptop", "idle", units_done=1,
                                   audio_seconds=20.0, busy_seconds=5.0))
    assert _figures(window) == [("8", "80%"), ("1", "20%")]
    _open(qtbot, window, sample_book)
    assert _figures(window) == [("0", ""), ("0", "")]
    assert [window.nodes.state_of(n) for n in (LOCAL_NODE, "k1")] == ["idle", "idle"]
    assert window.controls.status.text() == "Ready to convert"
    # The farm still holds the last book's figures until the next starts: a node that
    # quits meanwhile must not bring them back (household re-check: "lost 8 1.4× 100%").
    window.nodes.apply(NodeChanged("k1", "laptop", "gone", units_done=1,
                                   audio_seconds=20.0, busy_seconds=5.0))
    assert _figures(window) == [("0", ""), ("0", "")]
    window.nodes.apply(JobStarted("Emma", 3, 10, 0, 1000, 0, 0.0))
    window.nodes.apply(NodeChanged("k1", "laptop", "speaking", units_done=1,
                                   audio_seconds=20.0, busy_seconds=5.0))
    assert _figures(window)[1] == ("1", "100%")  # the new book's own figures show


def test_done_lasts_until_what_convert_would_make_differs(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        tmp_path: Path) -> None:
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    controls, chapters = window.controls, window.chapters
    assert controls.status.text().startswith("Done: ")
    assert controls.start.text() == "Convert again"
    chapters.setData(chapters.index(0, 0), Qt.CheckState.Checked.value,
                     Qt.ItemDataRole.CheckStateRole)  # checked already: nothing differs
    window.settings.render_here.setChecked(False)  # how it is made, not what
    assert controls.status.text().startswith("Done: ") and controls.play.isVisibleTo(window)
    chapters.setData(chapters.index(0, 0), Qt.CheckState.Unchecked.value,
                     Qt.ItemDataRole.CheckStateRole)
    assert controls.status.text() == "Ready to convert"
    assert controls.start.text() == "Convert" and not controls.play.isVisibleTo(window)
    assert "Ctrl+Return" in controls.start.toolTip()


def test_another_folder_is_ready_to_convert_again(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        tmp_path: Path) -> None:
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    assert window.controls.start.text() == "Convert again"
    window.settings.folder.setText(str(tmp_path / "elsewhere"))
    assert window.controls.status.text() == "Ready to convert"
    assert window.controls.start.text() == "Convert"
    _open(qtbot, window, sample_book)  # and a new book is ready too, whatever it was
    assert window.controls.start.text() == "Convert"
