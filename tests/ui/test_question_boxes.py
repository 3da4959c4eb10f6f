"""The window's yes/no questions say what they ask in their title and are modal to the
window (its child: in front of it), not titled "e2a" and hidden behind another window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from e2a_desktop.events import NodeChanged
from e2a_desktop.ui import dialogs
from e2a_desktop.ui.edits import replace_question
from e2a_desktop.ui.main_window import MainWindow


def _answer_no(seen: list[tuple[str, object, Qt.WindowModality]], timer: QTimer) -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox) and box.isVisible():
        timer.stop()
        seen.append((box.windowTitle(), box.parentWidget(), box.windowModality()))
        no = box.button(QMessageBox.StandardButton.No)
        assert no is not None
        no.click()


def _asked(qtbot: QtBot, ask: object) -> tuple[str, object, Qt.WindowModality]:
    seen: list[tuple[str, object, Qt.WindowModality]] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: _answer_no(seen, timer))
    timer.start()
    assert ask() is False  # type: ignore[operator]
    timer.stop()
    assert len(seen) == 1
    return seen[0]


def test_replace_it_is_titled_and_modal_to_the_window(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    question = replace_question([tmp_path / "emma.m4b"])
    title, parent, modality = _asked(qtbot, lambda: window.confirm(question))
    assert title == "Replace the audiobook?"
    assert parent is window and modality == Qt.WindowModality.WindowModal


def test_a_question_from_inside_the_window_is_the_windows(
        qtbot: QtBot, window: MainWindow) -> None:
    question = window.edits.question("Emma", "Open “persuasion.epub”")
    title, parent, modality = _asked(
        qtbot, lambda: dialogs.confirm(window.chapter_view, question))
    assert title == "Lose your changes?"
    assert parent is window and modality == Qt.WindowModality.WindowModal


def test_every_question_has_a_title_of_its_own(tmp_path: Path) -> None:
    several = replace_question([tmp_path / "a.m4b", tmp_path / "a.srt"])
    assert several.heading == "Replace the audiobooks?"
    assert several == f"“a.m4b” already exists in {tmp_path} (and 1 more file). Replace them?"
    plain = "Anything?"
    assert getattr(plain, "heading", "e2a") == "e2a"  # a plain string keeps the app's name


def test_stopping_a_node_asks_by_its_name(window: MainWindow) -> None:
    window.nodes.apply(NodeChanged("k1", "laptop", "idle"))
    asked: list[str] = []
    window.confirm = lambda q: asked.append(q) or False  # type: ignore[method-assign]
    window._on_revoke("k1")
    assert [getattr(q, "heading", "") for q in asked] == ["Stop laptop?"]


def test_a_question_that_deletes_for_good_starts_on_no(window: MainWindow) -> None:
    """Enter pressed in passing must not delete a half-spoken book."""
    delete = dialogs.Question("Delete what was spoken?", "Delete it? It cannot be undone.",
                              undoable=False)
    box = dialogs.question_box(window, delete)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.deleteLater()
    replace = dialogs.question_box(window, dialogs.Question("Replace?", "Replace it?"))
    assert replace.defaultButton() is not replace.button(QMessageBox.StandardButton.No)
    replace.deleteLater()
