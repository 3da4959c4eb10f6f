"""e2a asks before it loses a person's choices, and says where a file is when it cannot open it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.ui import controls as controls_module
from e2a_desktop.ui.main_window import MainWindow


def _open(qtbot: QtBot, window: MainWindow, book: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)


def _crow(folder: Path) -> Path:
    path = folder / "crow.md"
    path.write_text("# The Crow\n\nA thirsty crow found a jug.\n\n# The Jug\n\nShe drank.\n",
                    encoding="utf-8")
    return path


class Answers:
    """Stands in for the person at the question: records it, answers as told."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer


def test_opening_another_book_asks_before_chapter_edits_are_lost(
        qtbot: QtBot, window: MainWindow, sample_book: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    crow = _crow(tmp_path)
    person = Answers(False)
    monkeypatch.setattr(window, "confirm", person)
    _open(qtbot, window, sample_book)
    model = window.chapters
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)

    window.open_book(crow)  # "No": the edited book stays, as it was
    assert len(person.asked) == 1 and "Three Fables of Aesop" in person.asked[0]
    assert window.book_panel.title.text() == "Three Fables of Aesop"
    assert model.included() == [0, 2]

    person.answer = True
    _open(qtbot, window, crow)
    assert window.book_panel.title.text() != "Three Fables of Aesop"
    assert len(person.asked) == 2

    _open(qtbot, window, sample_book)  # nothing edited: no question
    assert len(person.asked) == 2


def test_convert_asks_before_replacing_an_audiobook_that_exists(
        qtbot: QtBot, window: MainWindow, sample_book: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    existing = tmp_path / "out" / "aesop-fables.m4b"
    existing.write_bytes(b"last year's recording")
    person = Answers(False)
    monkeypatch.setattr(window, "confirm", person)
    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not converted" in window.message.text(), timeout=60_000)
    assert "aesop-fables.m4b" in person.asked[0] and "Replace" in person.asked[0]
    assert window.session is None and window.controls.start.isVisible()
    assert existing.read_bytes() == b"last year's recording"


class NoOpener:
    """A desktop without a program for the file (a bare Linux box, a kiosk)."""

    opened: list[str] = []

    @classmethod
    def openUrl(cls, url: object) -> bool:  # noqa: N802 - Qt's name
        cls.opened.append(str(url))
        return False


def test_play_and_show_in_folder_say_where_the_file_is_when_nothing_opens_it(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controls_module, "QDesktopServices", NoOpener)
    book = tmp_path / "out" / "aesop-fables.m4b"
    book.write_bytes(b"audio")
    window.controls.outputs = (book,)
    window.controls.set_mode("done")
    qtbot.mouseClick(window.controls.play, Qt.MouseButton.LeftButton)
    assert window.message.isVisible() and str(book) in window.message.text()
    qtbot.mouseClick(window.controls.show_folder, Qt.MouseButton.LeftButton)
    assert str(book.parent) in window.message.text()
    assert len(NoOpener.opened) == 2
